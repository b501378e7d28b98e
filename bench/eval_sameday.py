"""Do unrelated happenings of one day stay apart in the events table? Generated news through a real run.

    python bench/eval_sameday.py [--split dev|heldout|both] [--seeds 1,2] [--happenings 60] [--batch-size 20]
                                 [--backend auto|spacy|rules] [--keep DIR] [--json]

For each seed, ``sameday.generate`` writes one day of short articles (shootings, arrests, protests, fires,
resignations, acquisitions, crashes, strikes in different cities, some told by two or three outlets in their own
words; see bench/sameday.py) to a JSONL file, ``wiredesk.ingest`` runs the whole pipeline on it (cleaning,
extraction, stories, near duplicates, grouping, in batches of ``--batch-size`` so later batches regroup with
stored mentions), and the grouped mentions of ``event_mentions`` are scored against the generated truth:
pairwise and B-cubed precision and recall, events mixing happenings, and happenings told by several outlets
whose lead sentences share an event.

Seeds: ``DEV_SEEDS`` (1-5) were the only ones looked at while changing the grouping; ``HELDOUT_SEEDS``
(101-105) are for reporting.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import duckdb  # noqa: E402
from sameday import generate, score, write_jsonl  # noqa: E402
from splits import pick_runs  # noqa: E402

import wiredesk  # noqa: E402

DEV_SEEDS = (1, 2, 3, 4, 5)
HELDOUT_SEEDS = (101, 102, 103, 104, 105)
SPLITS = {"dev": DEV_SEEDS, "heldout": HELDOUT_SEEDS}


def run_seed(seed: int, folder: Path, happenings: int = 60, batch_size: int = 20, backend: str = "auto") -> dict:
    """Generate, ingest and score one seed in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    articles = generate(seed, happenings)
    data = write_jsonl(articles, folder / "day.jsonl")
    config = folder / "wiredesk.toml"
    config.write_text(f'[ingest]\nbatch_size = {batch_size}\nworkers = 1\n'
                      f'[events]\nbackend = "{backend}"\nworkers = 1\n'
                      f'[feeds]\nsources_file = "{folder / "none.toml"}"\n', encoding="utf-8")
    db = folder / "w.duckdb"
    summary = wiredesk.ingest([data], db=db, config=config)
    if not summary.ok:
        raise RuntimeError(f"seed {seed}: the run failed: {summary.failures}")
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT mention_id, url, trigger_start, event_class, event_id FROM event_mentions "
                           "WHERE event_id IS NOT NULL").fetchall()
        texts = dict(con.execute("SELECT url, text FROM documents WHERE is_current").fetchall())
    finally:
        con.close()
    result = score(rows, texts, articles)
    result["seed"] = seed
    return result


def summarize(results: list[dict]) -> dict:
    """Micro-averaged over seeds: pairs pooled, B-cubed weighted by mentions."""
    n = sum(r["mentions"] for r in results) or 1
    true_pairs = sum(r["pairwise"]["true_pairs"] for r in results)
    pairs = sum(r["pairwise"]["pairs"] for r in results)
    hits_p = sum(r["pairwise"]["precision"] * r["pairwise"]["pairs"] for r in results)
    bp = sum(r["bcubed"]["precision"] * r["mentions"] for r in results) / n
    br = sum(r["bcubed"]["recall"] * r["mentions"] for r in results) / n
    return {
        "seeds": [r["seed"] for r in results], "articles": sum(r["articles"] for r in results),
        "mentions": n, "events": sum(r["events"] for r in results),
        "true_events": sum(r["true_events"] for r in results),
        "pairwise": {"precision": round(hits_p / pairs, 3) if pairs else 1.0,
                     "recall": round(hits_p / true_pairs, 3) if true_pairs else 1.0},
        "bcubed": {"precision": round(bp, 3), "recall": round(br, 3),
                   "f1": round(2 * bp * br / (bp + br), 3) if bp + br else 0.0},
        "mixed_events": sum(r["mixed_events"] for r in results),
        "cross_outlet": f"{sum(r['cross_outlet']['grouped'] for r in results)}/"
                        f"{sum(r['cross_outlet']['happenings'] for r in results)}",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="both", choices=("dev", "heldout", "both"))
    ap.add_argument("--seeds", default="", help="comma-separated seeds (overrides --split)")
    ap.add_argument("--happenings", type=int, default=60, help="happenings a seed's day holds")
    ap.add_argument("--batch-size", type=int, default=20)
    ap.add_argument("--backend", default="auto", choices=("auto", "spacy", "rules"))
    ap.add_argument("--keep", default="", help="keep each seed's files and database under this folder")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    runs = pick_runs(args.seeds, args.split, SPLITS, "seeds")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(args.keep) if args.keep else Path(tmp)
        for name, seeds in runs.items():
            results = [run_seed(s, base / f"seed{s}", args.happenings, args.batch_size, args.backend) for s in seeds]
            out[name] = {"per_seed": results, "total": summarize(results)}
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    for name, r in out.items():
        print(f"== {name}")
        for x in r["per_seed"]:
            print(f"seed {x['seed']:>4}: {x['articles']} articles, {x['happenings']} happenings, {x['mentions']} "
                  f"mentions ({x['unlabelled_mentions']} outside the happenings' sentences), {x['events']} events "
                  f"for {x['true_events']}; pairwise P {x['pairwise']['precision']:.3f} "
                  f"R {x['pairwise']['recall']:.3f}; "
                  f"B-cubed P {x['bcubed']['precision']:.3f} R {x['bcubed']['recall']:.3f} F1 {x['bcubed']['f1']:.3f}; "
                  f"mixed events {x['mixed_events']}; cross-outlet {x['cross_outlet']['grouped']}/"
                  f"{x['cross_outlet']['happenings']}")
        t = r["total"]
        print(f"total: {t['articles']} articles, {t['mentions']} mentions, {t['events']} events for "
              f"{t['true_events']}; "
              f"pairwise P {t['pairwise']['precision']:.3f} R {t['pairwise']['recall']:.3f}; B-cubed P "
              f"{t['bcubed']['precision']:.3f} R {t['bcubed']['recall']:.3f} F1 {t['bcubed']['f1']:.3f}; mixed events "
              f"{t['mixed_events']}; cross-outlet {t['cross_outlet']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
