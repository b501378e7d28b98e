"""Story features: words, names, numbers, years and places from plain text, in several languages, no parse."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiredesk.stories import PlaceIndex, Settings, StoryDocument, StoryState, assign, extract_features, load_place_index
from wiredesk.stories.text import guess_language, split_sentences


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return load_place_index()


def features(text: str, places: PlaceIndex | None = None, **kw) -> dict[str, float]:
    return extract_features(StoryDocument(1, text, **kw), Settings(), places).counts


def test_names_are_found_inside_sentences_and_at_their_start_only_when_never_lower_case():
    counts = features("Police said Brian Nichols escaped. Nichols was caught. Police are tired. "
                      "Yesterday the police said so.")
    assert counts["n:brian nichols"] == 1
    assert counts["n:nichols"] == 2
    # "Police" and "Yesterday" start sentences; "police" is also written in lower case, so it is no name
    assert "n:police" not in counts
    assert "w:police" in counts


def test_a_lone_capital_at_a_sentence_start_is_any_word_not_a_name():
    # briefs open with common nouns that the text never writes in lower case: no names, nothing shared
    counts = features("Riot police fired tear gas at the crowd. Firefighters battled the blaze for hours. "
                      "Flames engulfed the mall, fire chief Elena Varga said. Varga blamed a faulty heater.")
    for word in ("riot", "firefighters", "flames"):
        assert f"n:{word}" not in counts
    assert counts["n:elena varga"] == 1
    assert counts["n:varga"] == 2  # capitalised inside a sentence, so a name at a sentence start too


def test_number_words_count_as_their_digits():
    assert features("A fire killed seven people.").keys() & features("A fire killed 7 people.").keys() >= {
        "#:7 people"}
    assert "w:seven" not in features("Seven people died.")


def test_a_single_word_the_text_also_writes_in_lower_case_is_no_place(places):
    # "Union" (New Jersey) and "Police" (Poland) are towns; here they are a union and the police
    counts = features("Rail workers struck in Sofia, the Union said. The union wants higher wages. "
                      "Officers from the Police academy and the police union joined.", places)
    assert "p:c:BGR" in counts
    assert "p:c:USA" not in counts and "p:c:POL" not in counts


def test_title_case_headlines_only_reuse_names_the_body_capitalises():
    counts = features("The Chargers said Vincent Jackson will play.", title="Chargers Receiver Arrested For DUI")
    assert "n:receiver" not in counts and "n:arrested" not in counts
    assert counts["n:chargers"] == Settings().title_boost + 1


def test_numbers_keep_their_unit_and_years_stand_alone():
    counts = features("A magnitude 7.1 earthquake killed 1,200 people in 2008; the team is 9-14.")
    assert counts["#:7.1 earthq"] == 1
    assert counts["#:1200 people"] == 1
    assert counts["y:2008"] == 1
    assert counts["#:9-14"] == 1


def test_places_resolve_to_the_city_and_its_country(places):
    counts = features("Protesters gathered in Mannheim on Sunday, officials in Germany said.", places)
    mannheim = [f for f in counts if f.startswith("p:g:")]
    assert len(mannheim) == 1
    assert counts["p:c:DEU"] == 2  # the city's country and the country itself


def test_names_and_numbers_travel_across_languages(places):
    # German capitalises every noun, so its name phrases can be longer ("Herausforderer Tony Thompson");
    # the single name words still match
    english = features("Wladimir Klitschko beat Tony Thompson in Bern on Saturday after 12 rounds.", places)
    german = features("Am Samstag hat Wladimir Klitschko in Bern den Herausforderer Tony Thompson nach 12 Runden "
                      "besiegt, berichtete die Zeitung.", places)
    shared = {f for f in english if f[0] in "n#p"} & {f for f in german if f[0] in "n#p"}
    assert {"n:wladimir klitschko", "n:klitschko", "n:thompson", "#:12", "p:c:CHE"} <= shared
    assert "n:am" not in german and "n:samstag" not in german  # a German stop word / sentence start


def test_language_is_guessed_from_stop_words_when_not_given():
    assert guess_language("der die und das ist nicht mit den von zu".split()) == "de"
    assert guess_language("le la les et des est dans une pour que".split()) == "fr"
    assert guess_language(["北京市今天发生地震"]) is None
    doc = extract_features(StoryDocument(1, "Die Regierung hat am Montag die neuen Regeln vorgestellt, und "
                                            "die Opposition ist nicht zufrieden mit dem Plan."), Settings())
    assert doc.language == "de"
    assert "w:regier" in doc.counts and "w:und" not in doc.counts


def test_empty_and_unanalysable_text_gives_features_without_error():
    assert extract_features(StoryDocument(1, ""), Settings()).empty
    assert extract_features(StoryDocument(2, "  \n\n "), Settings()).empty
    arabic = extract_features(StoryDocument(3, "العراق " * 5, language="ar"), Settings())
    assert arabic.language == "ar"  # kept as given; no stop list, so words are all kept


def test_abbreviations_do_not_end_sentences():
    assert split_sentences("Mr. Smith met Dr. Jones in the U.S. on Monday. Then he left.") == [
        "Mr. Smith met Dr. Jones in the U.S. on Monday.", "Then he left."]


def test_one_huge_document_keeps_at_most_max_features():
    text = " ".join(f"Word{i} zz{i}abc" for i in range(3000))
    assert len(features(text)) == Settings().max_features


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400), st.one_of(st.none(), st.text(max_size=40)), st.one_of(st.none(), st.text(max_size=8)))
def test_any_text_gives_features_and_a_story_never_an_error(text, title, language):
    doc = extract_features(StoryDocument(1, text, title=title, language=language), Settings())
    (a,) = assign([doc], StoryState()).assignments
    assert a.story_id == 1 and a.method in ("new", "empty")
