"""Story assignment: incremental, reproducible across batchings, look-alikes apart, bad input never fails."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone

import pytest

from wiredesk.stories import (MemoryStoryStore, Settings, StoryDocument, assign, conflicts, extract_features,
                              load_place_index)
from wiredesk.stories.model import StoryState

from conftest import REPO, SEEDS

sys.path.insert(0, str(REPO / "bench"))
from ecbplus import corpus_dir as ecbplus_dir  # noqa: E402  (the shared ECB+ reader of the benchmarks)

QUAKE_A = ("A magnitude 7.1 earthquake struck near Padang in Indonesia on Wednesday, killing at least 75 people, "
           "officials in Jakarta said. The Padang quake damaged hospitals and schools.")
QUAKE_A2 = ("Rescuers in Padang searched collapsed schools after the 7.1 magnitude earthquake that killed 75 people "
            "in western Indonesia, Jakarta officials said. Hospitals in Padang were damaged.")
QUAKE_B = ("Peru's capital Lima was shaken by a 6.4 magnitude tremor that left 12 dead, the Peruvian civil defence "
           "institute said. President Ollanta Humala flew to Lima's southern districts.")
# the Lima quake written from the same wire template as QUAKE_A: only the place and the numbers differ
TEMPLATE_B = ("A magnitude 6.4 earthquake struck near Lima in Peru on Wednesday, killing at least 12 people, "
              "officials in Lima said. The quake damaged hospitals and schools.")
TRIAL = ("Jurors in Atlanta convicted Brian Nichols of murder in the courthouse shooting. Nichols faces life in "
         "prison, prosecutors said after the verdict in Fulton County.")


@pytest.fixture(scope="module")
def places():
    return load_place_index()


def feats(docs: list[StoryDocument], places, settings: Settings | None = None):
    return [extract_features(d, settings or Settings(), places) for d in docs]


def run(batches, settings: Settings | None = None) -> dict[int, int]:
    store = MemoryStoryStore(settings)
    for batch in batches:
        store.add(batch)
    return {a.document_id: a.story_id for a in store.assignments}


def synthetic_stream(places) -> list:
    texts = [QUAKE_A, TRIAL, QUAKE_B, QUAKE_A2, TRIAL.replace("Jurors", "A jury"),
             QUAKE_B.replace("capital", "capital city"), "", QUAKE_A.replace("officials", "police")]
    return feats([StoryDocument(i, t) for i, t in enumerate(texts, start=1)], places)


def test_reports_of_one_happening_join_and_a_new_happening_starts_a_story(places):
    stories = run([synthetic_stream(places)])
    assert stories[1] == stories[4] == stories[8]  # the Padang quake
    assert stories[2] == stories[5]  # the trial
    assert stories[3] == stories[6]  # the Lima quake
    assert len({stories[1], stories[2], stories[3]}) == 3


def test_same_documents_in_the_same_order_give_the_same_stories_in_one_batch_or_many(places):
    docs = synthetic_stream(places)
    one = run([docs])
    for size in (1, 2, 3):
        assert run([docs[k:k + size] for k in range(0, len(docs), size)]) == one


@pytest.mark.corpus
def test_ecbplus_stream_is_the_same_in_one_batch_or_many(places):
    if not ecbplus_dir().is_dir():
        pytest.skip("ECB+ not found (../shared/corpus/ecbplus)")
    from ecbplus import read_topics

    docs = [d for ds in read_topics([1, 3, 35]).values() for d in ds]
    features = feats([StoryDocument(i, d.doc.text) for i, d in enumerate(docs, start=1)], places)
    one = run([features])
    assert run([features[k:k + 9] for k in range(0, len(features), 9)]) == one
    # ...and the stories found do not mix the three topics
    topic_of_story: dict[int, set[int]] = {}
    for i, d in enumerate(docs, start=1):
        topic_of_story.setdefault(one[i], set()).add(d.topic)
    assert all(len(t) == 1 for t in topic_of_story.values())


def test_a_syndicated_copy_joins_the_story_of_the_document_it_copies(places):
    store = MemoryStoryStore()
    store.add(feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TRIAL)], places))
    # a rewrite that copies a sentence of document 1 under a lead of its own: too little shared vocabulary
    # to join by similarity alone, enough with the copy
    rewrite = ("Regional papers carried the wire report on Thursday morning, with pictures sent by readers from the "
               "coast and comments from the editor about the newsroom's long night. Subscribers can read every "
               "page online, and printing ran late after a power cut at the plant. The Padang quake damaged hospitals "
               "and schools.")
    result = store.add(feats([StoryDocument(3, rewrite, copies_of=(99, 1))], places))
    (a,) = result.assignments
    assert (a.method, a.story_id, a.matched_document_id) == ("copy", store.story_of(1), 1)
    assert Settings().copy_threshold <= a.similarity < Settings().threshold


def test_a_copied_stock_sentence_alone_does_not_join_another_happening(places):
    store = MemoryStoryStore()
    store.add(feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TRIAL)], places))
    # the dedup links one shared sentence; the rest tells another happening: decided on its content
    result = store.add(feats([StoryDocument(3, TRIAL.replace("Jurors", "A jury") + " Police said the quake "
                                                "damaged hospitals and schools.", copies_of=(1,))], places))
    (a,) = result.assignments
    assert (a.method, a.story_id) == ("joined", store.story_of(2))


def test_an_updated_article_keeps_its_story_while_it_still_resembles_its_previous_version(places):
    store = MemoryStoryStore()
    store.add(feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TRIAL)], places))
    updated = QUAKE_A + " The death toll rose to 80 on Thursday, the disaster agency said."
    (a,) = store.add(feats([StoryDocument(3, updated, previous_version=1)], places)).assignments
    assert (a.method, a.story_id, a.matched_document_id) == ("version", store.story_of(1), 1)
    assert a.similarity >= Settings().threshold
    # a version emptied of text keeps its story too (it has nothing else to go by)
    (b,) = store.add(feats([StoryDocument(4, "", previous_version=3)], places)).assignments
    assert (b.method, b.story_id) == ("version", store.story_of(1))


def test_an_address_that_now_holds_another_article_is_decided_afresh(places):
    store = MemoryStoryStore()
    store.add(feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TRIAL)], places))
    # the page of document 1 now carries the trial: not the earthquake's story any more
    (a,) = store.add(feats([StoryDocument(3, TRIAL.replace("Jurors", "A jury"), previous_version=1)],
                           places)).assignments
    assert (a.method, a.story_id) == ("joined", store.story_of(2))


def test_documents_with_no_text_or_no_analysable_language_get_a_story_of_their_own(places):
    docs = feats([StoryDocument(1, ""), StoryDocument(2, "\n \n"), StoryDocument(3, "地震造成多人受伤。" * 4),
                  StoryDocument(4, "\u0627\u0644\u0639\u0631\u0627\u0642 " * 10, language="ar"),
                  StoryDocument(5, QUAKE_A)], places)
    result = MemoryStoryStore().add(docs)
    assert [a.method for a in result.assignments[:2]] == ["empty", "empty"]
    assert len({a.story_id for a in result.assignments}) == 5


def test_look_alike_happenings_disagree_on_place_numbers_and_names(places):
    s = Settings()
    a, b, a2 = feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TEMPLATE_B), StoryDocument(3, QUAKE_A2)], places)
    assert {"place", "number"} <= set(conflicts(a.counts, b.counts, s))
    assert conflicts(a.counts, a2.counts, s) == ()
    x, y = feats([StoryDocument(1, "Jurors convicted Brian Nichols. Nichols will appeal, Nichols said."),
                  StoryDocument(2, "Jurors convicted Scott Peterson. Peterson will appeal, Peterson said.")], places)
    assert "name" in conflicts(x.counts, y.counts, s)


def test_a_penalty_keeps_a_look_alike_apart_that_plain_similarity_would_join(places):
    docs = feats([StoryDocument(1, QUAKE_A), StoryDocument(2, TEMPLATE_B)], places)
    lenient = Settings(threshold=0.1, year_penalty=1.0, place_penalty=1.0, number_penalty=1.0, name_penalty=1.0)
    strict = Settings(threshold=0.1, place_penalty=0.2, number_penalty=0.2)
    assert len(set(run([docs], lenient).values())) == 1
    assert len(set(run([docs], strict).values())) == 2


def test_with_dates_a_story_outside_the_window_is_no_candidate(places):
    day = datetime(2024, 3, 1, tzinfo=timezone.utc)
    docs = [StoryDocument(1, QUAKE_A, published_at=day),
            StoryDocument(2, QUAKE_A2, published_at=day + timedelta(days=2)),
            StoryDocument(3, QUAKE_A2, published_at=day + timedelta(days=90))]
    stories = run([feats(docs, places)], Settings(window_days=30))
    assert stories[1] == stories[2] != stories[3]


def test_the_store_reads_at_most_postings_per_term_inside_the_window_and_loads_only_candidates(places):
    settings = Settings(postings_per_term=3, window_documents=5, scored_candidates=2)
    store = MemoryStoryStore(settings)
    store.add(feats([StoryDocument(i, QUAKE_A) for i in range(1, 11)], places, settings))
    state = store.snapshot(feats([StoryDocument(11, QUAKE_A)], places, settings))
    assert state.postings and all(len(ps) <= 3 for ps in state.postings.values())
    assert all(10 - p.seq <= 5 for ps in state.postings.values() for p in ps)  # the new document's seq is 10
    assert len(state.documents) == 2  # features are loaded for the scored candidates only


def test_assign_is_pure_and_leaves_its_state_untouched(places):
    docs = synthetic_stream(places)
    state = StoryState()
    first = assign(docs, state)
    assert assign(docs, state) == first
    assert state == StoryState()


def test_the_two_seed_articles_form_one_story(places):
    docs = []
    for i, path in enumerate(sorted(SEEDS.glob("*.txt")), start=1):
        meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
        docs.append(StoryDocument(i, path.read_text(encoding="utf-8"), language=meta.get("language"),
                                  outlet=meta.get("source")))
    result = MemoryStoryStore().add(feats(docs, places))
    assert [a.method for a in result.assignments] == ["new", "joined"]
    assert len({a.story_id for a in result.assignments}) == 1


def test_a_state_missing_a_candidate_document_is_refused_rather_than_decided_differently(places):
    from wiredesk.stories import Posting

    docs = feats([StoryDocument(1, QUAKE_A)], places)
    term = next(iter(docs[0].counts))
    state = StoryState(n_documents=5, postings={f: (Posting(3, 2, None),) for f in docs[0].counts})
    assert term in state.postings
    with pytest.raises(ValueError, match="lacks candidate document 3"):
        assign(docs, state)


FIRE_A = ("A fire tore through a textile factory in the Indonesian city of Surabaya on Tuesday, killing seven people, "
          "firefighters said.\n\nThe cause of the fire was not immediately known.\n\n"
          "Fire chief Yusuf Costa said the blaze was put out by early evening.")
FIRE_A2 = ("Seven people died when fire swept through a textile factory in Surabaya on Tuesday. Firefighters put "
           "the blaze out by early evening, fire chief Yusuf Costa told reporters.")
FIRE_B = ("A fire tore through a shopping mall in the Kenyan city of Mombasa on Tuesday, killing four people, "
          "firefighters said.\n\nThe cause of the fire was not immediately known.\n\n"
          "Fire chief Amara Okafor said the blaze was put out by early evening.")
FIRE_C = ("Flames engulfed a warehouse on Tuesday and three people were killed, the fire service said.\n\n"
          "The cause of the fire was not immediately known.")


def test_look_alike_briefs_of_one_day_get_stories_of_their_own(places):
    # a busy day: fires in two cities told in the same wire phrases, a third naming no place; the Surabaya fire
    # is told twice in different words
    day = datetime(2024, 3, 12, 9, tzinfo=timezone.utc)
    docs = [StoryDocument(1, FIRE_A, published_at=day), StoryDocument(2, FIRE_B, published_at=day),
            StoryDocument(3, FIRE_C, published_at=day), StoryDocument(4, FIRE_A2, published_at=day)]
    stories = run([feats(docs, places)])
    assert stories[1] == stories[4]
    assert len({stories[1], stories[2], stories[3]}) == 3


def test_a_copy_of_stock_lines_that_names_another_place_is_no_copy(places):
    # the Mombasa brief shares two paragraphs with the Surabaya one, word for word; the places disagree
    store = MemoryStoryStore()
    store.add(feats([StoryDocument(1, FIRE_A)], places))
    (a,) = store.add(feats([StoryDocument(2, FIRE_B, copies_of=(1,))], places)).assignments
    assert a.method == "new" and a.story_id != store.story_of(1)
    assert "place" in conflicts(feats([StoryDocument(1, FIRE_A)], places)[0].counts,
                                feats([StoryDocument(2, FIRE_B)], places)[0].counts, Settings())
