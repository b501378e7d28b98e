import random
from dataclasses import replace
from datetime import date, datetime, timezone


from wiredesk.events import group_mentions
from wiredesk.events.evidence import conflict, same_name
from wiredesk.events.model import DateRef


def _events_with(events, trigger_lemma):
    return [e for e in events if any(m.trigger_lemma == trigger_lemma for m in e.mentions)]


def test_seed_storming_is_one_event_reported_by_both_outlets(seed_extractions):
    events = group_mentions(m for x in seed_extractions for m in x.mentions)
    [storming] = [e for e in events if e.event_class == "PROTEST" and e.num_sources == 2]
    assert {m.trigger_lemma for m in storming.mentions} >= {"break into", "storm"}
    assert (storming.place.name, storming.date.start, storming.num_documents) == ("Baghdad", date(2019, 12, 31), 2)


def test_seed_airstrikes_are_one_event_across_outlets_with_their_toll(seed_extractions):
    events = group_mentions(m for x in seed_extractions for m in x.mentions)
    [strikes] = [e for e in events if e.killed == 25]
    assert strikes.num_sources == 2 and strikes.num_mentions >= 4
    assert (strikes.actor.country, strikes.target.country, strikes.date.start) == ("USA", "IRQ", date(2019, 12, 29))


def test_seed_look_alike_attacks_stay_apart(seed_extractions):
    events = group_mentions(m for x in seed_extractions for m in x.mentions)
    [rocket] = _events_with(events, "rocket attack")
    assert rocket.killed == 1 and rocket.num_sources == 2
    assert all(m.trigger_lemma != "airstrike" for m in rocket.mentions)
    [murder] = _events_with(events, "murder")  # Benghazi 2012: an embassy attack, but not this one
    assert all(m.trigger_lemma not in ("airstrike", "storm", "break into") for m in murder.mentions)


def test_same_kind_of_event_in_different_cities_stays_apart(extractor, doc):
    a = extractor.extract(doc("Protesters stormed the parliament in Baghdad on Tuesday.", "a")).mentions
    b = extractor.extract(doc("Protesters stormed the parliament in Basra on Tuesday.", "b")).mentions
    assert len(group_mentions(a + b)) == 2


def test_same_kind_of_event_on_different_days_stays_apart(extractor, doc):
    a = extractor.extract(doc("Protesters stormed the parliament in Baghdad on Monday.", "a")).mentions
    b = extractor.extract(doc("Protesters stormed the parliament in Baghdad on Tuesday.", "b")).mentions
    assert len(group_mentions(a + b)) == 2


def test_same_kind_of_event_by_different_actors_stays_apart(extractor, doc):
    a = extractor.extract(doc("Israeli jets bombed a camp in Syria on Sunday.", "a")).mentions
    b = extractor.extract(doc("Russian jets bombed a camp in Syria on Sunday.", "b")).mentions
    assert len(group_mentions(a + b)) == 2


def test_two_outlets_reporting_one_event_are_grouped(extractor, doc):
    a = extractor.extract(doc("Police arrested 12 protesters in Basra on Monday.", "a", source="Outlet A")).mentions
    b = extractor.extract(doc("Iraqi police detained protesters in Basra on Monday, witnesses said.", "b",
                              source="Outlet B")).mentions
    [event] = group_mentions(a + b)
    assert (event.num_mentions, event.num_documents, event.num_sources) == (2, 2, 2)
    assert event.first_seen == event.last_seen == datetime(2019, 12, 31, tzinfo=timezone.utc)


def test_near_duplicate_paragraphs_join_mentions_that_say_little(extractor, doc):
    a = extractor.extract(doc("Smoke from the tear gas rose in the area.", "a")).mentions
    b = extractor.extract(doc("Clouds of tear gas drifted over the square.", "b")).mentions
    assert len(group_mentions(a + b)) == 2
    # a copy: the two documents share two near-identical paragraphs
    links = [(("a", 0), ("b", 0)), (("a", 1), ("b", 1))]
    assert len(group_mentions(a + b, near_links=links)) == 1
    # one stock paragraph in common is wording, not a copy
    assert len(group_mentions(a + b, near_links=links[:1])) == 2


def test_date_windows_follow_their_precision(seed_extractions):
    ms = [m for x in seed_extractions for m in x.mentions if m.trigger_lemma == "rocket attack"]
    week = ms[0]
    in_week = replace(week, doc_key="other", source="other", date=DateRef(date(2019, 12, 27), date(2019, 12, 27), "day"))
    outside = replace(week, doc_key="other2", source="other2",
                      date=DateRef(date(2019, 12, 10), date(2019, 12, 10), "day"))
    events = group_mentions([week, in_week, outside])
    assert sorted(e.num_mentions for e in events) == [1, 2]


def test_grouping_is_deterministic_whatever_the_input_order(seed_extractions):
    mentions = [m for x in seed_extractions for m in x.mentions]
    expected = group_mentions(mentions)
    shuffled = mentions[:]
    random.Random(7).shuffle(shuffled)
    assert group_mentions(shuffled) == expected


def test_negated_mentions_form_no_event(extractor, doc):
    ms = extractor.extract(doc("Security forces did not attack the protesters.")).mentions
    assert ms and group_mentions(ms) == []


def test_one_action_named_with_other_words_joins_across_reports_of_a_story(extractor, doc):
    text = "Two men were killed in a shooting at a Queens bar on Friday night."
    a = extractor.extract(doc(text, "a")).mentions
    b = extractor.extract(doc("Witnesses said the gunfire that killed two men lasted a minute.", "b")).mentions
    shots = [m for m in a + b if m.cameo == "193"]
    assert {m.trigger_lemma for m in shots} == {"shooting", "gunfire"}
    events = group_mentions(shots, stories={"a": 1, "b": 1})
    assert len(events) == 1 and events[0].num_documents == 2


def test_two_actions_with_one_generic_code_stay_apart_in_a_story(extractor, doc):
    a = extractor.extract(doc("Troops raided a village near Kandahar.", "a")).mentions
    b = extractor.extract(doc("Rebels clashed with police in the capital.", "b")).mentions
    assert {(m.trigger_lemma, m.cameo) for m in a + b} == {("raid", "190"), ("clash", "190")}
    assert len(group_mentions(a + b, stories={"a": 1, "b": 1})) == 2


def test_unrelated_happenings_of_one_day_with_nothing_in_common_stay_apart(extractor, doc):
    # same day, same trigger, similar wording, and no place, name, story or copied text that both report
    a = extractor.extract(doc("A gunman opened fire at a nightclub on Tuesday, police said.", "a",
                              source="Outlet A")).mentions
    b = extractor.extract(doc("A gunman opened fire at a crowded supermarket on Tuesday, witnesses said.", "b",
                              source="Outlet B")).mentions
    assert {m.date.start for m in a + b} == {date(2019, 12, 31)}
    assert len(group_mentions(a + b)) == 2


def test_a_weekday_is_no_name_two_reports_share(extractor, doc):
    a = extractor.extract(doc("Farmers protested on Tuesday over fuel prices.", "a", source="Outlet A")).mentions
    b = extractor.extract(doc("Students protested on Tuesday against cuts to their grants.", "b",
                              source="Outlet B")).mentions
    assert len(group_mentions(a + b)) == 2


def test_two_reports_naming_one_city_are_still_grouped(extractor, doc):
    a = extractor.extract(doc("A gunman opened fire at a nightclub in Leipzig on Tuesday, police said.", "a",
                              source="Outlet A")).mentions
    b = extractor.extract(doc("Witnesses said a man opened fire inside a crowded nightclub in Leipzig on Tuesday.",
                              "b", source="Outlet B")).mentions
    [event] = group_mentions(a + b)
    assert (event.num_documents, event.place.name) == (2, "Leipzig")


def test_reports_of_one_story_are_grouped_and_a_story_naming_no_one_in_common_is_no_evidence(extractor, doc):
    texts = {"a": "Police in Leipzig said a gunman opened fire at a nightclub on Tuesday, killing Jonas Bauer.",
             "b": "Jonas Bauer was among those killed when a gunman opened fire at a nightclub on Tuesday.",
             "c": "Witnesses in Porto said a gunman opened fire at a restaurant on Tuesday."}
    xs = {k: extractor.extract(doc(t, k, source=f"Outlet {k}")) for k, t in texts.items()}
    mentions = [m for x in xs.values() for m in x.mentions]
    entities = [e for x in xs.values() for e in x.entities]
    # the story layer put all three in one story; the Porto report names no one and nothing the others name
    events = group_mentions(mentions, entities=entities, stories={"a": 1, "b": 1, "c": 1})
    event_of = {m.doc_key: e.event_id for e in events for m in e.mentions if m.event_class == "ASSAULT"}
    assert event_of["a"] == event_of["b"] != event_of["c"]


def test_hypothetical_mentions_form_no_event_when_grouped_directly(extractor, doc):
    ms = extractor.extract(doc("Police arrested two men in Basra on Monday. Prosecutors could charge them with "
                               "arson.")).mentions
    assert {m.modality for m in ms if m.trigger_lemma == "charge"} == {"possible"}
    events = group_mentions(ms)
    assert "COERCE" in {e.event_class for e in events}  # the arrest happened
    assert all(m.trigger_lemma != "charge" for e in events for m in e.mentions)  # the possible charge joins none


def test_a_city_and_its_state_or_its_neighbourhood_can_be_one_place(extractor, doc):
    a = extractor.extract(doc("A gunman opened fire at a nightclub in Memphis on Tuesday, police said.", "a",
                              source="Outlet A")).mentions
    b = extractor.extract(doc("A gunman opened fire at a nightclub in Tennessee on Tuesday, police said.", "b",
                              source="Outlet B")).mentions
    c = extractor.extract(doc("A gunman opened fire at a nightclub in Brooklyn on Tuesday, police said.", "c",
                              source="Outlet C")).mentions
    d = extractor.extract(doc("A gunman opened fire at a nightclub in East Flatbush on Tuesday, police said.", "d",
                              source="Outlet D")).mentions
    assert [m.place.feature for m in a + b + c + d] == ["city", "us_state", "city", "city"]
    shots = {k: m for k, m in zip("abcd", a + b + c + d)}
    assert not conflict(shots["a"], shots["b"])  # Memphis is in the US; the gazetteer tells no city's state
    assert not conflict(shots["c"], shots["d"])  # East Flatbush lies within a few km of Brooklyn's centre
    assert conflict(shots["a"], shots["c"])  # Memphis and Brooklyn are two cities, far apart


def test_a_clipped_name_with_a_word_in_common_is_the_same_name():
    assert same_name("Mat Maid", "Matanuska Maid")
    assert same_name("Alaska's Mat - Maid dairy", "historic Matanuska Maid warehouse")
    assert not same_name("Ali", "Alice Moreau")  # a lone clipped word is no name in common
    assert not same_name("Iraq", "Iran")
