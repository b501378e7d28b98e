"""The attribute ruler's rules applied by look-up give every token the same part of speech, morphology,
lemma, tag and dependency as spaCy's own ``attribute_ruler``, on real text with the installed model."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiredesk.events.attribute_rules import AttributeRules, use_attribute_rules
from wiredesk.events.nlp import ModelNotAvailableError, SpacyBackend, choose_model
from wiredesk.events.segment import split_sentences

spacy = pytest.importorskip("spacy")
SEEDS = Path(__file__).resolve().parents[3] / "seeds"

# words the ruler's exceptions are about: contractions, "gets"/"got", "let's", existential "there",
# auxiliaries, white space, subordinating conjunctions, "ain't"
TRICKY = [
    "He gets what he wants and she got nothing, ain't that so?",
    "Let's go: there is a protest and there are two rallies; I'd say it's over, isn't it?",
    "They've been   arrested  \n  because they would n't leave, whilst others stayed.",
    "You're the one who'd know if it was all right, wouldn't you?",
]


@pytest.fixture(scope="module")
def pipelines():
    try:
        package = choose_model()
    except ModelNotAvailableError as exc:
        pytest.skip(f"no spaCy model installed: {exc}")
    plain, fast = spacy.load(package), spacy.load(package)
    assert use_attribute_rules(fast)
    return plain, fast


def _annotations(doc):
    return [(t.text, t.pos_, t.tag_, str(t.morph), t.lemma_, t.dep_, t.ent_type_) for t in doc]


def test_look_up_rules_annotate_news_sentences_exactly_as_spacys_ruler(pipelines):
    plain, fast = pipelines
    texts = list(TRICKY)
    for path in sorted(SEEDS.glob("*.txt")):
        body = path.read_text(encoding="utf-8")
        texts.extend(body[a:b] for a, b in split_sentences(body))
    assert len(texts) > 50
    assert type(fast.get_pipe("attribute_ruler")).__name__ != "AttributeRuler"
    for a, b in zip(plain.pipe(texts), fast.pipe(texts)):
        assert _annotations(a) == _annotations(b)


def test_look_up_rules_find_the_same_matches_as_spacys_matcher(pipelines):
    plain, _ = pipelines
    ruler = plain.get_pipe("attribute_ruler")
    rules = AttributeRules.from_ruler(ruler)
    assert rules is not None
    for text in TRICKY:
        doc = plain.make_doc(text)
        for _, component in plain.pipeline[:[n for n, _ in plain.pipeline].index("attribute_ruler")]:
            doc = component(doc)
        expected = [(rule, start, end) for rule, _, start, end in ruler.match(doc)]
        assert expected and rules.matches(doc) == expected


def test_a_ruler_with_patterns_the_look_up_cannot_read_is_kept():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "not", "OP": "?"}, {"LOWER": "ok"}]], {"LEMMA": "okay"})
    assert not use_attribute_rules(nlp)
    assert type(nlp.get_pipe("attribute_ruler")).__name__ == "AttributeRuler"
    assert [t.lemma_ for t in nlp("not ok")] == ["okay", "okay"]  # "not ok" and "ok" both match, index 0


def test_later_rules_override_earlier_ones_and_the_index_picks_the_token():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "new"}, {"LOWER": "york"}]], {"LEMMA": "nyc"}, index=-1)
    ruler.add([[{"LOWER": {"IN": ["york", "boston"]}}]], {"LEMMA": "city"})
    ruler.add([[{"LOWER": {"REGEX": "^bos"}}]], {"LEMMA": "bos"})
    texts = ["New York and Boston", "york new york"]
    expected = [[t.lemma_ for t in nlp(text)] for text in texts]
    assert expected == [["", "city", "", "bos"], ["city", "", "city"]]
    assert use_attribute_rules(nlp)
    assert [[t.lemma_ for t in nlp(text)] for text in texts] == expected


def test_the_spacy_back_end_uses_the_look_up_rules():
    try:
        choose_model()
    except ModelNotAvailableError as exc:
        pytest.skip(f"no spaCy model installed: {exc}")
    backend = SpacyBackend(n_process=1)
    assert backend.fast_attribute_rules
    (parsed,) = backend.parse_many(["Protesters got into the compound."])
    assert [(t.lemma, t.pos) for t in parsed.tokens][:3] == [("protester", "NOUN"), ("get", "VERB"),
                                                           ("into", "ADP")]
