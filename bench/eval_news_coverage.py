"""Event coverage of general news on pages never used for tuning before: the English pages of AEB and of
trafilatura's evaluation set.

    python bench/eval_news_coverage.py                        # both halves: documents without an event, classes
    python bench/eval_news_coverage.py --errors FILE          # error analysis of the TUNING half
    python bench/eval_news_coverage.py --sample 60 --since "lexicon 5"   # held-out mentions to hand-check

Pages: the 181 AEB pages (``aeb/html``) and the 990 pages of ``trafilatura_eval`` (``evaldata.json``), read
from ``$WIREDESK_CORPUS``, cleaned by wiredesk's own cleaner (``clean_item``) as a run would, and kept when
the cleaner gives them an English language tag (``en``, ``en-GB``, ...) and a body of at least 40 words.
Real articles (and some blog posts) of many topics: business, politics, sports, culture, technology, crime.

**Split.** Each page goes to the *tuning* or the *held-out* half by a stable hash of its key
(``aeb/<id>`` or ``trafilatura_eval/<file>``: the first byte of its SHA-256, even = tuning), so the halves
never change with the corpus order, the cleaner or the lexicon. Error analysis (``--errors``) reads the
tuning half only; the held-out half gives the figures to quote and the sample for hand-checking.

Figures per half: documents, documents without an event (no mention told as happened that can make an
event: statements, ``STATEMENT``, are mentions only, and negated or hypothetical mentions join no event;
the same definition as ``eval_ecbplus.py``), of them the pages the page-kind gate did not read (no news:
``wiredesk.events.pagekind``), mentions by class.

``--errors FILE`` (tuning half): the documents without an event (key and opening words), and the most
frequent candidate newsworthy words that fire nothing, by the number of tuning documents they occur in,
with a sentence each: verbs (not auxiliaries, light, mental or reporting verbs) with a subject or an object,
and nouns that name a happening (deverbal endings -tion, -sion, -ment, -ure, -al, -ing, or the subject of
"happen", "occur", "take place" or the object of "hold", "stage", "launch", "announce"), in sentences
where no trigger fired.

``--sample N --since MARKER`` (held-out half): N mentions (seeded draw) whose trigger comes from the lexicon
entries of the section of ``triggers.tsv`` whose comment line contains MARKER, with trigger, class, code and
sentence, for a precision check by hand.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import random
import sys
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402

from wiredesk.events import DefaultEventExtractor, DocumentInput  # noqa: E402
from wiredesk.events.group import UNGROUPED  # noqa: E402

MIN_WORDS = 40
HALVES = ("tuning", "heldout")
#: Verbs no reader would call an event (the list of ecbplus_generic_verbs.py plus common news filler).
STOP = set("""be have do will would can could may might shall should must get make go come take give use know think
see want seem become include accord say tell need look feel try let keep begin start continue appear remain
expect hope believe consider mean like allow help put set call show find ask leave turn add provide offer
work play run move bring hold live pay follow change lead create understand speak read write learn talk
happen occur""".split())
_NOUN_ENDINGS = ("tion", "sion", "ment", "ure", "al", "ing")
_HAPPEN = {"happen", "occur", "take", "unfold"}
_LIGHT = {"hold", "stage", "launch", "announce", "conduct", "carry", "undergo", "suffer", "face"}


def half(key: str) -> str:
    """The stable half of a page: the first byte of the SHA-256 of its key, even = tuning."""
    return HALVES[hashlib.sha256(key.encode("utf-8")).digest()[0] % 2]


def _pages(root: Path):
    """``(key, url, html bytes)`` of every AEB and trafilatura_eval page."""
    aeb = root / "aeb"
    if (aeb / "html").is_dir():
        truth = json.loads((aeb / "ground-truth.json").read_text(encoding="utf-8"))
        for p in sorted((aeb / "html").glob("*.html.gz")):
            page_id = p.name.removesuffix(".html.gz")
            yield f"aeb/{page_id}", truth.get(page_id, {}).get("url"), gzip.decompress(p.read_bytes())
    base = root / "trafilatura_eval"
    if (base / "evaldata.json").is_file():
        for url, entry in sorted(json.loads((base / "evaldata.json").read_text(encoding="utf-8")).items()):
            path = base / "cache" / f"{entry['file']}.gz"
            if not path.is_file():
                path = base / "eval" / f"{entry['file']}.gz"
            if path.is_file():
                yield f"trafilatura_eval/{entry['file']}", url, gzip.decompress(path.read_bytes())


def news_documents(root: Path, keep_pages: bool = False) -> dict:
    """``{key: DocumentInput}`` of the English pages, cleaned by wiredesk's cleaner (with ``keep_pages``,
    ``{key: (DocumentInput, Article)}``)."""
    from wiredesk.clean.cleaner import clean_item
    from wiredesk.domain.errors import WiredeskError
    from wiredesk.domain.models import InputItem, ItemMeta
    from wiredesk.sources.files import decode

    out = {}
    for key, url, html in _pages(root):
        try:
            content = decode(html, "html", "cp1252")
        except WiredeskError:
            content = html.decode("utf-8", errors="replace")
        item = InputItem(origin=key, kind="html", content=content, raw=html, raw_sha256="-", meta=ItemMeta(url=url))
        try:
            article = clean_item(item)
        except WiredeskError:
            continue
        doc = DocumentInput.from_article(article)
        if (doc.language or "").lower().split("-")[0] == "en" and len(doc.text.split()) >= MIN_WORDS:
            doc = dataclasses.replace(doc, doc_key=key)
            out[key] = (doc, article) if keep_pages else doc
    return out


def _eventful(mentions) -> list:
    return [m for m in mentions if m.happened and m.event_class not in UNGROUPED]


def new_entries(marker: str) -> set[tuple[str, str, str]]:
    """(lemma, class, code) of the trigger entries of the section whose comment line contains ``marker``."""
    lines = resources.files("wiredesk.events").joinpath("data", "triggers.tsv").read_text("utf-8").splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("#") and marker in line), None)
    if start is None:
        sys.exit(f"no comment line containing {marker!r} in triggers.tsv")
    out = set()
    for line in lines[start + 1:]:
        if line.startswith("#") and out:
            break  # the next section
        if line.startswith("#") or not line.strip():
            continue
        lemma, _pos, cls, code, *_ = line.split("\t")
        out.add((lemma, cls, code))
    return out


def candidates(docs: list[DocumentInput], extractions, nlp) -> tuple[Counter, dict]:
    """Candidate newsworthy words firing nothing: {(kind, lemma): documents}, and a sentence each."""
    from wiredesk.events.segment import split_sentences

    counts: Counter = Counter()
    example: dict = {}
    for doc, x in zip(docs, extractions):
        fired = [(m.sentence_start, m.sentence_end) for m in x.mentions]
        seen = set()
        text = doc.text
        spans = [(a, b) for a, b in split_sentences(text)
                 if not any(s < b and a < e for s, e in fired)]
        for (a, b), parsed in zip(spans, nlp.pipe(text[a:b] for a, b in spans)):
            for t in parsed:
                lemma = t.lemma_.lower()
                if t.pos_ == "VERB" and lemma not in STOP and t.dep_ not in ("amod", "aux", "auxpass"):
                    if any(c.dep_ in ("nsubj", "nsubjpass", "dobj") for c in t.children):
                        seen.add(("verb", lemma))
                        example.setdefault(("verb", lemma), text[a:b][:200])
                elif t.pos_ == "NOUN" and (lemma.endswith(_NOUN_ENDINGS)
                                           or (t.dep_ in ("nsubj",) and t.head.lemma_ in _HAPPEN)
                                           or (t.dep_ == "dobj" and t.head.lemma_ in _LIGHT)):
                    seen.add(("noun", lemma))
                    example.setdefault(("noun", lemma), text[a:b][:200])
        counts.update(seen)
    return counts, example


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", default="", help="write error analysis of the TUNING half to this file")
    ap.add_argument("--top", type=int, default=150, help="candidate words listed in --errors")
    ap.add_argument("--sample", type=int, default=0, help="held-out mentions of new entries to print")
    ap.add_argument("--since", default="", help="comment line of triggers.tsv the new entries follow")
    ap.add_argument("--sample-half", default="heldout", choices=HALVES,
                    help="half the sample is drawn from (tuning: to prune while tuning; heldout: to report)")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first SKIP mentions of the seeded order "
                    "(a second sample that shares no mention with a first one of the same seed)")
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    root = corpus_dir()
    if not (root / "aeb").is_dir() and not (root / "trafilatura_eval").is_dir():
        print(f"no AEB or trafilatura_eval pages under {root} (set WIREDESK_CORPUS); nothing to evaluate")
        return 0
    docs = news_documents(root)
    extractor = DefaultEventExtractor("spacy", n_process=1)
    results, by_half = {}, {}
    for name in HALVES:
        keys = sorted(k for k in docs if half(k) == name)
        extractions = extractor.extract_many([docs[k] for k in keys])
        by_half[name] = (keys, extractions)
        classes = Counter(m.event_class for x in extractions for m in _eventful(x.mentions))
        without = [k for k, x in zip(keys, extractions) if not _eventful(x.mentions)]
        gated = [k for k, x in zip(keys, extractions) if x.skipped == "page"]  # no news: not read
        results[name] = {
            "documents": len(keys), "aeb": sum(k.startswith("aeb/") for k in keys),
            "words": sum(len(docs[k].text.split()) for k in keys),
            "documents_without_event": len(without),
            "documents_without_event_share": round(len(without) / len(keys), 3) if keys else None,
            "documents_not_news": len(gated),
            "news_documents_without_event": len(without) - len(gated),
            "mentions": sum(classes.values()), "mentions_by_class": dict(classes.most_common()),
        }
    results["extractor"] = extractor.describe()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"extractor: {results['extractor']}")
        for name in HALVES:
            r = results[name]
            print(f"== {name}: {r['documents']} English documents ({r['aeb']} AEB, {r['words']} words); "
                  f"{r['documents_without_event']} without an event ({r['documents_without_event_share']}; "
                  f"{r['documents_not_news']} not news, not read; {r['news_documents_without_event']} of the "
                  f"{r['documents'] - r['documents_not_news']} read); "
                  f"{r['mentions']} mentions: " + ", ".join(f"{k} {v}" for k, v in r["mentions_by_class"].items()))
    if args.errors:
        keys, extractions = by_half["tuning"]
        lines = ["## tuning documents without an event"]
        for k, x in zip(keys, extractions):
            if not _eventful(x.mentions):
                lines.append(f"{k}\t{docs[k].text[:160]!r}")
        counts, example = candidates([docs[k] for k in keys], extractions, extractor.backend.nlp)
        for kind in ("verb", "noun"):
            lines.append(f"\n## candidate {kind}s firing nothing, by tuning documents")
            ranked = [(lemma, n) for (k, lemma), n in counts.most_common() if k == kind][:args.top]
            lines += [f"{n}\t{lemma}\t{example[(kind, lemma)]}" for lemma, n in ranked]
        Path(args.errors).write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"error analysis of the tuning half written to {args.errors}")
    if args.sample:
        new = new_entries(args.since or "lexicon 5")
        keys, extractions = by_half[args.sample_half]
        pool = [m for x in extractions for m in x.mentions
                if (m.trigger_lemma, m.event_class, m.cameo or "-") in new and not m.negated]
        order = random.Random(args.seed).sample(pool, len(pool))
        drawn = order[args.skip:args.skip + args.sample]
        print(f"\n== {args.sample_half} mentions from the new entries: {len(pool)}; a sample of {len(drawn)}"
              + (f" (after the first {args.skip} of the seeded order)" if args.skip else ""))
        by_lemma = defaultdict(int)
        for m in pool:
            by_lemma[m.trigger_lemma] += 1
        print("   by entry: " + ", ".join(f"{k} {v}" for k, v in sorted(by_lemma.items(), key=lambda kv: -kv[1])))
        for i, m in enumerate(sorted(drawn, key=lambda m: m.key), 1):
            print(f"{i:>3}. [{m.event_class} {m.cameo}] {m.trigger!r} ({m.doc_key}): {m.sentence[:260]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
