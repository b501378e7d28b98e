"""Cleaning speed alone: ``clean_item`` on the AEB pages in one process, against bare trafilatura.

    python bench/bench_clean.py [--repeats 3]

Times, in turn within each repeat: ``trafilatura.extract(html, with_metadata=True)`` (what the cleaner asks
trafilatura for) and wiredesk's ``clean_item`` (trafilatura plus the tree walk, captions, roles and
language). Prints medians and the ratio. To compare two versions of the cleaner under the same load, run
it alternately from each checkout (``PYTHONPATH=OTHER/src python bench/bench_clean.py``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import aeb_pages, machine  # noqa: E402

import wiredesk.clean.cleaner  # noqa: E402
from wiredesk.clean.cleaner import clean_item  # noqa: E402
from wiredesk.domain.errors import WiredeskError  # noqa: E402
from wiredesk.sources.files import decode  # noqa: E402
from wiredesk.domain.models import InputItem, ItemMeta  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    items = [InputItem(origin=k, kind="html", content=decode(html, "html", "cp1252"), raw=html, raw_sha256="-",
                       meta=ItemMeta()) for k, html in aeb_pages().items()]

    def run_clean() -> None:
        for item in items:
            try:
                clean_item(item)
            except WiredeskError:
                pass

    def run_bare() -> None:
        for item in items:
            trafilatura.extract(item.content, with_metadata=True)

    run_clean()  # warm up: imports, the language model
    times: dict[str, list[float]] = {"trafilatura.extract(with_metadata=True)": [], "wiredesk clean_item": []}
    for _ in range(args.repeats):
        for name, fn in zip(times, (run_bare, run_clean)):
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    print(f"{len(items)} AEB pages, {args.repeats} repeats; cleaner from {Path(wiredesk.clean.cleaner.__file__).parent}; "
          f"trafilatura {trafilatura.__version__}; {machine()}")
    base = statistics.median(times["trafilatura.extract(with_metadata=True)"])
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"{name}: {med:.2f} s median, {len(items) / med:.1f} pages/s, {med / base:.2f}x trafilatura")


if __name__ == "__main__":
    main()
