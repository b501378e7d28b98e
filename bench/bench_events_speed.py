"""Speed of event extraction, and its share of an end-to-end run.

    python bench/bench_events_speed.py [--docs N] [--repeat R]

1. Extraction alone: the ECB+ documents (real news text; ../shared/corpus or $WIREDESK_CORPUS) are
   extracted in one ``extract_many`` call (one ``nlp.pipe`` over all their paragraphs) with the spaCy back-end
   on 1 process and on 2 processes, and with the rules-only back-end; words/s = whitespace-separated words
   of the body texts / wall time, best of R. Model loading is timed separately.
2. End to end: ``wiredesk.pipeline.ingest.run_ingest`` on the AEB HTML pages (../shared/corpus/aeb/html) into a
   fresh database, with every stage timed through the pipeline's ``wrap`` hook; the share of
   ``extract_events_batch`` in the run's wall time is reported (with and without events).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import corpus_dir, read_topics  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402
from wiredesk.events.lexicon import Lexicon  # noqa: E402
from wiredesk.events.places import Gazetteer  # noqa: E402


def _machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def extraction_speed(n_docs: int, repeat: int) -> dict:
    topics = read_topics()
    docs = [d.doc for ds in topics.values() for d in ds][:n_docs]
    words = sum(len(d.text.split()) for d in docs)
    lex, gaz = Lexicon(), Gazetteer()
    out = {"documents": len(docs), "words": words, "paragraphs": sum(len(d.paragraphs) for d in docs)}
    for label, backend, n_process in (("spacy_1_process", "spacy", 1), ("spacy_2_processes", "spacy", 2),
                                      ("rules", "rules", 1)):
        t0 = time.perf_counter()
        ex = DefaultEventExtractor(backend, lexicon=lex, gazetteer=gaz, n_process=n_process)
        load = time.perf_counter() - t0
        best = float("inf")
        mentions = 0
        for _ in range(repeat):
            t0 = time.perf_counter()
            xs = ex.extract_many(docs)
            best = min(best, time.perf_counter() - t0)
            mentions = sum(len(x.mentions) for x in xs)
        out[label] = {"load_seconds": round(load, 2), "seconds": round(best, 2),
                      "words_per_second": round(words / best), "mentions": mentions}
    return out


def end_to_end(limit: int) -> dict:
    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.domain.settings import EventsSettings, Settings, replace

    html = corpus_dir().parent / "aeb" / "html"
    if not html.is_dir():
        return {"skipped": f"{html} not found"}
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pages"
        src.mkdir()
        for p in sorted(html.glob("*.html.gz"))[:limit]:
            (src / p.name[:-3]).write_bytes(gzip.decompress(p.read_bytes()))
        for label, enabled in (("with_events", True), ("without_events", False)):
            timings: dict[str, float] = defaultdict(float)

            def wrap(fn):
                def timed(*args, **kwargs):
                    t0 = time.perf_counter()
                    try:
                        return fn(*args, **kwargs)
                    finally:
                        timings[fn.__name__] += time.perf_counter() - t0
                return timed

            db = str(Path(tmp) / f"{label}.duckdb")
            settings = replace(Settings(db_path=db), events=EventsSettings(enabled=enabled))
            t0 = time.perf_counter()
            summary = run_ingest([str(src)], settings, wrap=wrap)
            total = time.perf_counter() - t0
            results[label] = {
                "documents": summary.counts.documents_new, "seconds": round(total, 2),
                "stages": {k: round(v, 2) for k, v in sorted(timings.items())},
                "event_mentions": summary.counts.event_mentions_new,
            }
            if enabled:
                ev = timings.get("extract_events_batch", 0.0)
                results[label]["events_share"] = round(ev / total, 3)
        shutil.rmtree(src)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help="ECB+ documents to extract (default 300)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pages", type=int, default=181, help="AEB pages for the end-to-end run (default all)")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"corpus not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to measure")
        return 0
    report = {"machine": _machine(), "extraction": extraction_speed(args.docs, args.repeat),
              "end_to_end": end_to_end(args.pages)}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
