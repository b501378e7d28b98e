"""Speed of event extraction, and its share of an end-to-end run.

    python bench/bench_events_speed.py [--docs N] [--repeat R] [--pages N] [--runs N] [--batch-size N]
                                       [--skip-one-process] [--startup] [--skip-end-to-end] [--skip-extraction]

1. Extraction alone, on real news text: the ECB+ documents (../shared/corpus or $WIREDESK_CORPUS) and the
   English AEB pages as the cleaner makes them, each in one ``extract_many`` call, best of R:
   - spaCy, only the sentences that can hold a trigger parsed (the default), on 1 and on 2 processes;
   - spaCy, every sentence parsed (``parse_all=True``: what extraction cost before), on 1 process;
   - the rules-only back-end.
   words/s = whitespace-separated words of the body texts / wall time; the share of sentences parsed and
   the number of mentions are printed too (the same mentions with and without ``parse_all``). Model
   loading is timed separately.
2. End to end on the AEB HTML pages (../shared/corpus/aeb/html), one after the other on the same files:
   - bare trafilatura with metadata, ``trafilatura.extract(html, with_metadata=True)``, on a pool of
     2 processes (the baseline of the issue's target);
   - ``wiredesk.pipeline.ingest.run_ingest`` into a fresh database with the default settings (2 workers,
     events on: each worker cleans its chunk and reads it for events with the model it keeps), the
     store stage timed through the pipeline's ``wrap`` hook, the CPU seconds of cleaning and of events
     from the run's summary (summed over the workers); the events share of a default run is the time
     events add to the same run with events off; pages/s against the baseline;
   - the same with ``events.enabled = false``, and with one process (``ingest.workers = 1``,
     ``events.workers = 1``: cleaning and events in this process).
   With ``--runs N`` the rows run one after the other N times and each row's median run is reported
   (with every run's seconds); the events share is also given run by run.
3. ``--startup``: what a pool worker does before its first page (imports, model, place index, language
   detector), part by part, in a fresh process.
The machine it ran on is printed with the figures; on a shared machine the speeds are lower bounds.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import corpus_dir, read_topics  # noqa: E402

from wiredesk.events import DefaultEventExtractor, DocumentInput  # noqa: E402
from wiredesk.events.lexicon import Lexicon  # noqa: E402
from wiredesk.events.places import Gazetteer  # noqa: E402


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, load average {load:.1f} at start")


def _aeb_html() -> Path:
    return corpus_dir().parent / "aeb" / "html"


def aeb_documents() -> list[DocumentInput]:
    """The AEB pages cleaned by wiredesk's own cleaner, the English ones only (what events read)."""
    from wiredesk.clean.cleaner import clean_item
    from wiredesk.sources.files import load_files
    from wiredesk.domain.models import Article
    from wiredesk.domain.settings import IngestSettings

    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for p in sorted(_aeb_html().glob("*.html.gz")):
            path = Path(tmp) / p.name[:-3]
            path.write_bytes(gzip.decompress(p.read_bytes()))
            paths.append(path)
        loaded = load_files(paths, IngestSettings())
        articles = [clean_item(item) for item in loaded.items]
    docs = [DocumentInput.from_article(a) for a in articles if isinstance(a, Article)]
    return [d for d in docs if (d.language or "").lower().startswith("en")]


def extraction_speed(name: str, docs: list[DocumentInput], repeat: int) -> dict:
    words = sum(len(d.text.split()) for d in docs)
    lex, gaz = Lexicon(), Gazetteer()
    out: dict = {"corpus": name, "documents": len(docs), "words": words}
    for label, backend, n_process, parse_all in (
            ("spacy, trigger sentences, 1 process", "spacy", 1, False),
            ("spacy, trigger sentences, 2 processes", "spacy", 2, False),
            ("spacy, every sentence, 1 process", "spacy", 1, True),
            ("rules", "rules", 1, False)):
        t0 = time.perf_counter()
        ex = DefaultEventExtractor(backend, lexicon=lex, gazetteer=gaz, n_process=n_process, parse_all=parse_all)
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


def _bare(paths: list[str]) -> float:
    """Extract ``paths``; the CPU seconds this process spent, its start-up and import included."""
    import trafilatura

    for p in paths:
        trafilatura.extract(Path(p).read_bytes(), with_metadata=True)
    return time.process_time()


#: What a pool worker does before its first page, timed part by part in a fresh process (``--startup``).
_STARTUP = """
import json, time
t = time.perf_counter(); out = {}
def lap(name):
    global t
    now = time.perf_counter(); out[name] = round(now - t, 3); t = now
import wiredesk.pipeline.scaleout as s; lap("import the worker's modules")
from wiredesk.domain.settings import Settings
import spacy; lap("import spaCy")
s.worker_extractor(Settings().events); lap("event extractor: model, lexicon, gazetteer")
s.worker_places(); lap("story place index")
from wiredesk.clean.language import detect_language
detect_language("The council opened the new bridge on Tuesday after three years of repairs."); lap("language detector")
import sys; out["duckdb imported"] = "duckdb" in sys.modules
print(json.dumps(out))
"""


def worker_startup() -> dict:
    """A pool worker's start-up, part by part, in a fresh process (the per-user caches as they are)."""
    import subprocess

    done = subprocess.run([sys.executable, "-c", _STARTUP], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def _bare_run(files: list[str]) -> tuple[float, float]:
    """Wall seconds of bare trafilatura on 2 processes, and the CPU seconds of both."""
    t0 = time.perf_counter()
    with ProcessPoolExecutor(2) as pool:
        cpu = sum(pool.map(_bare, [files[i::2] for i in range(2)]))
    return time.perf_counter() - t0, cpu


def _wiredesk_run(src: str, pages: int, bare: float, db: str, ingest, events) -> dict:
    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.domain.settings import Settings, replace

    timings: dict[str, float] = defaultdict(float)

    def wrap(fn):
        def timed(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[fn.__name__] += time.perf_counter() - t
        return timed

    settings = replace(Settings(db_path=db), ingest=ingest, events=events)
    t0 = time.perf_counter()
    summary = run_ingest([src], settings, wrap=wrap)
    total = time.perf_counter() - t0
    cpu = summary.cpu_seconds
    row = {"documents": summary.counts.documents_new, "seconds": round(total, 2),
           "pages_per_second": round(pages / total, 1), "vs_bare_2_processes": round(bare / total, 2),
           "clean CPU seconds": round(cpu["clean"], 2), "events CPU seconds": round(cpu["events"], 2),
           "stories CPU seconds": round(cpu["stories"], 2),
           "store seconds": round(timings.get("store_batch", 0.0), 2),
           "event_mentions": summary.counts.event_mentions_new}
    if events.enabled and cpu["clean"] + cpu["events"]:
        row["events share of the CPU work"] = round(cpu["events"] / (cpu["clean"] + cpu["events"]), 3)
    return row


def _median_row(rows: list[dict]) -> dict:
    """The row whose wall time is the median of ``rows`` (the lower middle one for an even count), with
    every run's seconds beside it."""
    ordered = sorted(rows, key=lambda r: r["seconds"])
    row = dict(ordered[(len(ordered) - 1) // 2])
    if len(rows) > 1:
        row["seconds of each run"] = [r["seconds"] for r in rows]
    return row


def end_to_end(limit: int, runs: int = 1, batch_size: int | None = None, one_process: bool = True) -> dict:
    from wiredesk.domain.settings import EventsSettings, IngestSettings, replace

    html = _aeb_html()
    if not html.is_dir():
        return {"skipped": f"{html} not found"}
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pages"
        src.mkdir()
        for p in sorted(html.glob("*.html.gz"))[:limit]:
            (src / p.name[:-3]).write_bytes(gzip.decompress(p.read_bytes()))
        files = sorted(str(p) for p in src.iterdir())
        results["pages"] = len(files)
        rows: dict[str, list[dict]] = defaultdict(list)
        for _ in range(runs):  # the rows one after the other, `runs` times: each row's median is reported
            bare, bare_cpu = _bare_run(files)
            rows["bare trafilatura with metadata, 2 processes"].append(
                {"seconds": round(bare, 2), "pages_per_second": round(len(files) / bare, 1),
                 "CPU seconds (both processes, start-up included)": round(bare_cpu, 2)})
            ingest_default = IngestSettings() if batch_size is None else IngestSettings(batch_size=batch_size)
            configs = [("wiredesk defaults (events on, 2 workers)", ingest_default, EventsSettings()),
                       ("wiredesk, events off (2 workers)", ingest_default, EventsSettings(enabled=False))]
            if one_process:
                configs.append(("wiredesk, events on, 1 process", replace(ingest_default, workers=1),
                                EventsSettings(workers=1)))
            for label, ingest, events in configs:
                db = str(Path(tmp) / f"{sum(map(len, rows.values()))}.duckdb")
                rows[label].append(_wiredesk_run(str(src), len(files), bare, db, ingest, events))
        for label, measured in rows.items():
            results[label] = _median_row(measured)
        on, off = (results["wiredesk defaults (events on, 2 workers)"]["seconds"],
                   results["wiredesk, events off (2 workers)"]["seconds"])
        # the events stage's share of a default run: the time events add to a run without them
        results["events share of a default run (added time)"] = round((on - off) / on, 3)
        if runs > 1:  # the same share run by run (each default run against the events-off run next to it)
            results["events share, run by run"] = [
                round((a["seconds"] - b["seconds"]) / a["seconds"], 3)
                for a, b in zip(rows["wiredesk defaults (events on, 2 workers)"], rows["wiredesk, events off (2 workers)"])]
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=300, help="ECB+ documents to extract (default 300)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--pages", type=int, default=181, help="AEB pages for the end-to-end run (default all)")
    ap.add_argument("--runs", type=int, default=1, help="end-to-end rounds (each row's median is reported)")
    ap.add_argument("--batch-size", type=int, default=None, help="ingest.batch_size of the wiredesk rows "
                    "(default: the setting's default)")
    ap.add_argument("--startup", action="store_true", help="also time a pool worker's start-up, part by part")
    ap.add_argument("--skip-one-process", action="store_true", help="no end-to-end row on one process")
    ap.add_argument("--skip-end-to-end", action="store_true")
    ap.add_argument("--skip-extraction", action="store_true", help="only the end-to-end runs")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"corpus not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to measure")
        return 0
    ecb = [d.doc for ds in read_topics().values() for d in ds][:args.docs]
    report: dict = {"machine": _machine(), "extraction": []}
    if not args.skip_extraction:
        report["extraction"].append(extraction_speed("ECB+", ecb, args.repeat))
    if _aeb_html().is_dir() and not args.skip_extraction:
        report["extraction"].append(extraction_speed("AEB (English pages)", aeb_documents(), args.repeat))
    if args.startup:
        report["worker start-up (seconds)"] = worker_startup()
    if not args.skip_end_to_end:
        report["end_to_end"] = end_to_end(args.pages, args.runs, args.batch_size,
                                           one_process=not args.skip_one_process)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
