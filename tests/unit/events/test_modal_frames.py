"""``events/5``: the modal frames and generic uses the seed-7 and seed-31 hand-checks found still making events,
read as rules (each with a sentence that must stay a happening), and the two regressions of lexicon 6's naming
rules."""

import pytest
from support.events import mention_of, mentions_of


@pytest.mark.parametrize("text, trigger, modality", [
    # obligations: not done yet
    ("Both nominees must first be confirmed by the Senate.", "confirmed", "demanded"),
    ("The board needs to approve the merger before it closes.", "approve", "demanded"),
    ("The official should be charged with fraud, the group said.", "charged", "possible"),
    # a noun told to happen by a modal occurrence verb, inside a condition
    ("If one of them turned out to be the world's only hope of salvation, hijinks and sudden death would "
     "inevitably ensue.", "death", "conditional"),
    ("A violent protest would follow within days, the minister warned.", "protest", "possible"),
    # forecasts and intentions
    ("The company seeks to acquire its rival for $2 billion.", "acquire", "intended"),
    ("The senator refused to resign.", "resign", "failed"),
    ("Investors expect the company to announce layoffs, and the chief executive is expected to resign.", "resign",
     "possible"),
    # a condition told by "when ... ever"
    ("When they ever win a title, fans will celebrate in the streets.", "win", "conditional"),
    # habits: present tense with a word of frequency
    ("Every year, thousands of people protest in the capital.", "protest", "habitual"),
    ("Protesters routinely clash with police in the city.", "clash", "habitual"),
    # "would" in what someone said stays a possibility when it has a condition of its own, or is said now
    ("He said the army would attack if the talks failed.", "attack", "possible"),
    ("The company says it would acquire the startup.", "acquire", "possible"),
])
def test_a_modal_frame_or_a_habit_is_stored_and_joins_no_event(extractor, doc, text, trigger, modality):
    m = mention_of(extractor, doc, text, trigger)
    assert m.modality == modality
    assert not m.happened


@pytest.mark.parametrize("text, trigger", [
    ("He had to be hospitalized after the crash.", "hospitalized"),  # "had to": it happened
    ("Thousands of people protested in the capital on Sunday.", "protested"),
    ("Protesters clashed with police in the city last year.", "clashed"),
    ("Sudden death followed the crash of the bus on Monday.", "crash"),
    ("The Senate confirmed both nominees on Thursday.", "confirmed"),
    ("He is set to be sentenced on May 3.", "sentenced"),  # scheduled for a date
])
def test_the_same_actions_told_as_done_or_scheduled_still_make_events(extractor, doc, text, trigger):
    assert mention_of(extractor, doc, text, trigger).happened


@pytest.mark.parametrize("text, trigger", [
    ("Acme said on Monday it would take over its rival Globex for $2 billion.", "take over"),
    ("The prime minister announced that he would resign next month.", "resign"),
])
def test_a_would_in_what_someone_said_is_their_will_and_joins_an_event(extractor, doc, text, trigger):
    """A past "said ... would" is reported speech of "will": a plan told as future, grouped like "will resign"
    (a busy day's leads "X said it would take over Y" lost their cross-outlet links while it read as possible)."""
    m = mention_of(extractor, doc, text, trigger)
    assert m.modality == "future"
    assert m.happened


def test_a_real_happening_a_speaker_calls_by_its_name_is_no_name(extractor, doc):
    text = ('The Greek prime minister has denounced what he called the "murder" of three bank workers killed when '
            "the building they were in was torched during protests in Athens.")
    assert ("murder", "ASSAULT") in {(m.trigger, m.event_class) for m in mentions_of(extractor, doc, text)}
    # a name is still a name: a thing called an attack, and a grant known by its nickname
    assert not [m for m in mentions_of(extractor, doc, "Critics called the cuts savage attacks.")
                if m.trigger == "attacks"]


def test_one_academy_awards_ceremony_is_a_happening_and_the_series_is_not(extractor, doc):
    one = ("DeGeneres hosted the 79th Academy Awards in 2007, for which she received a Primetime Emmy "
           "nomination.")
    assert ("Awards", "CONTEST") in {(m.trigger, m.event_class) for m in mentions_of(extractor, doc, one)}
    series = "It's a tough job hosting the Academy Awards, the Oscar show."
    assert not [m for m in mentions_of(extractor, doc, series) if m.trigger == "Awards"]
    company = "Riot Games released a patch for its game on Tuesday."
    assert not [m for m in mentions_of(extractor, doc, company) if m.trigger == "Games"]


def test_a_question_about_a_real_happening_is_no_condition(extractor, doc):
    text = "It is not yet clear whether today's outage is the same order of magnitude as the one in March."
    assert mention_of(extractor, doc, text, "outage").happened
