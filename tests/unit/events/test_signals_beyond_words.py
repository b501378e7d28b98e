"""events/8: signals that do not depend on the trigger word. The page's domain (contest words on a video-game
or an election page), the reader addressed ("how to apprehend", a present "you"), a tally of a record ("his
first 18 games") and a figure moved ("the Nifty has been rallying", "hit a maximum of 89 degrees"). Each with
the junk it keeps out of events and a real happening the same signal must leave in."""

import pytest
from support.events import found_triggers, joining_triggers, mention_of

GAME_REVIEW = ("Stadia launched with 22 titles for consoles and Chromecast, and its gameplay is smooth. "
               "While Chromecast users enjoy the game at a solid 30fps, those who play in the browser suffer.")
MATCH_REPORT = ("The Lakers won the game 112-104 on Monday, their sixth league win. "
                "Fans at the stadium enjoyed the game.")
ELECTION_PAGE = ("Voters went to the polls on Tuesday, and the Democratic nominee beat the incumbent governor. "
                 "Four years ago the Republican candidate won in a landslide, and the primary drew few voters.")
ELECTION_AND_SPORT = ("Voters went to the polls on Tuesday and the nominee and the other candidates waited. "
                      "In the football league, the Saints won the game in a landslide on Sunday.")


def test_contest_words_on_a_video_game_page_are_no_match(extractor, doc):
    assert not {t for t, c in found_triggers(extractor, doc, GAME_REVIEW) if c == "CONTEST"}
    assert ("game", "CONTEST") in joining_triggers(extractor, doc, MATCH_REPORT)


def test_contest_words_on_an_election_page_without_sport_are_no_match(extractor, doc):
    assert not {t for t, c in found_triggers(extractor, doc, ELECTION_PAGE) if c == "CONTEST"}
    assert ("won", "CONTEST") in joining_triggers(extractor, doc, ELECTION_AND_SPORT)


@pytest.mark.parametrize("junk, trigger, modality", [
    ("Here is what you should know to stay calm and apprehend the culprit.", "apprehend", "generic"),
    ("He posted a series of tweets giving advice on how to safely apprehend a train groper.", "apprehend",
     "demanded"),
    ("To urge your MP to vote for the amendments, click this blue box.", "urge", "demanded"),
    ('"You win championships with players like Vincent Jackson," the coach said.', "win", "generic"),
])
def test_what_the_reader_is_told_to_do_is_no_happening(extractor, doc, junk, trigger, modality):
    m = mention_of(extractor, doc, junk, trigger)
    assert m.modality == modality and not m.happened


@pytest.mark.parametrize("text, trigger, cls", [
    ("Police apprehended the culprit at the station on Monday.", "apprehended", "COERCE"),
    ('"You attacked my son," she told the court on Monday.', "attacked", "ASSAULT"),
    ("The union urged ministers to vote for the amendments on Monday.", "urged", "DEMAND"),
])
def test_a_real_happening_with_you_or_an_instruction_nearby_still_joins(extractor, doc, text, trigger, cls):
    assert (trigger, cls) in joining_triggers(extractor, doc, text)


@pytest.mark.parametrize("text", [
    "Parise has scored just four times in his first 18 games.",
    "The Sabres have lost eight of their nine games since the break.",
    "James has five triple-doubles in the Lakers' last 10 games.",
])
def test_a_tally_of_a_record_is_an_aggregate(extractor, doc, text):
    m = mention_of(extractor, doc, text, "games")
    assert m.modality == "aggregate" and not m.happened


@pytest.mark.parametrize("text, trigger, cls", [
    ("Two attacks killed 10 people in Kabul on Monday.", "attacks", "ASSAULT"),
    ("A Georgia judge handed Nichols four consecutive life sentences on Friday.", "sentences", "JUSTICE"),
    ("The foundation awarded her one of its $500,000 grants last year.", "grants", "BUSINESS"),
])
def test_happenings_counted_one_by_one_still_join(extractor, doc, text, trigger, cls):
    assert (trigger, cls) in joining_triggers(extractor, doc, text)


@pytest.mark.parametrize("junk, trigger", [
    ("Even the Nifty has been rallying at a time when concerns over the economy are growing.", "rallying"),
    ("On the new laptop that area is still the hotspot, but it hit a maximum of 89 degrees under load.", "hit"),
    ("With the 2008 financial crash, the ideology lost its force.", "crash"),
])
def test_a_physical_trigger_said_of_a_figure_is_no_happening(extractor, doc, junk, trigger):
    assert trigger not in {t for t, c in found_triggers(extractor, doc, junk) if c in ("PROTEST", "DISASTER")}


@pytest.mark.parametrize("text, trigger, cls", [
    ("Thousands of protesters were rallying in the capital on Monday.", "rallying", "PROTEST"),
    ("A car hit a pedestrian on Main Street on Monday.", "hit", "DISASTER"),
    ("A British climber fell about 2,000 feet on Mount Sefton on Saturday.", "fell", "DISASTER"),
    # a share of people or things is the toll of a real happening, not a figure that moved
    ("Gunmen killed 40 percent of the passengers on the bus on Monday.", "killed", "ASSAULT"),
    ("Soldiers shot 10 % of the protesters in the square on Monday.", "shot", "ASSAULT"),
])
def test_the_same_triggers_said_of_people_still_join(extractor, doc, text, trigger, cls):
    assert (trigger, cls) in joining_triggers(extractor, doc, text)
