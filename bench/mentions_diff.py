"""Which mentions join events, or leave them, between two versions of the extraction code: every mention of the
ECB+ tuning topics and of the tuning half of the general pages, written by one checkout and compared with
another's, to read the changes one by one (error analysis of a new rule: what it removed, what it lost).

    python bench/mentions_diff.py dump /tmp/new.tsv                          # this checkout
    PYTHONPATH=OTHER/src python bench/mentions_diff.py dump /tmp/old.tsv     # another checkout's code
    python bench/mentions_diff.py diff /tmp/old.tsv /tmp/new.tsv             # mentions whose joining changed

Only tuning data by default: the held-out half of the pages is where the report samples of
``trigger_precision.py`` are drawn, and reading its changes before a report sample is scored tunes on it
(``--heldout`` adds it, for a look after scoring).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402
from ecbplus import read_topics  # noqa: E402
from eval_ecbplus import SPLITS  # noqa: E402
from eval_news_coverage import half, news_documents  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402


def dump(args) -> int:
    docs = {}
    for _, ds in read_topics(SPLITS["tuning"]).items():
        docs.update({("ecb-tuning", d.name): d.doc for d in ds})
    for key, d in news_documents(corpus_dir()).items():
        if half(key) == "tuning" or args.heldout:
            docs[("news-" + half(key), key)] = d
    keys = sorted(docs)
    extractor = DefaultEventExtractor("spacy", n_process=1)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(f"# {extractor.describe()}\n")
        for key, x in zip(keys, extractor.extract_many([docs[k] for k in keys])):
            for m in x.mentions:
                state = "join" if m.happened else ("negated" if m.negated else m.modality)
                sentence = " ".join(m.sentence.split())
                fh.write("\t".join([*key, str(m.trigger_start), m.event_class, m.trigger, state, sentence]) + "\n")
    print(f"{len(keys)} documents written to {args.out} ({extractor.describe()})")
    return 0


def _load(path: str) -> dict[tuple[str, ...], list[str]]:
    rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8") if not line.startswith("#")]
    return {tuple(r[:4]): r for r in rows}


def diff(args) -> int:
    old, new = _load(args.old), _load(args.new)
    changed = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        before, after = (a[5] if a else "absent"), (b[5] if b else "absent")
        if (before == "join") != (after == "join"):
            row = a or b
            changed.append((row[0], row[3], row[4], before, after, row[6]))
    for pool, cls, trigger, before, after, sentence in changed:
        print(f"{pool}\t{cls}\t{trigger}\t{before} -> {after}\t{sentence[:200]}")
    left = sum(c[3] == "join" for c in changed)
    print(f"# {left} mentions left events, {len(changed) - left} joined")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--heldout", action="store_true", help="also the held-out half of the pages (report side)")
    c = sub.add_parser("diff")
    c.add_argument("old")
    c.add_argument("new")
    args = ap.parse_args(argv)
    return {"dump": dump, "diff": diff}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
