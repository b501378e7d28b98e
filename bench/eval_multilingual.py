"""Multilingual cleaning quality on trafilatura's own evaluation set (990 pages, about half German).

    python bench/eval_multilingual.py                  # both splits, Markdown tables
    python bench/eval_multilingual.py --split tune --show-failures 30   # what to look at while tuning
    python bench/eval_multilingual.py --json FILE      # raw counts too

Each page of ``$WIREDESK_CORPUS/trafilatura_eval/evaldata.json`` lists snippets that must appear in the
article text (``with``) and page furniture that must not (``without``). trafilatura's own metric: a
``with`` snippet found is a true positive, missed a false negative; a ``without`` snippet found is a false
positive, absent a true negative; precision, recall, accuracy and F1 over the counts pooled across pages.
Whitespace is collapsed in the text and the snippets alike (wiredesk stores tidied text; trafilatura's
own script compares raw strings), for every system.

Systems, all on the same decoded page with no URL:
- ``wiredesk body``: ``clean_item`` → ``Article.text`` (the body paragraphs, what ``documents.text`` stores);
- ``trafilatura default``: ``trafilatura.extract(html)``;
- ``trafilatura no comments``: ``trafilatura.extract(html, include_comments=False)``.

**Split.** trafilatura was developed on this set, so it is used to find failures, and tuning must not read
the figures it is scored on. Pages are split in two halves per language (seeded shuffle, stratified by
the language of the page's ``with`` snippets as py3langid reads them; languages with fewer than 6 pages
form one stratum): ``tune`` is the half we looked at
and tuned on; ``report`` is the half kept out of tuning. Report figures are the ones to quote.

Per role: for each snippet, the role of the first wiredesk paragraph that contains it (``absent`` if
none does): a ``without`` snippet labelled caption/credit/boilerplate is furniture set aside; a ``with``
snippet outside ``body`` is article text lost from the body.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import py3langid
import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus_path import corpus_dir  # noqa: E402

from wiredesk.clean.cleaner import clean_item  # noqa: E402
from wiredesk.domain.errors import WiredeskError  # noqa: E402
from wiredesk.sources.files import decode  # noqa: E402
from wiredesk.domain.models import InputItem, ItemMeta  # noqa: E402

SEED = 16
SYSTEMS = ("wiredesk body", "trafilatura default", "trafilatura no comments")
_WS = re.compile(r"\s+")


def squash(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def load_pages(root: Path) -> list[dict]:
    """Every page of the set: ``{url, file, with, without, html (bytes), lang}``."""
    base = root / "trafilatura_eval"
    if not (base / "evaldata.json").is_file():
        sys.exit(f"trafilatura_eval not found at {base} (set WIREDESK_CORPUS)")
    data = json.loads((base / "evaldata.json").read_text(encoding="utf-8"))
    pages = []
    for url, entry in sorted(data.items()):
        path = base / "cache" / f"{entry['file']}.gz"
        if not path.is_file():
            path = base / "eval" / f"{entry['file']}.gz"
        if not path.is_file():
            continue
        snippets = [s for s in entry["with"] if s]
        lang, _ = py3langid.classify(" ".join(snippets)) if snippets else ("und", 0)
        pages.append({"url": url, "file": entry["file"], "with": snippets,
                      "without": [s for s in entry["without"] if s], "html": gzip.decompress(path.read_bytes()),
                      "lang": lang})
    return pages


def split_pages(pages: list[dict], seed: int = SEED) -> dict[str, str]:
    """``{url: "tune" | "report"}``: half of each language's pages each, by a seeded shuffle."""
    sizes = Counter(p["lang"] for p in pages)
    by_lang: dict[str, list[str]] = defaultdict(list)
    for p in pages:  # languages with a handful of pages form one stratum, so both halves get some
        by_lang[p["lang"] if sizes[p["lang"]] >= 6 else "rare"].append(p["url"])
    rng = random.Random(seed)
    out = {}
    for lang in sorted(by_lang):
        urls = sorted(by_lang[lang])
        rng.shuffle(urls)
        cut = (len(urls) + 1) // 2
        out.update({u: ("tune" if i < cut else "report") for i, u in enumerate(urls)})
    return out


def page_text(html: bytes) -> str:
    """The page decoded as ``wiredesk run`` would with ``ingest.fallback_encoding = "cp1252"``; the few pages
    that are none of UTF-8, their declared charset or cp1252 are read as UTF-8 with replacement characters
    (the same text for every system)."""
    try:
        return decode(html, "html", "cp1252")
    except WiredeskError:
        return html.decode("utf-8", errors="replace")


def wiredesk(html: bytes, file: str):
    """``(body text, [(role, text), ...], language)`` of wiredesk's cleaner, or ``("", [], None)`` when it
    finds no article."""
    item = InputItem(origin=file, kind="html", content=page_text(html), raw=html, raw_sha256="-", meta=ItemMeta())
    try:
        article = clean_item(item)
    except WiredeskError:
        return "", [], None
    return article.text, [(p.role, squash(p.text)) for p in article.paragraphs], article.language


def bare(html: bytes, **options) -> str:
    try:
        return trafilatura.extract(page_text(html), **options) or ""
    except Exception:  # noqa: BLE001  (a crash is an empty result, as trafilatura's own script counts it)
        return ""


def counts(text: str, page: dict) -> Counter:
    text = squash(text)
    c = Counter()
    for s in page["with"]:
        c["tp" if squash(s) in text else "fn"] += 1
    for s in page["without"]:
        c["fp" if squash(s) in text else "tn"] += 1
    return c


def scores(c: Counter) -> dict[str, float]:
    tp, fp, fn, tn = c["tp"], c["fp"], c["fn"], c["tn"]
    return {"precision": tp / (tp + fp) if tp + fp else 0.0, "recall": tp / (tp + fn) if tp + fn else 0.0,
            "accuracy": (tp + tn) / max(1, tp + fp + fn + tn), "f1": 2 * tp / max(1, 2 * tp + fp + fn),
            "pages": c["pages"]}


def role_of(snippet: str, paragraphs: list[tuple[str, str]]) -> str:
    s = squash(snippet)
    return next((role for role, text in paragraphs if s in text), "absent")


def evaluate(pages: list[dict], cache: Path | None) -> list[dict]:
    """Per page: the three systems' text and wiredesk's paragraphs."""
    cached = json.loads(cache.read_text()) if cache and cache.is_file() else {}
    key = f"trafilatura/{trafilatura.__version__}"
    bare_cache = cached.get(key, {})
    rows = []
    for p in pages:
        text, paras, language = wiredesk(p["html"], p["file"])
        if p["url"] not in bare_cache:
            bare_cache[p["url"]] = [bare(p["html"]), bare(p["html"], include_comments=False)]
        default, no_comments = bare_cache[p["url"]]
        rows.append({"page": p, "texts": dict(zip(SYSTEMS, (text, default, no_comments))), "paragraphs": paras,
                     "language": language})
    if cache:
        cache.write_text(json.dumps({key: bare_cache}))
    return rows


def table(rows: list[dict], group) -> dict[str, dict[str, dict[str, float]]]:
    acc: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for r in rows:
        for g in group(r):
            for name, text in r["texts"].items():
                acc[g][name] += counts(text, r["page"])
                acc[g][name]["pages"] += 1
    return {g: {name: scores(c) for name, c in v.items()} for g, v in acc.items()}


def print_split(name: str, rows: list[dict], min_pages: int) -> dict:
    langs = Counter(r["page"]["lang"] for r in rows)

    def group(r):
        lang = r["page"]["lang"]
        return ["all", lang if langs[lang] >= min_pages else f"other (< {min_pages} pages each)"]

    result = table(rows, group)
    order = ["all"] + sorted((g for g in result if g != "all" and not g.startswith("other")), key=lambda g: -langs[g])
    order += [g for g in result if g.startswith("other")]
    print(f"\n### {name} split: {len(rows)} pages\n")
    print("| language | pages | system | precision | recall | accuracy | F1 | F1 − default |")
    print("|---|---|---|---|---|---|---|---|")
    for g in order:
        base = result[g]["trafilatura default"]["f1"]
        for sys_name in SYSTEMS:
            m = result[g][sys_name]
            print(f"| {g} | {m['pages']} | {sys_name} | {m['precision']:.3f} | {m['recall']:.3f} | "
                  f"{m['accuracy']:.3f} | {m['f1']:.3f} | {m['f1'] - base:+.3f} |")
    roles = {"with": Counter(), "without": Counter()}
    for r in rows:
        for kind in roles:
            roles[kind].update(role_of(s, r["paragraphs"]) for s in r["page"][kind])
    print(f"\nwiredesk paragraph role of each snippet ({name} split):\n")
    print("| snippet | body | caption | credit | boilerplate | absent |\n|---|---|---|---|---|---|")
    for kind, c in roles.items():
        print(f"| `{kind}` ({sum(c.values())}) | " + " | ".join(str(c[k]) for k in
              ("body", "caption", "credit", "boilerplate", "absent")) + " |")
    agree = sum(r["language"] == r["page"]["lang"] for r in rows)
    missing = sum(r["language"] is None for r in rows)
    print(f"\nDocument language (wiredesk's ``documents.language`` vs the language of the page's `with` snippets): "
          f"{agree} of {len(rows)} agree ({agree / max(1, len(rows)):.1%}), {missing} without a language.")
    return {"scores": result, "roles": {k: dict(v) for k, v in roles.items()},
            "language": {"agree": agree, "pages": len(rows), "none": missing}}


def show_failures(rows: list[dict], limit: int) -> None:
    """Snippets where wiredesk's body differs from trafilatura's default, worst pages first."""
    diffs = []
    for r in rows:
        ours, theirs = counts(r["texts"]["wiredesk body"], r["page"]), counts(r["texts"]["trafilatura default"], r["page"])
        delta = (ours["tp"] - ours["fp"]) - (theirs["tp"] - theirs["fp"])
        if delta < 0 or ours["fp"] or ours["fn"]:
            diffs.append((delta, ours["fp"] + ours["fn"], r))
    diffs.sort(key=lambda d: (d[0], -d[1]))
    for delta, _, r in diffs[:limit]:
        p = r["page"]
        ours = squash(r["texts"]["wiredesk body"])
        theirs = squash(r["texts"]["trafilatura default"])
        print(f"\n--- {p['file']} [{p['lang']}] delta {delta:+d}")
        for s in p["with"]:
            if squash(s) not in ours:
                print(f"  MISSED ({role_of(s, r['paragraphs'])}; trafilatura {'has' if squash(s) in theirs else 'misses'}): {s!r}")
        for s in p["without"]:
            if squash(s) in ours:
                print(f"  FURNITURE IN BODY (trafilatura {'too' if squash(s) in theirs else 'not'}): {s!r}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="corpus folder (default: $WIREDESK_CORPUS or ../shared/corpus)")
    ap.add_argument("--split", choices=("tune", "report", "both"), default="both")
    ap.add_argument("--min-pages", type=int, default=10, help="languages with fewer pages are pooled as 'other'")
    ap.add_argument("--show-failures", type=int, default=0, metavar="N", help="print the N worst pages (tune split only)")
    ap.add_argument("--cache", type=Path, help="JSON file caching bare trafilatura output between runs")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()
    pages = load_pages(corpus_dir(args.corpus))
    halves = split_pages(pages)
    wanted = ("tune", "report") if args.split == "both" else (args.split,)
    pages = [p for p in pages if halves[p["url"]] in wanted]
    rows = evaluate(pages, args.cache)
    print(f"trafilatura_eval: {len(pages)} pages; trafilatura {trafilatura.__version__}; split seed {SEED}")
    out = {}
    for name in wanted:
        out[name] = print_split(name, [r for r in rows if halves[r["page"]["url"]] == name], args.min_pages)
    if args.show_failures:
        show_failures([r for r in rows if halves[r["page"]["url"]] == "tune"], args.show_failures)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
