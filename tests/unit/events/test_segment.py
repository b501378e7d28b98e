"""Sentences by rule, and the parse of only the sentences that can hold a trigger (same mentions, less work)."""

from wiredesk.events import DefaultEventExtractor, DocumentInput, InputParagraph
from wiredesk.events.segment import TriggerWords, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def test_sentences_end_at_stops_not_at_abbreviations_initials_or_dates():
    text = ('Gen. Frank McKenzie met U.S. officials on Dec. 31. "We will respond," he said. '
            "John F. Kennedy was shot in 1963! Was it planned? Nobody knows.\nA new line starts here")
    assert _sentences(text) == [
        "Gen. Frank McKenzie met U.S. officials on Dec. 31.", '"We will respond," he said.',
        "John F. Kennedy was shot in 1963!", "Was it planned?", "Nobody knows.", "A new line starts here"]


def test_sentence_spans_are_offsets_into_the_text():
    text = "  First one.   Second one.  "
    assert [(a, b, text[a:b]) for a, b in split_sentences(text)] == [(2, 12, "First one."), (15, 26, "Second one.")]


def test_trigger_words_know_inflections_and_need_disambiguation_words(lexicon, extractor):
    words = TriggerWords(lexicon, extractor.backend.surface_forms())
    assert words.possible("Militiamen broke into the compound.")  # "break into", irregular past
    assert words.possible("Microsoft bought the startup for $2 billion.")  # "buy" needs a company or a sum
    assert not words.possible("He bought a coffee and went home.")
    assert not words.possible("The weather was fine all week.")


def test_parsing_only_trigger_sentences_finds_the_same_triggers_as_parsing_all(lexicon, gazetteer, extractor,
                                                                               seed_docs):
    everything = DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, parse_all=True)
    def triggers(xs):
        return [(m.doc_key, m.trigger_start, m.trigger, m.event_class, m.cameo) for x in xs for m in x.mentions]
    assert triggers(extractor.extract_many(seed_docs)) == triggers(everything.extract_many(seed_docs))


def test_a_reference_gets_the_sentence_before_it_parsed(extractor, doc):
    text = "Kataib Hezbollah operates in Iraq. The group attacked a U.S. base on Friday."
    [m] = extractor.extract(doc(text)).mentions
    assert (m.actor.name, m.actor.resolved_from) == ("Kataib Hezbollah", 0)


def test_a_reference_never_resolves_past_a_sentence_that_was_not_parsed(lexicon, gazetteer, extractor, doc):
    # "The weather ..." holds no trigger word and is not parsed; it could have named another group
    text = ("Kataib Hezbollah operates in Iraq. The weather in Baghdad was mild on Monday. "
            "The group attacked a U.S. base on Friday.")
    [m] = extractor.extract(doc(text)).mentions
    assert m.actor is None
    everything = DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1, parse_all=True)
    [m] = everything.extract(doc(text)).mentions
    assert m.actor.name == "Kataib Hezbollah"


def test_sentences_without_a_trigger_word_give_no_entities_but_trigger_sentences_do(extractor, doc):
    x = extractor.extract(doc("Angela Merkel spoke in Paris last year. Police arrested 12 protesters in Basra."))
    assert {e.text for e in x.entities} >= {"Basra"}
    assert not {"Angela Merkel", "Paris"} & {e.text for e in x.entities}


def test_a_repeated_paragraph_is_parsed_once_per_batch(extractor):
    text = "Police arrested 12 protesters in Basra on Tuesday."
    parsed = extractor.backend.parse_many([text, "Something else.", text])
    assert parsed[0] is parsed[2]
    copies = [DocumentInput(k, None, k, (InputParagraph(0, "body", text),), language="en") for k in ("a", "b")]
    a, b = extractor.extract_many(copies)
    assert [(m.trigger, m.trigger_start) for m in a.mentions] == [(m.trigger, m.trigger_start) for m in b.mentions]
