import pytest

from wiredesk.events import DefaultEventExtractor, group_mentions
from wiredesk.events.nlp import ModelNotAvailableError, RulesBackend, choose_model, make_backend
from datetime import date


def test_rules_backend_needs_no_model_and_says_so(rules_extractor):
    assert isinstance(rules_extractor.backend, RulesBackend)
    assert " rules model=none " in rules_extractor.describe()


def test_rules_mode_finds_the_seed_storming_with_place_and_date(rules_extractor, seed_docs):
    mentions = [m for x in rules_extractor.extract_many(seed_docs) for m in x.mentions]
    storm = next(m for m in mentions if m.trigger_lemma == "storm")
    assert (storm.place.name, storm.date.start, storm.modality) == ("Baghdad", date(2019, 12, 31), "attempted")
    events = group_mentions(mentions)
    assert any(e.event_class == "PROTEST" and e.num_sources == 2 for e in events)


def test_rules_mode_offsets_point_into_the_body(rules_extractor, seed_docs):
    for d, x in zip(seed_docs, rules_extractor.extract_many(seed_docs)):
        for m in x.mentions:
            assert d.text[m.trigger_start:m.trigger_end] == m.trigger


def test_a_missing_model_is_an_error_for_spacy_and_a_fallback_for_auto(lexicon, gazetteer):
    with pytest.raises(ModelNotAvailableError):
        choose_model("no_such_model_pkg")
    backend = make_backend("auto", model="no_such_model_pkg", lexicon=lexicon, gazetteer=gazetteer)
    assert backend.name == "rules"
    with pytest.raises(ModelNotAvailableError):
        DefaultEventExtractor("spacy", model="no_such_model_pkg", lexicon=lexicon, gazetteer=gazetteer)
