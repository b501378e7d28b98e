"""Extraction quality on the AEB corpus: wiredesk's body text vs bare trafilatura on the same pages.

    python bench/eval_extraction.py            # prints a Markdown table; --json FILE saves the figures

wiredesk's text is ``documents.text`` as stored: body paragraphs only, after captions, credits and
boilerplate are set aside. Bare trafilatura is ``trafilatura.extract(html)`` with its defaults (what
the published ~0.96 F1 measures, with a different trafilatura version).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import duckdb
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_metric, aeb_pages, aeb_truth, machine, write_pages  # noqa: E402

from wiredesk.pipeline.ingest import run_ingest  # noqa: E402
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings  # noqa: E402


def wiredesk_texts(pages: dict[str, bytes], workdir: Path) -> dict[str, str]:
    write_pages(pages, workdir / "pages")
    db = str(workdir / "eval.duckdb")
    # events do not change documents.text; leaving them off makes the evaluation fast
    run_ingest([str(workdir / "pages")], Settings(db_path=db, ingest=IngestSettings(workers=0), events=EventsSettings(enabled=False)))
    con = duckdb.connect(db, read_only=True)
    rows = con.execute("SELECT origin, text FROM documents WHERE is_current").fetchall()
    return {Path(origin).stem: text for origin, text in rows}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    pages, truth = aeb_pages(), aeb_truth()
    with tempfile.TemporaryDirectory() as tmp:
        ours = wiredesk_texts(pages, Path(tmp))
    bare = {k: trafilatura.extract(html) or "" for k, html in pages.items()}
    results = {"wiredesk (documents.text)": aeb_metric(truth, ours), "trafilatura.extract": aeb_metric(truth, bare)}
    print(f"AEB, {len(truth)} pages; trafilatura {trafilatura.__version__}; {machine()}\n")
    print("| extractor | precision | recall | F1 |\n|---|---|---|---|")
    for name, m in results.items():
        print(f"| {name} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
