"""Access states: how well ``classify_access`` tells "not an article" pages from articles.

    python bench/eval_access.py                   # both halves, Markdown tables
    python bench/eval_access.py --split tune --show 20    # misclassified pages of the tuning half
    python bench/eval_access.py --json FILE       # the counts too

The set:
- **positives** ("not an article"): ``bench/data/access/pages`` (consent walls, paywall stubs, bot checks,
  soft 404s and script shells modelled on public templates; ``labels.tsv`` names the template of each;
  ``bench/data/access/make_pages.py`` writes them);
- **negatives** (real articles), read in place from ``$WIREDESK_CORPUS``: the 181 AEB news pages and the
  trafilatura evaluation pages whose ``with`` snippets say they have main text (many languages). They are
  labelled "article" whole: a negative the classifier rejects is a false positive.

Each page goes through what a fetched page goes through: ``clean_item`` (the text it keeps; "" when it finds
none), then ``classify_access(html, text)``.

**Split.** Every page falls in ``tune`` or ``report`` by a hash of its name (the positives' template
families are spread over both). The thresholds and phrase lists were set looking at ``tune`` only;
``report`` is the figure to quote. Scores: precision and recall of "not an article" (any state but
``article``), the false-positive rate on real articles, and the share of positives given their exact state.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_path import REPO, corpus_dir  # noqa: E402

from wiredesk.clean.access import classify_access  # noqa: E402
from wiredesk.clean.cleaner import clean_item  # noqa: E402
from wiredesk.domain.errors import WiredeskError  # noqa: E402
from wiredesk.domain.models import InputItem, ItemMeta  # noqa: E402
from wiredesk.sources.feeds.collect import decode_html  # noqa: E402

DATA = REPO / "bench" / "data" / "access"


def split_of(name: str) -> str:
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "report"


def positives() -> list[dict]:
    with open(DATA / "labels.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [{"name": f"templates/{r['file']}", "label": r["label"], "source": r["source"],
             "html": (DATA / "pages" / r["file"]).read_bytes()} for r in rows]


def negatives(root: Path, limit: int | None) -> list[dict]:
    out = []
    aeb = root / "aeb" / "html"
    if not aeb.is_dir():
        sys.exit(f"AEB not found at {aeb} (set WIREDESK_CORPUS)")
    for p in sorted(aeb.glob("*.html.gz")):
        out.append({"name": f"aeb/{p.name}", "label": "article", "source": "AEB", "html": gzip.decompress(p.read_bytes())})
    base = root / "trafilatura_eval"
    data = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    for url, entry in sorted(data.items())[:limit]:
        if not any(entry["with"]):
            continue
        path = base / "cache" / f"{entry['file']}.gz"
        path = path if path.is_file() else base / "eval" / f"{entry['file']}.gz"
        if path.is_file():
            out.append({"name": f"trafilatura_eval/{entry['file']}", "label": "article", "source": url,
                        "html": gzip.decompress(path.read_bytes())})
    return out


def classify(page: dict) -> tuple[str, str]:
    html = decode_html(page["html"])  # as a fetched page is decoded
    item = InputItem(origin="https://example.org/" + page["name"], kind="html", content=html, raw=page["html"],
                     raw_sha256=hashlib.sha256(page["html"]).hexdigest(), meta=ItemMeta())
    try:
        text = clean_item(item).text
    except WiredeskError:
        text = ""
    got = classify_access(html, text)
    return got.state, got.reason


def scores(rows: list[dict]) -> dict:
    tp = sum(1 for r in rows if r["label"] != "article" and r["state"] != "article")
    fp = sum(1 for r in rows if r["label"] == "article" and r["state"] != "article")
    fn = sum(1 for r in rows if r["label"] != "article" and r["state"] == "article")
    pos = sum(1 for r in rows if r["label"] != "article")
    neg = len(rows) - pos
    exact = sum(1 for r in rows if r["label"] != "article" and r["state"] == r["label"])
    return {"pages": len(rows), "not_articles": pos, "articles": neg, "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / pos if pos else 0.0,
            "fp_rate": fp / neg if neg else 0.0, "exact_state": exact / pos if pos else 0.0,
            "by_label": {lab: dict(Counter(r["state"] for r in rows if r["label"] == lab))
                         for lab in sorted({r["label"] for r in rows})}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("tune", "report", "both"), default="both")
    ap.add_argument("--limit", type=int, help="only the first N trafilatura_eval pages")
    ap.add_argument("--show", type=int, default=0, help="print up to N misclassified pages")
    ap.add_argument("--json", metavar="FILE")
    args = ap.parse_args()
    pages = positives() + negatives(corpus_dir(), args.limit)
    rows = []
    for page in pages:
        state, reason = classify(page)
        rows.append({"name": page["name"], "label": page["label"], "state": state, "reason": reason,
                     "split": split_of(page["name"])})
    splits = ("tune", "report") if args.split == "both" else (args.split,)
    result = {s: scores([r for r in rows if r["split"] == s]) for s in splits}
    print("| split | pages | not articles | articles | precision | recall | FP rate on articles | exact state |")
    print("|---|---|---|---|---|---|---|---|")
    for s, sc in result.items():
        print(f"| {s} | {sc['pages']} | {sc['not_articles']} | {sc['articles']} | {sc['precision']:.3f} | {sc['recall']:.3f} "
              f"| {sc['fp_rate']:.4f} ({sc['fp']}) | {sc['exact_state']:.3f} |")
    for s, sc in result.items():
        print(f"\n{s}: label → states given: " + "; ".join(f"{k}: {v}" for k, v in sc["by_label"].items()))
    wrong = [r for r in rows if r["split"] in splits and (r["state"] == "article") != (r["label"] == "article")]
    for r in wrong[:args.show]:
        print(f"  {r['split']:6} {r['label']:8} → {r['state']:8} {r['name']}: {r['reason']}")
    if args.json:
        Path(args.json).write_text(json.dumps({"scores": result, "rows": rows}, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
