"""Screenshots of each section of `wiredesk report` for the docs (docs/report/*.png), taken in headless Chromium.

    python bench/report_screenshots.py [--documents 600] [--outlets 9] [--days 21] [--out docs/report]

The database is bench/bench_report.py's: the seed articles through the real pipeline, then copied with bulk
SQL across made-up outlets ("Outlet 3") and days, so every chart has something to show; the screenshots say
so in their captions (README, docs/report.md). Each picture is the top of its section, at most 820 pixels
high, scaled to 70%.
"""

from __future__ import annotations

import argparse
import base64
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import wiredesk  # noqa: E402
from bench_report import grow  # noqa: E402
from support.browser import chromium_binary, open_page  # noqa: E402
from wiredesk.cli import main as cli  # noqa: E402

SECTIONS = ("stories", "copies", "events", "feeds", "runs")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=600)
    ap.add_argument("--outlets", type=int, default=9)
    ap.add_argument("--days", type=int, default=21)
    ap.add_argument("--out", type=Path, default=REPO / "docs" / "report")
    args = ap.parse_args()
    binary, why = chromium_binary()
    if not binary:
        sys.exit(f"no browser: {why}")
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "shots.duckdb"
        if cli(["run", str(REPO / "seeds"), "--db", str(db), "--no-prefect", "-q"]) != 0:
            return 1
        grow(db, args.documents, args.outlets, args.days)
        html = wiredesk.write_report(db, Path(tmp) / "report.html")
        with open_page(binary, html, width=1280, height=1000) as page:
            page.wait_for("document.querySelectorAll('.chart svg.main-svg').length >= 6", timeout=60)
            page.pump(1.5)
            for section in SECTIONS:
                box = page.evaluate(f"(function(){{var r=document.getElementById('{section}').getBoundingClientRect();"
                                    "return {x:r.left+window.scrollX,y:r.top+window.scrollY,width:r.width,height:r.height};})()")
                clip = {**box, "height": min(box["height"], 820), "scale": 0.7}
                data = page.send("Page.captureScreenshot", {"format": "png", "clip": clip, "captureBeyondViewport": True})
                (args.out / f"{section}.png").write_bytes(base64.b64decode(data["data"]))
                print(f"{args.out / f'{section}.png'}: {(args.out / f'{section}.png').stat().st_size // 1024} KiB")
            if page.errors or page.blocked:
                sys.exit(f"the page had errors {page.errors} or asked for {page.blocked}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
