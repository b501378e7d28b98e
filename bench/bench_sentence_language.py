"""What the per-sentence language check (``wiredesk.events.segment.other_language``) costs extraction.

    python bench/bench_sentence_language.py [--rounds 2]

Extracts the English general pages of ``eval_news_coverage.py`` (both halves, 333 pages) in one
``extract_many`` call, with the check and with it replaced by "never another language", alternating within
one process so that both see the same load; prints each round's seconds. A ratio, not a speed: on a shared
machine the absolute times are lower bounds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402
from eval_news_coverage import news_documents  # noqa: E402

import wiredesk.events.language as language  # noqa: E402
from wiredesk.events import DefaultEventExtractor  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args(argv)
    docs = list(news_documents(corpus_dir()).values())
    extractor = DefaultEventExtractor("spacy", n_process=1)
    extractor.extract_many(docs[:20])  # loads the model and the detector
    check = language.other_language
    for r in range(args.rounds):
        for name, fn in (("with the check", check), ("without", lambda text, language: False)):
            language.other_language = fn
            t = time.perf_counter()
            extractor.extract_many(docs)
            print(f"round {r + 1}: {name:15} {time.perf_counter() - t:6.1f} s ({len(docs)} pages)", flush=True)
    language.other_language = check
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
