"""The page-kind gate (``wiredesk.events.pagekind``) measured: which pages it reads for events as news.

    python bench/eval_pagegate.py list --seed 5 --n 60 --out bench/data/pagegate_sample.tsv   # pages to label
    python bench/eval_pagegate.py score bench/data/pagegate_sample.tsv                        # the gate on them

``list`` draws a seeded sample of the English trafilatura_eval pages of the *held-out* half
(``eval_news_coverage.half``) and writes, for each, its key, URL, title and opening words, with an empty
``news`` column and *without* the gate's decision: the labels are filled in by reading the page (URL, title and
opening paragraphs: news = the page reports a happening as news, a press release or a news blog post included;
not news = a recipe, a product or shop page, a game or film review, a how-to, a wiki or forum page, an
essay or opinion piece with no reported happening, a personal or company page). ``score`` runs the gate on
the labelled pages (precision and recall of "not news") and on every English AEB page (all news: how many it
gates out), and lists its mistakes.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402
from eval_news_coverage import half, news_documents  # noqa: E402

FIELDS = ["n", "key", "news", "note", "url", "title", "opening"]
RULE = """# Labels: news = 1 when the page reports a happening as news (a news story, a press release, a news blog
# post, a match report); 0 for a recipe, a product or shop page, a game, film or product review, a how-to, a
# wiki or forum page, an essay or opinion piece reporting no happening, a personal, company or event page.
# Labelled from the URL, the title and the opening paragraphs, before the gate was run on the page."""


def _read(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader((line for line in f if not line.startswith("#")), delimiter="\t"))


def list_pages(args) -> int:
    docs = news_documents(corpus_dir(), keep_pages=True)
    keys = sorted(k for k in docs if k.startswith("trafilatura_eval/") and half(k) == "heldout")
    picked = sorted(random.Random(args.seed).sample(keys, min(args.n, len(keys))))
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        f.write(RULE + f"\n# drawn by bench/eval_pagegate.py list --seed {args.seed} --n {args.n}: {len(picked)} "
                       f"of {len(keys)} English held-out trafilatura_eval pages\n")
        w = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        for i, k in enumerate(picked, 1):
            doc, page = docs[k]
            w.writerow({"n": i, "key": k, "news": "", "note": "", "url": page.url or "", "title": page.title or "",
                        "opening": " ".join(doc.text.split())[:400]})
    print(f"{len(picked)} pages (of {len(keys)}) written to {args.out}")
    return 0


def score(args) -> int:
    from wiredesk.events.pagekind import page_kind  # the code under test, after the labels

    rows = _read(args.labels)
    if any(r["news"] == "" for r in rows):
        sys.exit("unlabelled rows: fill in news first")
    docs = news_documents(corpus_dir(), keep_pages=True)
    tp = fp = fn = tn = 0
    mistakes = []
    for r in rows:
        doc, page = docs[r["key"]]
        kind = page_kind(doc)
        gated, news = not kind.news, r["news"] == "1"
        tp += gated and not news
        fp += gated and news
        fn += not gated and not news
        tn += not gated and news
        if gated == news:
            mistakes.append(f"   {'gated news' if news else 'missed'}: {r['key']} ({kind.reason}) {r['title'][:70]!r}")
    print(f"== labelled held-out trafilatura_eval pages: {len(rows)} ({tn + fp} news, {tp + fn} not news)")
    print(f"   not-news gated: precision {tp}/{tp + fp} = {tp / max(1, tp + fp):.3f}, recall {tp}/{tp + fn} = "
          f"{tp / max(1, tp + fn):.3f}; news pages gated out {fp} of {tn + fp}")
    print("\n".join(mistakes))
    aeb = [k for k in docs if k.startswith("aeb/")]
    out = [(k, page_kind(docs[k][0])) for k in sorted(aeb)]
    gated = [(k, x) for k, x in out if not x.news]
    print(f"== English AEB pages (news): {len(aeb)}; gated out {len(gated)}")
    for k, x in gated:
        print(f"   {k} ({x.reason}) {docs[k][1].title!r}")
    if args.all:
        for name in ("tuning", "heldout"):
            keys = [k for k in docs if k.startswith("trafilatura_eval/") and half(k) == name]
            kinds = [page_kind(docs[k][0]) for k in keys]
            print(f"== English trafilatura_eval pages, {name} half: {len(keys)}; gated out "
                  f"{sum(not x.news for x in kinds)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="command", required=True)
    s = sub.add_parser("list")
    s.add_argument("--seed", type=int, default=5)
    s.add_argument("--n", type=int, default=60)
    s.add_argument("--out", default="bench/data/pagegate_sample.tsv")
    c = sub.add_parser("score")
    c.add_argument("labels", nargs="?", default="bench/data/pagegate_sample.tsv")
    c.add_argument("--all", action="store_true", help="also count the gated pages of both halves")
    args = ap.parse_args(argv)
    return {"list": list_pages, "score": score}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
