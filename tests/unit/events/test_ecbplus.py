"""The ECB+ reader and evaluation on a small slice of the corpus (skipped when ../shared/corpus is absent)."""

import sys

import pytest

from conftest import REPO

BENCH = REPO / "bench"
sys.path.insert(0, str(BENCH))

from ecbplus import corpus_dir, read_topics  # noqa: E402
from eval_ecbplus import bcubed  # noqa: E402

pytestmark = [pytest.mark.corpus,
              pytest.mark.skipif(not corpus_dir().is_dir(), reason="ECB+ not found (../shared/corpus/ecbplus)")]


def test_reader_offsets_point_at_the_annotated_tokens():
    docs = read_topics([8])[8]
    assert {d.subtopic for d in docs} == {"ecb", "ecbplus"}
    d = docs[0]
    text = d.doc.text
    for mk in d.markables:
        for a, b in mk.spans:
            assert text[a:b].strip() == text[a:b] and " " not in text[a:b]
    assert any(mk.kind == "ACTION_OCCURRENCE" for mk in d.markables)


def test_bombing_reports_are_found_and_kept_apart_from_the_look_alike(extractor):
    from wiredesk.events import group_mentions

    docs = [d for d in read_topics([8])[8] if d.name in ("8_1ecb.xml", "8_6ecb.xml", "8_1ecbplus.xml")]
    xs = extractor.extract_many([d.doc for d in docs])
    bombs = {d.name: [m for m in x.mentions if m.event_class == "ASSAULT" and m.killed] for d, x in zip(docs, xs)}
    assert bombs["8_1ecb.xml"] and bombs["8_6ecb.xml"]  # the Oregon bank bombing that killed a police officer
    events = group_mentions([m for x in xs for m in x.mentions])
    event_of = {m.key: e.event_id for e in events for m in e.mentions}
    oregon = {event_of[m.key] for name in ("8_1ecb.xml", "8_6ecb.xml") for m in bombs[name]}
    athens = {event_of[m.key] for m in xs[[d.name for d in docs].index("8_1ecbplus.xml")].mentions if m.key in event_of}
    assert not oregon & athens  # the Athens bank fire-bombing is another event


def test_bcubed_of_perfect_and_lumped_clusterings():
    gold = {"a": 1, "b": 1, "c": 2, "d": 2}
    assert bcubed(dict(gold), gold) == (1.0, 1.0, 1.0)
    p, r, f = bcubed({k: 0 for k in gold}, gold)
    assert (p, r) == (0.5, 1.0) and round(f, 3) == 0.667
