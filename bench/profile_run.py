"""Where the time of a default run goes, on the AEB pages: one profiled run, every stage in one process.

    python bench/profile_run.py [--pages N] [--events off] [--top N] [--out FILE.prof]

``wiredesk.pipeline.ingest.run_ingest`` on the AEB HTML pages (../shared/corpus/aeb/html or
$WIREDESK_CORPUS/../aeb/html) into a fresh database, with the default settings except that the CPU-heavy
work (``scaleout.process_items``: cleaning, events, story features) runs in this process through an
``InlineRunner``, so one cProfile sees a worker's work and the parent's (planning, the store, the search
index, start-up) together. The worker's first model load is counted separately (a pool's worker loads it
once per run). Printed: the cumulative seconds of named parts of a run, then the functions with the most
own time. Profiling slows Python code more than C code (spaCy's and lxml's inner loops): read the
shares, not the absolute seconds, and compare runs made the same way.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import pstats
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import corpus_dir  # noqa: E402

#: (label, file suffix, function name) of the parts a run is summed into; cumulative time, so nested parts
#: are also inside their parents (the indentation of the label says which).
PARTS = (
    ("worker: process_items (clean + events + story features)", "scaleout.py", "process_items"),
    ("  cleaning: clean_one", "work.py", "clean_one"),
    ("    trafilatura.bare_extraction", "core.py", "bare_extraction"),
    ("      trafilatura metadata (extract_metadata)", "metadata.py", "extract_metadata"),
    ("    load_html (lxml parse of the page)", "utils.py", "load_html"),
    ("    figure_anchors + link_texts (page tree walks)", "textblocks.py", "figure_anchors"),
    ("    link_texts", "textblocks.py", "link_texts"),
    ("    lead_anchor", "textblocks.py", "lead_anchor"),
    ("    assign_roles (paragraph roles)", "paragraphs.py", "assign_roles"),
    ("    document_language (detection)", "language.py", "document_language"),
    ("  events: extract_many", "extract.py", "extract_many"),
    ("    model load (worker_extractor, first call)", "scaleout.py", "worker_extractor"),
    ("    plan: sentences + trigger pre-filter", "events/language.py", "_plan"),
    ("    document context words", "extract.py", "_context"),
    ("    parse: backend.parse_many (spaCy)", "nlp.py", "parse_many"),
    ("      spaCy pipe", "language.py", "pipe"),
    ("      _from_spacy (Doc -> ParsedDoc)", "nlp.py", "_from_spacy"),
    ("    _read_doc (triggers, arguments, entities)", "events/language.py", "_read_doc"),
    ("  story features: extract_features", "features.py", "extract_features"),
    ("    place index load (worker_places)", "scaleout.py", "worker_places"),
    ("parent: plan_batch", "stages.py", "plan_batch"),
    ("parent: load_batch (read files)", "stages.py", "load_batch"),
    ("parent: store_batch", "stages.py", "store_batch"),
    ("parent: refresh_search", "stages.py", "refresh_search"),
    ("parent: discover_inputs", "stages.py", "discover_inputs"),
)


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> tuple[float, int]:
    total, calls = 0.0, 0
    for (path, _line, func), (cc, nc, tt, ct, callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == name and path.endswith(suffix):
            # recursion: count only the outermost calls (the callers that are not the function itself)
            total += ct
            calls += cc
    return total, calls


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=181)
    ap.add_argument("--events", choices=("on", "off"), default="on")
    ap.add_argument("--top", type=int, default=35)
    ap.add_argument("--out", help="also write the raw profile here (for snakeviz, pstats)")
    args = ap.parse_args(argv)

    from wiredesk.domain.settings import EventsSettings, Settings, replace
    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.pipeline.scaleout import InlineRunner

    html = corpus_dir().parent / "aeb" / "html"
    if not html.is_dir():
        print(f"{html} not found (set WIREDESK_CORPUS); nothing to profile")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pages"
        src.mkdir()
        for p in sorted(html.glob("*.html.gz"))[:args.pages]:
            (src / p.name[:-3]).write_bytes(gzip.decompress(p.read_bytes()))
        settings = replace(Settings(db_path=str(Path(tmp) / "p.duckdb")),
                           events=EventsSettings(enabled=args.events == "on"))
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        summary = run_ingest([str(src)], settings, runner=InlineRunner(), runner_workers=2)
        prof.disable()
        wall = time.perf_counter() - t0
    stats = pstats.Stats(prof)
    if args.out:
        stats.dump_stats(args.out)
    print(f"{args.pages} pages, events {args.events}: {wall:.1f} s under the profiler, "
          f"{summary.counts.documents_new} documents, {summary.counts.event_mentions_new} event mentions")
    print(f"{'part':60} {'seconds':>8} {'share':>6} {'calls':>6}")
    for label, suffix, name in PARTS:
        secs, calls = _cumulative(stats, suffix, name)
        if calls:
            print(f"{label:60} {secs:8.2f} {secs / wall:6.1%} {calls:6d}")
    print()
    stats.sort_stats("tottime").print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
