from datetime import date

from wiredesk.events import DocumentInput, InputParagraph


def _by_trigger(mentions, trigger):
    return next(m for m in mentions if m.trigger == trigger)


def test_seed_storming_has_every_slot_from_its_own_sentence(seed_extractions):
    ap = next(x for x in seed_extractions if x.doc_key.endswith("ap-yahoo-2019-12-31-baghdad-embassy.txt"))
    m = _by_trigger(ap.mentions, "broke into")
    assert (m.event_class, m.cameo) == ("PROTEST", "145")
    assert (m.actor.kind, m.actor.country) == ("armed_group", "IRQ")
    assert (m.target.kind, m.target.country) == ("government", "USA")
    assert (m.place.name, m.place.country) == ("Baghdad", "IRQ")
    assert (m.date.start, m.date.precision) == (date(2019, 12, 31), "day")
    assert m.crowd == 24 and not m.negated and m.modality is None


def test_offsets_point_into_the_document_body(seed_docs, seed_extractions):
    for d, x in zip(seed_docs, seed_extractions):
        body = d.text
        for m in x.mentions:
            assert body[m.trigger_start:m.trigger_end] == m.trigger
            assert body[m.sentence_start:m.sentence_end] == m.sentence
            assert m.sentence_start <= m.trigger_start < m.trigger_end <= m.sentence_end
        for e in x.entities:
            assert body[e.start:e.end] == e.text


def test_casualty_verbs_fold_into_the_attack_they_report(extractor, doc):
    text = "It followed deadly U.S. airstrikes on Sunday that killed 25 fighters of the Kataeb Hezbollah."
    ms = extractor.extract(doc(text)).mentions
    assert [m.trigger for m in ms] == ["airstrikes"]
    m = ms[0]
    assert (m.killed, m.cameo, m.date.start) == (25, "195", date(2019, 12, 29))
    assert (m.actor.country, m.target.name, m.target.country) == ("USA", "Kataib Hezbollah", "IRQ")


def test_negated_action_is_flagged(extractor, doc):
    [m] = extractor.extract(doc("Security forces did not attack the protesters.")).mentions
    assert m.negated


def test_attempt_and_intent_are_modalities(extractor, doc):
    [m] = extractor.extract(doc("A mob tried to storm the embassy in Baghdad.")).mentions
    assert (m.event_class, m.modality) == ("PROTEST", "attempted")


def test_the_group_is_resolved_to_a_named_actor_of_the_same_document(extractor, doc):
    text = "Kataib Hezbollah operates in Iraq. The group attacked a U.S. base on Friday."
    [m] = extractor.extract(doc(text)).mentions
    assert (m.actor.name, m.actor.country) == ("Kataib Hezbollah", "IRQ")
    assert m.actor.resolved_from == 0


def test_actors_are_never_glued_from_another_sentence(extractor, doc):
    text = "Hundreds of protesters gathered outside parliament. Police arrested 12 people."
    ms = extractor.extract(doc(text)).mentions
    arrest = next(m for m in ms if m.event_class == "COERCE")
    assert arrest.actor.kind == "police"
    assert arrest.sentence_index == 1


def test_ambiguous_pronoun_stays_unresolved(extractor, doc):
    text = "Iraqi security forces made no effort to stop the protesters as they marched to the Green Zone."
    march = next(m for m in extractor.extract(doc(text)).mentions if m.trigger == "marched")
    assert march.actor is None


def test_captions_credits_and_boilerplate_are_not_read(extractor):
    d = DocumentInput("d", None, "s", (InputParagraph(0, "caption", "Police arrested 12 protesters in Basra."),
                                       InputParagraph(1, "credit", "Reuters"),
                                       InputParagraph(2, "body", "The weather was fine.")), language="en")
    assert extractor.extract(d).mentions == ()


def test_extraction_records_backend_model_and_lexicon_versions(extractor, lexicon):
    described = extractor.describe()
    assert "spacy/" in described and "model=en_core_web_sm" in described
    assert lexicon.version in described and described.startswith(extractor.version)


def test_extraction_is_deterministic(extractor, seed_docs, seed_extractions):
    assert extractor.extract_many(seed_docs) == seed_extractions


def test_entities_are_extracted_with_kinds_and_countries(seed_extractions):
    names = {(e.name, e.label) for x in seed_extractions for e in x.entities}
    assert ("Baghdad", "GPE") in names and ("Pentagon", "ORG") in names
    pentagon = next(e for x in seed_extractions for e in x.entities if e.name == "Pentagon")
    assert (pentagon.kind, pentagon.country) == ("military", "USA")
