"""Why did ECB+ document grouping change between two versions of the code? Pair by pair, with the evidence.

    python bench/ecbplus_grouping_diff.py dump OUT.pickle [--split tuning|reporting]
    python bench/ecbplus_grouping_diff.py compare BEFORE.pickle AFTER.pickle [--stories BEFORE|AFTER]

``dump`` extracts the split's documents (``bench/eval_ecbplus.py``'s topics) and decides their stories with
whichever ``wiredesk`` is importable, and pickles the mentions, entities and stories: run it once with an older
checkout's ``src`` first on ``PYTHONPATH`` (``git archive COMMIT src | tar -x -C DIR``), once with the current
code. ``compare`` groups both dumps with the *current* grouping code, as ``eval_ecbplus.py`` does (each topic
alone), and prints:

1. document grouping B-cubed F1 and mention coreference CoNLL F1 for the four mixes of the two dumps'
   extractions and stories (which of the two changes moved the figures);
2. the gold document pairs (same ECB+ sub-topic) whose main events were one event before and two after, with
   the hard conflicts (``wiredesk.events.evidence.conflict``) between the two events' mentions, by kind;
3. the place conflicts between mentions that only the after-dump's places create, per pair of places,
   judged against ECB+'s coreference chains (``gold-same`` / ``gold-diff``) or, for mentions in no chain,
   the documents' sub-topics.

Only the tuning topics are for such analysis (``--split tuning``, the default); the reporting topics are for
reporting figures.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections import Counter, defaultdict
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_ecbplus as ev  # noqa: E402
from ecbplus import corpus_dir, read_topics  # noqa: E402

import wiredesk  # noqa: E402
from wiredesk.events import evidence as E  # noqa: E402
from wiredesk.events import group_mentions  # noqa: E402
from wiredesk.events.group import groupable  # noqa: E402


def dump(out: str, split: str) -> None:
    from wiredesk.events import DefaultEventExtractor

    data = read_topics(list(ev.SPLITS[split]))
    extractor = DefaultEventExtractor("auto")
    extractions = {}
    for topic, docs in data.items():
        xs = extractor.extract_many([d.doc for d in docs])
        extractions[topic] = ([m for x in xs for m in x.mentions], [e for x in xs for e in x.entities])
    with open(out, "wb") as f:
        pickle.dump({"code": wiredesk.__file__, "split": split, "extractor": extractor.describe(),
                     "stories": ev.stories_of(data), "extractions": extractions}, f)
    print(f"{out}: {split} topics extracted by {wiredesk.__file__}")


class Replay:
    """An extractor that gives a dump's extractions back, per document (what ``eval_ecbplus.evaluate`` reads)."""

    def __init__(self, dumped: dict):
        self.by_doc: dict[str, SimpleNamespace] = defaultdict(lambda: SimpleNamespace(mentions=[], entities=[]))
        for mentions, entities in dumped["extractions"].values():
            for m in mentions:
                self.by_doc[m.doc_key].mentions.append(m)
            for e in entities:
                self.by_doc[e.doc_key].entities.append(e)
        self.name = dumped["extractor"]

    def extract_many(self, docs):
        return [self.by_doc[d.doc_key] for d in docs]

    def describe(self) -> str:
        return self.name


def figures(mentions_of: dict, stories_of: dict) -> dict:
    evaluate_stories = ev.stories_of
    ev.stories_of = lambda data: stories_of["stories"]
    try:
        return ev.evaluate(topics=list(ev.SPLITS[mentions_of["split"]]), extractor=Replay(mentions_of))
    finally:
        ev.stories_of = evaluate_stories


def reasons(m, x, settings: E.GroupingSettings = E.GroupingSettings()) -> list[str]:
    """The hard conflicts between two mentions, by kind (``evidence.conflict``'s tests, one by one)."""
    out = []
    if m.event_class in ("ASSAULT", "COERCE") and m.cameo and x.cameo and m.cameo != x.cameo and not (
            m.cameo.endswith("0") or x.cameo.endswith("0")):
        out.append("code")
    if m.date.known and x.date.known and not E.overlaps(m.date, x.date, settings.date_slack_days):
        out.append("date")
    if E._place_conflict(m.place, x.place, settings.same_area_km):
        out.append(f"place {m.place.name} ({m.place.feature}, {m.place.country}) / {x.place.name} "
                   f"({x.place.feature}, {x.place.country})")
    for slot in ("actor", "target"):
        a, b = getattr(m, slot), getattr(x, slot)
        if E._actor_conflict(a, b):
            out.append(f"{slot} {a.name} / {b.name}")
    if m.killed is not None and x.killed is not None and m.killed != x.killed:
        out.append("killed")
    if m.doc_key == x.doc_key and m.sentence_index == x.sentence_index and not E._one_in_a_sentence(m, x, settings):
        out.append("sentence")
    if E._recalled_apart(m, x, settings) or E._recalled_apart(x, m, settings):
        out.append("recalled")
    return out


def _grouped(dumped: dict, stories: dict, docs) -> tuple[dict, dict]:
    replay = Replay(dumped)
    xs = replay.extract_many([d.doc for d in docs])
    mentions = [m for x in xs for m in x.mentions]
    events = group_mentions(mentions, entities=[e for x in xs for e in x.entities], stories=stories)
    event_of = {m.key: e for e in events for m in e.mentions}
    main = {d.doc.doc_key: ev.main_mention(x.mentions) for d, x in zip(docs, xs)}
    return {k: (event_of[m.key].event_id if m and m.key in event_of else k) for k, m in main.items()}, \
        {e.event_id: e for e in events}


def split_pairs(before: dict, after: dict) -> None:
    data = read_topics(list(ev.SPLITS[before["split"]]))
    kinds: Counter = Counter()
    for topic, docs in data.items():
        gold = {d.doc.doc_key: d.subtopic for d in docs}
        pred_b, _ = _grouped(before, before["stories"], docs)
        pred_a, events_a = _grouped(after, after["stories"], docs)
        seen = set()
        keys = sorted(gold)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if gold[a] != gold[b] or pred_b[a] != pred_b[b] or pred_a[a] == pred_a[b]:
                    continue
                kinds["gold pairs split"] += 1
                pair = tuple(sorted((pred_a[a], pred_a[b])))
                if pair in seen:
                    continue
                seen.add(pair)
                e1, e2 = events_a.get(pair[0]), events_a.get(pair[1])
                print(f"topic {topic}: {a} / {b}")
                if e1 is None or e2 is None:
                    print("    a main mention is in no event")
                    continue
                found = [(m, x, r) for m in e1.mentions for x in e2.mentions for r in reasons(m, x)]
                for m, x, r in found[:4]:
                    print(f"    {r}: {m.sentence[:80]!r} || {x.sentence[:80]!r}")
                if not found:
                    print("    no hard conflict: the scores or the visiting order")
                kinds.update({r.split()[0] for _, _, r in found} or {"no conflict"})
    print("conflicts between the split events, by kind (mention pairs):", dict(kinds))


def new_place_conflicts(before: dict, after: dict) -> None:
    data = read_topics(list(ev.SPLITS[before["split"]]))
    tally: Counter = Counter()
    by_places: dict[tuple, Counter] = defaultdict(Counter)
    old_b, new_a = Replay(before), Replay(after)
    for topic, docs in data.items():
        sub = {d.doc.doc_key: d.subtopic for d in docs}
        old = {m.key: m for d in docs for m in old_b.by_doc[d.doc.doc_key].mentions if groupable(m)}
        new = [m for d in docs for m in new_a.by_doc[d.doc.doc_key].mentions if groupable(m)]
        chain = {}
        for d in docs:
            for mk in d.markables:
                if "ACTION" in mk.kind and mk.instance:
                    for m in new_a.by_doc[d.doc.doc_key].mentions:
                        if any(s < m.trigger_end and m.trigger_start < e for s, e in mk.spans):
                            chain.setdefault(m.key, mk.instance)
        for i, m in enumerate(new):
            for x in new[i + 1:]:
                if m.event_class != x.event_class or not E._place_conflict(m.place, x.place):
                    continue
                om, ox = old.get(m.key), old.get(x.key)
                if om is None or ox is None or E._place_conflict(om.place, ox.place):
                    continue
                if m.key in chain and x.key in chain:
                    verdict = "gold-same" if chain[m.key] == chain[x.key] else "gold-diff"
                else:
                    verdict = "subtopic-same" if sub[m.doc_key] == sub[x.doc_key] else "subtopic-diff"
                tally[verdict] += 1
                places = tuple(sorted(f"{p.name} ({p.feature}, {p.country})" for p in (m.place, x.place)))
                by_places[places][verdict] += 1
    print("place conflicts only the after-dump's places make, mention pairs:", dict(tally))
    for places, c in sorted(by_places.items(), key=lambda kv: -sum(kv[1].values())):
        print(f"    {' / '.join(places)}: {dict(c)}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--split", default="tuning", choices=tuple(ev.SPLITS))
    c = sub.add_parser("compare")
    c.add_argument("before")
    c.add_argument("after")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"ECB+ not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to compare")
        return 0
    if args.command == "dump":
        dump(args.out, args.split)
        return 0
    with open(args.before, "rb") as f:
        before = pickle.load(f)
    with open(args.after, "rb") as f:
        after = pickle.load(f)
    print(f"{before['split']} topics; grouping: this checkout's code ({wiredesk.__file__})")
    for m_name, m in (("before", before), ("after", after)):
        for s_name, s in (("before", before), ("after", after)):
            r = figures(m, s)
            g, c = r["doc_grouping_bcubed"]["wiredesk"], r["mention_coreference"]["all"]["wiredesk"]
            print(f"extraction {m_name:<6} stories {s_name:<6} document grouping B-cubed F1 {g['f1']:.3f}, "
                  f"mention CoNLL F1 {c['conll']:.3f}")
    split_pairs(before, after)
    new_place_conflicts(before, after)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
