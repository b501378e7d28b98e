"""Mentions of one lexicon section over whole ECB+ documents, drawn to be read by hand.

    python bench/ecbplus_sample_entries.py --since "lexicon 5" [--split reporting] [--sample 60] [--seed 7]

``eval_ecbplus.py --since`` counts a section's triggers only in the sentences ECB+ annotates completely, which
are the sentences about the topic's events: a kind sample. This draws from every sentence of the split's
documents instead, so a new lexicon section's precision can be checked on text its tuning never saw (the
reporting topics, for a section tuned elsewhere). It prints how many mentions the section makes, then the
seeded sample: document, class, code, trigger and sentence. The reading rule is docs/events.md's (a mention
is correct when its trigger names a happening of its class).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import read_topics  # noqa: E402
from eval_ecbplus import SPLITS  # noqa: E402
from eval_news_coverage import new_entries  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--since", required=True, help="comment line of triggers.tsv the section follows")
    ap.add_argument("--split", choices=sorted(SPLITS), default="reporting")
    ap.add_argument("--sample", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    section = new_entries(args.since)
    extractor = DefaultEventExtractor()
    pool = []
    for _, docs in read_topics(SPLITS[args.split]).items():
        for d, x in zip(docs, extractor.extract_many([d.doc for d in docs])):
            pool += [(d.name, m) for m in x.mentions
                     if not m.negated and (m.trigger_lemma, m.event_class, m.cameo or "-") in section]
    drawn = random.Random(args.seed).sample(pool, min(args.sample, len(pool)))
    print(f"{args.split} topics: {len(pool)} mentions from the entries of {args.since!r}; a sample of {len(drawn)}")
    for i, (name, m) in enumerate(drawn, 1):
        sentence = " ".join(m.sentence.split())[:240]
        print(f"{i:>3}. [{m.event_class} {m.cameo}] {m.trigger!r} ({name}): {sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
