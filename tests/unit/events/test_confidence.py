"""events/9: a mention's confidence is a fitted probability that it tells a real happening
(``wiredesk.events.confidence``), and a mention told as happened but under ``min_confidence`` is stored with the
modality ``doubtful`` and joins no event."""

import pytest
from support.events import mention_of

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.settings import EventsSettings, load_settings
from wiredesk.events import DefaultEventExtractor
from wiredesk.events.confidence import DEFAULT_MIN_CONFIDENCE, DOUBTFUL, features, load, parse
from wiredesk.events.group import group_mentions, groupable

DOUBTFUL_BUY = "Shares rally as we buy more of the stock"  # a first-person aside in the present, no slot
ATTACK = "Gunmen killed 12 people in an attack on a market in Kabul on Tuesday, police said."


@pytest.fixture(scope="module")
def permissive(lexicon, gazetteer, extractor):
    return DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, min_confidence=0.0)


def test_the_shipped_model_loads_and_its_version_is_in_the_lineage(extractor):
    model = load()
    assert model.version.startswith("confidence/")
    assert model.version in extractor.describe()
    assert all(model.scales[k] > 0 for k in model.weights)


def test_the_model_file_names_only_features_the_code_computes(extractor, doc):
    m = mention_of(extractor, doc, ATTACK, "attack")
    assert set(load().weights) <= set(features(m, 0, 0))


def test_confidence_is_a_probability_that_ranks_a_reported_attack_over_an_aside(extractor, doc):
    attack = mention_of(extractor, doc, ATTACK, "attack")
    aside = mention_of(extractor, doc, DOUBTFUL_BUY, "buy")
    assert 0.0 < aside.confidence < attack.confidence < 1.0


def test_a_low_confidence_mention_is_stored_doubtful_and_joins_no_event(extractor, permissive, doc):
    m = mention_of(extractor, doc, DOUBTFUL_BUY, "buy")
    assert m.confidence < DEFAULT_MIN_CONFIDENCE
    assert m.modality == DOUBTFUL and not m.happened and not groupable(m)
    assert not group_mentions([m])
    # the setting changes that: with 0 the same mention, with the same confidence, joins an event
    kept = mention_of(permissive, doc, DOUBTFUL_BUY, "buy")
    assert kept.confidence == m.confidence and kept.modality is None and groupable(kept)
    assert len(group_mentions([kept])) == 1


def test_a_mention_above_the_threshold_keeps_its_own_modality(extractor, doc):
    m = mention_of(extractor, doc, ATTACK, "attack")
    assert m.confidence >= DEFAULT_MIN_CONFIDENCE and m.modality != DOUBTFUL and groupable(m)


def test_a_threshold_other_than_the_default_is_in_the_lineage(extractor, permissive):
    assert "min_confidence" not in extractor.describe()
    assert "min_confidence=0" in permissive.describe()


def test_the_setting_defaults_to_the_shipped_threshold_and_is_checked(tmp_path):
    assert EventsSettings().min_confidence == DEFAULT_MIN_CONFIDENCE
    path = tmp_path / "w.toml"
    path.write_text("[events]\nmin_confidence = 0.5\n", encoding="utf-8")
    assert load_settings(path).events.min_confidence == 0.5
    path.write_text("[events]\nmin_confidence = 1.5\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min_confidence"):  # a run or a reprocess refuses it at its start
        DefaultEventExtractor.from_settings(load_settings(path).events, 1)
    with pytest.raises(ConfigError, match="min_confidence"):
        DefaultEventExtractor("rules", min_confidence=-0.1)


def test_a_weights_file_without_a_version_is_refused():
    with pytest.raises(ValueError, match="version"):
        parse("feature\tweight\tmean\tscale\nintercept\t0.1\t\t\n")


def test_the_rules_only_back_end_keeps_the_rule_score_and_flags_nothing(rules_extractor, doc):
    # the model was fitted on mentions read with a parse: without one the rule score stays, and says so
    assert "confidence=rule" in rules_extractor.describe() and "confidence/" not in rules_extractor.describe()
    ms = rules_extractor.extract(doc(DOUBTFUL_BUY + ". " + ATTACK)).mentions
    assert ms and all(m.modality != DOUBTFUL for m in ms)


# --- events/10: the inputs from the parse and the page (confidence/2) -----------------------------------------
# Each is probed through the extraction: a model that weighs only that input (4 log-odds per unit, no
# intercept) gives a mention confidence 0.5 when the input is off and more when it is on.


def _probe(lexicon, gazetteer, feature: str) -> DefaultEventExtractor:
    model = parse(f"# version: probe/{feature}\nfeature\tweight\tmean\tscale\nintercept\t0\t\t\n{feature}\t4\t0\t1\n")
    return DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, confidence=model,
                                 min_confidence=0.0)


def _on(lexicon, gazetteer, feature, document, trigger) -> bool:
    m = next(m for m in _probe(lexicon, gazetteer, feature).extract(document).mentions if m.trigger == trigger)
    assert m.confidence >= 0.5
    return m.confidence > 0.5


def test_the_shipped_model_reads_the_parse_the_page_and_the_position(extractor):
    assert {"noun_trigger", "page_text_report", "page_video_game", "log_sentence_index"} <= set(load().weights)


def test_a_trigger_in_the_past_tense(extractor, lexicon, gazetteer, doc):
    assert _on(lexicon, gazetteer, "past_tense", doc("Gunmen attacked a market in Kabul on Tuesday."), "attacked")
    assert not _on(lexicon, gazetteer, "past_tense", doc("The attack on a market in Kabul killed 12 people."),
                   "attack")


def test_a_trigger_in_the_present_tense(extractor, lexicon, gazetteer, doc):
    assert _on(lexicon, gazetteer, "present_tense", doc("He says the company buys a rival every year."), "buys")
    assert not _on(lexicon, gazetteer, "present_tense", doc("The company bought a rival last year."), "bought")


def test_a_noun_trigger(extractor, lexicon, gazetteer, doc):
    assert _on(lexicon, gazetteer, "noun_trigger", doc("The attack on a market in Kabul killed 12 people."), "attack")
    assert not _on(lexicon, gazetteer, "noun_trigger", doc("Gunmen attacked a market in Kabul on Tuesday."),
                   "attacked")


REPORT = ("Police said on Tuesday that gunmen attacked a market in Kabul. " + " ".join(
    f"Officials said on Monday that {n} more people were wounded, and the ministry confirmed it." for n in range(12)))


def test_a_page_the_gate_reads_as_a_report(extractor, lexicon, gazetteer, doc):
    assert len(REPORT.split()) > 120  # the gate reads the text only from 120 words on
    assert _on(lexicon, gazetteer, "page_text_report", doc(REPORT), "attacked")
    # a short page gives the gate no evidence: the input is off
    assert not _on(lexicon, gazetteer, "page_text_report", doc("Gunmen attacked a market in Kabul on Tuesday."),
                   "attacked")


def test_a_date_or_a_place_in_the_triggers_own_clause(extractor, lexicon, gazetteer, doc):
    assert _on(lexicon, gazetteer, "own_date_or_place", doc("Gunmen attacked a market in Kabul on Tuesday."),
               "attacked")
    # the date and the place are the reporting verb's, not the attack's
    assert not _on(lexicon, gazetteer, "own_date_or_place",
                   doc("In Kabul, police said on Tuesday that gunmen had attacked a market."), "attacked")


def test_how_deep_in_the_page_the_sentence_is(extractor, lexicon, gazetteer, doc):
    lead = "Gunmen attacked a market in Kabul on Tuesday. The weather was mild. Traffic was light."
    deep = "The weather was mild. Traffic was light. Gunmen attacked a market in Kabul on Tuesday."
    assert not _on(lexicon, gazetteer, "log_sentence_index", doc(lead), "attacked")
    assert _on(lexicon, gazetteer, "log_sentence_index", doc(deep), "attacked")


# --- the recording hook: the model's inputs of each mention, as the extraction computes them ----------------


def test_the_record_hook_is_shown_each_documents_mentions_with_the_inputs_the_model_scores(lexicon, gazetteer, doc):
    seen = []
    ex = DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, min_confidence=0.0,
                               record=lambda mentions, xs: seen.append((list(mentions), list(xs))))
    ms = ex.extract(doc(REPORT)).mentions
    (recorded, xs), = seen
    assert ms and len(recorded) == len(xs) == len(ms)
    model = load()
    for m, before, x in zip(ms, recorded, xs):
        assert set(model.weights) <= set(x)
        # the hook sees the mention before it is scored (its rule score), and the stored score is the model's
        # probability of exactly these inputs
        assert before.trigger_start == m.trigger_start and before.confidence == x["rule_score"]
        assert m.confidence == round(model.probability(x), 3)
    assert all(x["page_text_report"] == 1.0 for x in xs)  # the gate's verdict on the page, passed through


def test_recording_without_a_model_keeps_the_rule_score_and_flags_nothing(lexicon, gazetteer, doc):
    seen = []
    ex = DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, confidence=False,
                               record=lambda mentions, xs: seen.append(list(xs)))
    ms = ex.extract(doc(DOUBTFUL_BUY + ". " + ATTACK)).mentions
    assert ms and all(m.modality != DOUBTFUL for m in ms)
    assert [m.confidence for m in ms] == [x["rule_score"] for x in seen[-1]]
    assert "confidence=rule" in ex.describe()
