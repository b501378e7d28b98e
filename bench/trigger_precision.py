"""Trigger precision read by hand on a sample no tuning has seen: lexicon 5's mentions over whole ECB+
reporting documents and every trigger on the held-out half of the English AEB and trafilatura_eval pages.

    python bench/trigger_precision.py seen --out bench/data/trigger_precision_seen.tsv   # what was read before
    python bench/trigger_precision.py draw --seed 31 --news 64 --out bench/data/trigger_precision_sample.tsv
    python bench/trigger_precision.py score bench/data/trigger_precision_sample.tsv     # before and after
    python bench/trigger_precision.py draw --event-class THREATEN --side report --seed 113 --news 80 \
        --seen bench/data/trigger_precision_se*.tsv --out bench/data/threaten_report.tsv   # one class's mentions

``seen`` lists the mentions earlier hand-checks read (on lexicon 5, commit c9eb9d7): the seed-7 sample of
``ecbplus_sample_entries.py --since "lexicon 5"`` (60 of lexicon 5's 76 mentions on the reporting topics)
and every mention of lexicon 5's entries on the held-out half (all 74 were read for docs/events.md). ``draw``
(run on the code the sample is to judge: lexicon 5) takes every reporting-topic mention of lexicon 5's entries
not in that list and a seeded sample of ``--news`` mentions of any trigger on the held-out half that are not
in it either (statements, which never make events, and negated mentions left out), and writes them with
empty labels. The labels are filled in by reading each sentence (the file's header gives the rule), then
``score`` extracts the sampled documents again with the current code and reports, before and after:

- events precision: mentions that join events (before: every one; after: those still found and told as
  happened, ``EventMention.happened``) whose trigger names a real happening of its class;
- mention precision: stored mentions (after: still found, whatever their modality) whose trigger names an
  action of its class (the older rule, under which "if confirmed by the Senate" is a right sense);
- what the rules removed or flagged, right and wrong.

A sampled mention is found again when the new extraction has a mention of the same class whose trigger
starts at the same offset of the same document (or takes that trigger in, merged). Mentions the new code
makes that the old did not are not in the sample (the rules only remove or flag: counted on the pools).

With ``--event-class``, ``draw`` takes the mentions of that one class that join events (told as happened,
not negated) on one side of the splits: ``--side report`` the ECB+ reporting topics and the held-out half
(the default pools), ``--side tuning`` the ECB+ tuning topics and the tuning half, for an error analysis;
``--news`` caps the whole draw (a seeded sample when there are more).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402
from ecbplus import read_topics  # noqa: E402
from eval_ecbplus import SPLITS  # noqa: E402
from eval_news_coverage import half, new_entries, news_documents  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402
from wiredesk.events.group import UNGROUPED, groupable  # noqa: E402

FIELDS = ["n", "pool", "doc", "trigger_start", "class", "code", "trigger", "lemma", "modality", "sense", "real",
          "note", "sentence"]
RULE = """# Labels: sense = 1 when the trigger names an action of its class and code (right word sense, right class),
# whatever its modality; real = 1 when, in addition, the sentence tells that action as a specific real
# happening: done, going on, tried, or announced for a date; 0 for a possibility, a condition, an intention,
# a demand, a generic or habitual use ("previous altercations", "in favor of impeachment"), a name ("Summit"
# the company, "known as the genius grant") or a wrong sense. A sentence is read alone, as a reader of the
# events table would read it."""


def _ecb_pool(extractor, section, docs_by_name=None, split="reporting"):
    """Reporting-topic mentions (not negated) of the lexicon entries in ``section``; with ``section`` None,
    every mention that joins events (told as happened, not a statement). ``split`` "tuning" reads the tuning
    topics instead (pool ``ecbplus-tuning``)."""
    out = []
    pool = f"ecbplus-{split}"
    for _, docs in read_topics(SPLITS[split]).items():
        for d, x in zip(docs, extractor.extract_many([d.doc for d in docs])):
            if docs_by_name is not None:
                docs_by_name[d.name] = d.doc
            if section is None:
                out += [(pool, d.name, m) for m in x.mentions if groupable(m)]
            else:
                out += [(pool, d.name, m) for m in x.mentions
                        if not m.negated and (m.trigger_lemma, m.event_class, m.cameo or "-") in section]
    return out


def _news_pool(extractor, docs, which="heldout"):
    keys = sorted(k for k in docs if half(k) == which)
    out = []
    for k, x in zip(keys, extractor.extract_many([docs[k] for k in keys])):
        out += [(f"news-{which}", k, m) for m in x.mentions if not m.negated and m.event_class not in UNGROUPED]
    return out


def _key(pool: str, doc: str, start: int) -> tuple[str, str, int]:
    return (pool, doc, int(start))


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def _write(path: str, rows: list[dict], header: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(header + "\n")
        w = csv.DictWriter(f, FIELDS, delimiter="\t", extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _row(n, pool, doc, m, **extra) -> dict:
    return {"n": n, "pool": pool, "doc": doc, "trigger_start": m.trigger_start, "class": m.event_class,
            "code": m.cameo or "-", "trigger": m.trigger, "lemma": m.trigger_lemma, "modality": m.modality or "-",
            "sense": "", "real": "", "note": "", "sentence": " ".join(m.sentence.split()), **extra}


def seen(args) -> int:
    extractor = DefaultEventExtractor("spacy", n_process=1)
    section = new_entries("lexicon 5")
    ecb = _ecb_pool(extractor, section)
    drawn = random.Random(7).sample(ecb, min(60, len(ecb)))  # ecbplus_sample_entries.py's draw
    news = [p for p in _news_pool(extractor, news_documents(corpus_dir()))
            if (p[2].trigger_lemma, p[2].event_class, p[2].cameo or "-") in section]
    rows = [_row(i, *p) for i, p in enumerate(drawn + news, 1)]
    _write(args.out, rows, "# mentions read by earlier hand-checks (lexicon 5): the seed-7 ECB+ sample and "
                           "lexicon 5's held-out mentions; written by bench/trigger_precision.py seen")
    print(f"{len(drawn)} ECB+ mentions (of {len(ecb)}) and {len(news)} held-out mentions written to {args.out}")
    return 0


def draw(args) -> int:
    done = {_key(r["pool"], r["doc"], r["trigger_start"]) for path in args.seen for r in _read(path)}
    extractor = DefaultEventExtractor("spacy", n_process=1)
    fresh = lambda pool: [p for p in pool if _key(p[0], p[1], p[2].trigger_start) not in done]  # noqa: E731
    if args.event_class:
        return _draw_class(args, extractor, fresh)
    if args.ecb:  # a seeded draw over every mention that joins events (the seed-43 report sample)
        ecb_all = fresh(_ecb_pool(extractor, None))
        news = [p for p in fresh(_news_pool(extractor, news_documents(corpus_dir()))) if groupable(p[2])]
        rng = random.Random(args.seed)
        ecb = rng.sample(ecb_all, min(args.ecb, len(ecb_all)))
        what = f"{len(ecb)} of {len(ecb_all)} unseen ECB+ reporting mentions that join events"
    else:  # lexicon 5's entries on ECB+, any trigger on the held-out half (the seed-31 sample)
        ecb = fresh(_ecb_pool(extractor, new_entries("lexicon 5")))
        news = fresh(_news_pool(extractor, news_documents(corpus_dir())))
        rng = random.Random(args.seed)
        what = f"{len(ecb)} unseen ECB+ mentions of lexicon 5's entries"
    picked = ecb + rng.sample(news, min(args.news, len(news)))
    rows = [_row(i, *p) for i, p in enumerate(picked, 1)]
    _write(args.out, rows, RULE + f"\n# drawn by bench/trigger_precision.py draw --seed {args.seed} --news "
                                  f"{args.news}{f' --ecb {args.ecb}' if args.ecb else ''} ({extractor.describe()}): "
                                  f"{what}, {len(rows) - len(ecb)} of {len(news)} unseen held-out mentions; "
                                  f"excluding every mention of {', '.join(args.seen)}")
    print(f"{len(ecb)} ECB+ and {len(rows) - len(ecb)} held-out mentions (of {len(news)}) written to {args.out}")
    return 0


def _draw_class(args, extractor, fresh) -> int:
    """Every mention of ``args.event_class`` that joins events on one side of the splits (capped, seeded)."""
    split, which = ("reporting", "heldout") if args.side == "report" else ("tuning", "tuning")
    ours = lambda p: p[2].event_class == args.event_class and groupable(p[2])  # noqa: E731
    ecb = [p for p in fresh(_ecb_pool(extractor, None, split=split)) if ours(p)]
    news = [p for p in fresh(_news_pool(extractor, news_documents(corpus_dir()), which)) if ours(p)]
    pool = ecb + news
    picked = sorted(random.Random(args.seed).sample(pool, min(args.news, len(pool))),
                    key=lambda p: (p[0], p[1], p[2].trigger_start))
    rows = [_row(i, *p) for i, p in enumerate(picked, 1)]
    _write(args.out, rows, RULE + f"\n# drawn by bench/trigger_precision.py draw --event-class {args.event_class} "
                                  f"--side {args.side} --seed {args.seed} --news {args.news} "
                                  f"({extractor.describe()}): {len(rows)} of {len(pool)} unseen mentions that join "
                                  f"events ({len(ecb)} on ECB+ {split} topics, {len(news)} on the {which} half); "
                                  f"excluding every mention of {', '.join(args.seen)}")
    print(f"{len(rows)} of {len(pool)} {args.event_class} mentions ({len(ecb)} ECB+, {len(news)} news) "
          f"written to {args.out}")
    return 0


def _found(row: dict, mentions) -> object | None:
    start = int(row["trigger_start"])
    for m in mentions:
        spans = [(m.trigger_start, m.trigger_end), *m.merged_triggers]
        if m.event_class == row["class"] and any(a <= start < b for a, b in spans):
            return m
    return None


def score(args) -> int:
    rows = _read(args.labels)
    if any(r["sense"] == "" or r["real"] == "" for r in rows):
        sys.exit("unlabelled rows: fill in sense and real first")
    extractor = DefaultEventExtractor("spacy", n_process=1)
    docs = {}
    for split in SPLITS:
        if any(r["pool"] == f"ecbplus-{split}" for r in rows):
            for _, ds in read_topics(SPLITS[split]).items():
                docs.update({(f"ecbplus-{split}", d.name): d.doc for d in ds})
    if any(r["pool"].startswith("news-") for r in rows):
        docs.update({(f"news-{half(k)}", k): d for k, d in news_documents(corpus_dir()).items()})
    wanted = sorted({(r["pool"], r["doc"]) for r in rows})
    mentions = dict(zip(wanted, (x.mentions for x in extractor.extract_many([docs[k] for k in wanted]))))
    print(f"after: {extractor.describe()}")
    for pool in ("ecbplus-reporting", "news-heldout", "ecbplus-tuning", "news-tuning", "all"):
        part = [r for r in rows if pool in ("all", r["pool"])]
        if not part:
            continue
        ev_before = sum(r["real"] == "1" for r in part)
        st_before = sum(r["sense"] == "1" for r in part)
        kept, flagged, dropped = [], [], []
        for r in part:
            m = _found(r, mentions[(r["pool"], r["doc"])])
            (dropped if m is None or m.negated else kept if m.happened else flagged).append(r)
        ev_after = sum(r["real"] == "1" for r in kept)
        st_after = sum(r["sense"] == "1" for r in kept + flagged)
        n = len(part)
        print(f"== {pool}: {n} sampled mentions")
        print(f"   events precision (real happening)  before {ev_before}/{n} = {ev_before / n:.3f}   after "
              f"{ev_after}/{len(kept)} = {ev_after / max(1, len(kept)):.3f}")
        print(f"   mention precision (right sense)     before {st_before}/{n} = {st_before / n:.3f}   after "
              f"{st_after}/{len(kept) + len(flagged)} = {st_after / max(1, len(kept) + len(flagged)):.3f}")
        for name, group in (("removed", dropped), ("flagged (stored, no event)", flagged)):
            right = [r for r in group if r["real"] == "1"]
            print(f"   {name}: {len(group)}, of them real happenings: {len(right)}")
            if args.verbose:
                for r in group:
                    print(f"      [{r['real']}{r['sense']}] {r['class']} {r['trigger']!r}: {r['sentence'][:140]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("seen")
    s.add_argument("--out", default="bench/data/trigger_precision_seen.tsv")
    d = sub.add_parser("draw")
    d.add_argument("--seen", nargs="+", default=["bench/data/trigger_precision_seen.tsv"],
                   help="label files whose mentions are left out (already read)")
    d.add_argument("--ecb", type=int, default=0,
                   help="draw this many ECB+ reporting mentions among all that join events (and held-out "
                        "mentions that join events only) instead of lexicon 5's entries")
    d.add_argument("--event-class", default=None,
                   help="draw only this class's mentions that join events (capped at --news)")
    d.add_argument("--side", choices=("report", "tuning"), default="report",
                   help="with --event-class: the reporting/held-out pools or the tuning ones")
    d.add_argument("--seed", type=int, default=31)
    d.add_argument("--news", type=int, default=64)
    d.add_argument("--out", default="bench/data/trigger_precision_sample.tsv")
    c = sub.add_parser("score")
    c.add_argument("labels", nargs="?", default="bench/data/trigger_precision_sample.tsv")
    c.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    return {"seen": seen, "draw": draw, "score": score}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
