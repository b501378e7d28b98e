"""Does a mention's confidence predict a real happening? Measure it, fit one that does, choose a threshold.

    python bench/mention_confidence.py measure            # the tuning samples: features against ``real``
    python bench/mention_confidence.py fit --write        # measure, cross-validate, fit, write the weights
    python bench/mention_confidence.py threshold          # the shipped model's threshold curve (tuning only)
    python bench/mention_confidence.py report             # once, at the end: the report sample (seed 103)

**Data.** The hand-labelled trigger-precision samples (``bench/data/trigger_precision_*.tsv``; label ``real``,
the header of each file) except the report sample (``--report``, seed 103; seed 97 was ``events/9``'s, 101
``events/10``'s), which
only ``report`` opens. Their documents are extracted again with the current code, keeping the rule score of
``events/8`` as each mention's confidence and flagging nothing (``confidence=False``), while the model's inputs
are recorded as the extraction computes them (its ``record`` hook: the parse's and the page's included, which a
mention does not hold); a labelled row counts when the current code still finds its mention (``trigger_precision._found``) and
that mention would join an event (``group.groupable``, as in the extraction). A row read in two files counts once.

**Model.** A logistic regression (``wiredesk.events.confidence.features``), standardised features, an L2 penalty
on the weights, fitted by Newton's method in numpy. The feature set and the penalty are chosen by 10-fold
cross-validation in which a document's rows are always in the same fold (a page is never both fitted and
scored), by log-loss: from ``confidence/2``'s set, stepwise: an input is taken out while taking it out raises
the log-loss by less than 0.001 (the one whose removal costs least first), and an input not in the set (the
``CANDIDATES``, the class flags and inputs taken out before) is added when it lowers the log-loss by 0.001 or
more; the curve reported is that of the out-of-fold probabilities.

**Threshold.** ``threshold`` applies the shipped model: on the tuning samples (out-of-fold probabilities from
``fit``'s cross-validation, recomputed) precision and coverage of news and ECB+ rows per threshold, and on the
ECB+ *tuning* topics the cost: annotated occurrences (complete sentences) that a mention joining an event
overlaps, and documents without an event (``eval_ecbplus.py``'s definitions).
"""

from __future__ import annotations

import argparse
import glob
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_path import corpus_dir  # noqa: E402
from ecbplus import complete_sentences, read_topics  # noqa: E402
from eval_ecbplus import SPLITS, TUNING_TOPICS, _trigger_spans  # noqa: E402
from eval_news_coverage import news_documents  # noqa: E402
from trigger_precision import _found, _read  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402
from wiredesk.events import confidence as conf  # noqa: E402
from wiredesk.events.group import groupable  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
WEIGHTS = Path(__file__).resolve().parents[1] / "src" / "wiredesk" / "events" / "data" / "confidence.tsv"
REPORT = "trigger_precision_seed103.tsv"
SLOTS = ["actor", "actor_named", "target", "place", "date", "toll"]
# no feature for a modality that joins ("future", "attempted", "recalled"): the modal rules decided those
# sentences, and the samples have 9 such mentions, too few to overrule them (the seeds' "will reconsider")
SENTENCE = ["quote", "first_second_person", "no_final_stop", "ing_form", "ed_form", "digits"]
DOCUMENT = ["log_same_class", "log_in_document"]
CLASSES = [f"class_{c}" for c in conf.CLASSES]
FEATURE_SETS = {
    "rule score only": ["rule_score"],
    "rule score + slots": ["rule_score", *SLOTS],
    "+ sentence": ["rule_score", *SLOTS, *SENTENCE],
    "+ sentence + document": ["rule_score", *SLOTS, *SENTENCE, *DOCUMENT],
    "+ sentence + document + class": ["rule_score", *SLOTS, *SENTENCE, *DOCUMENT, *CLASSES],
}
#: confidence/1's set: the base the inputs below are added to
BASE = FEATURE_SETS["+ sentence + document + class"]
#: inputs added in confidence/2's round, from the parse and the page (``wiredesk.events.confidence.Around``)
TENSE = ["past_tense", "participle", "present_tense", "noun_trigger", "perfect", "modal_aux", "passive"]
PAGE = ["page_type_news", "page_text_report", "page_election", "page_video_game"]
POSITION = ["lead_sentence", "log_sentence_index", "log_sentence_words"]
#: added in confidence/3's round: a date or a place in the trigger's own clause, not only somewhere in its sentence
OWN = ["own_date_or_place"]
CANDIDATES = [*TENSE, *PAGE, *POSITION, *OWN]
#: confidence/2's set (events/10): where confidence/3's selection starts
CONFIDENCE_2 = [*BASE, "log_sentence_index", "present_tense", "noun_trigger", "page_text_report", "past_tense"]
PENALTIES = (1.0, 3.0, 10.0, 30.0, 100.0, 300.0)


def tuning_files(report: str) -> list[str]:
    return sorted(p for p in glob.glob(str(DATA / "trigger_precision_*.tsv"))
                  if Path(p).name not in (report, "trigger_precision_seen.tsv"))


def rows_with_features(files: list[str]) -> list[dict]:
    """The labelled rows whose mention still joins an event, each with its features, pool, document and label."""
    rows, seen = [], set()
    for path in files:
        for r in _read(path):
            key = (r["pool"], r["doc"], r["trigger_start"])
            if key not in seen and r["real"] in ("0", "1"):
                seen.add(key)
                rows.append(r)
    inputs: dict[str, list[dict]] = {}  # {doc_key: [features of each mention, in order]}, the last reading's

    def record(mentions, xs):
        if mentions:
            inputs[mentions[0].doc_key] = list(xs)

    # the rule score stays each mention's confidence and nothing is flagged; the model's inputs are recorded
    extractor = DefaultEventExtractor("spacy", n_process=1, confidence=False, record=record)
    docs = {}
    if any(r["pool"] == "ecbplus-reporting" for r in rows):
        for _, ds in read_topics(SPLITS["reporting"]).items():
            docs.update({("ecbplus-reporting", d.name): d.doc for d in ds})
    docs.update({("news-heldout", k): d for k, d in news_documents(corpus_dir()).items()})
    wanted = sorted({(r["pool"], r["doc"]) for r in rows})
    mentions = dict(zip(wanted, (x.mentions for x in extractor.extract_many([docs[k] for k in wanted]))))
    out = []
    for r in rows:
        ms = mentions[(r["pool"], r["doc"])]
        m = _found(r, ms)
        if m is None or not groupable(m):
            continue
        out.append({"pool": r["pool"], "doc": r["doc"], "y": int(r["real"]), "x": inputs[m.doc_key][ms.index(m)],
                    "mention": m})
    return out


def matrix(rows: list[dict], names: list[str]) -> np.ndarray:
    return np.array([[r["x"][k] for k in names] for r in rows], dtype=float)


def fit(x: np.ndarray, y: np.ndarray, penalty: float):
    """(intercept, weights, means, scales): L2-penalised logistic regression on standardised ``x``."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    reg = np.full(z.shape[1], penalty)
    reg[0] = 0.0  # the intercept is not penalised
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        grad = z.T @ (p - y) + reg * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[0], w[1:], mean, scale


def predict(model, x: np.ndarray) -> np.ndarray:
    b, w, mean, scale = model
    return 1 / (1 + np.exp(-(b + ((x - mean) / scale) @ w)))


def folds(rows: list[dict], k: int = 10, seed: int = 0) -> np.ndarray:
    """A fold per row; all rows of a document in the same fold."""
    docs = sorted({(r["pool"], r["doc"]) for r in rows})
    random.Random(seed).shuffle(docs)
    fold_of = {d: i % k for i, d in enumerate(docs)}
    return np.array([fold_of[(r["pool"], r["doc"])] for r in rows])


def out_of_fold(rows, names, penalty, k: int = 10) -> np.ndarray:
    x, y, f = matrix(rows, names), np.array([r["y"] for r in rows], dtype=float), folds(rows, k)
    p = np.zeros(len(rows))
    for i in range(k):
        test = f == i
        p[test] = predict(fit(x[~test], y[~test], penalty), x[test])
    return p


def log_loss(y, p) -> float:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def auc(y, p) -> float:
    pos, neg = p[y == 1], p[y == 0]
    return float(((pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum())
                 / max(1, len(pos) * len(neg)))


def calibration(y, p, bins=(0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1.01)) -> None:
    print("   | predicted | mentions | real (share) | mean predicted |")
    for a, b in zip(bins, bins[1:]):
        sel = (p >= a) & (p < b)
        if sel.any():
            print(f"   | {a:.1f}-{min(b, 1.0):.1f} | {sel.sum()} | {int(y[sel].sum())} ({y[sel].mean():.2f}) | "
                  f"{p[sel].mean():.2f} |")


def coverage_table(rows, p, thresholds) -> None:
    print("   | threshold | news: joining / real among them (precision) | ECB+: joining / real among them "
          "(precision) | real kept, news / ECB+ |")
    for t in thresholds:
        cells = []
        kept_real = []
        for pool in ("news-heldout", "ecbplus-reporting"):
            sel = [i for i, r in enumerate(rows) if r["pool"] == pool]
            keep = [i for i in sel if p[i] >= t]
            real = sum(rows[i]["y"] for i in keep)
            cells.append(f"{len(keep)} / {real} ({real / max(1, len(keep)):.3f})")
            kept_real.append(f"{real} of {sum(rows[i]['y'] for i in sel)}")
        print(f"   | {t:.2f} | {cells[0]} | {cells[1]} | {' / '.join(kept_real)} |")


def measure(args) -> int:
    measure_rows(rows_with_features(tuning_files(args.report)))
    return 0


def measure_rows(rows: list[dict]) -> None:
    y = np.array([r["y"] for r in rows], dtype=float)
    print(f"tuning rows that join events: {len(rows)} ({int(y.sum())} real) from "
          f"{len({(r['pool'], r['doc']) for r in rows})} documents; news "
          f"{sum(r['pool'] == 'news-heldout' for r in rows)}")
    print("== each feature: rows where it is set (or above its median) and their share real, against the others")
    for k in rows[0]["x"]:
        v = np.array([r["x"][k] for r in rows])
        on = v > (np.median(v) if len(set(v)) > 2 else 0)
        print(f"   {k:22s} set {on.sum():4d}: {y[on].mean() if on.any() else float('nan'):.2f}   "
              f"not {(~on).sum():4d}: {y[~on].mean() if (~on).any() else float('nan'):.2f}")
    by_class = defaultdict(list)
    for r in rows:
        by_class[r["mention"].event_class].append(r["y"])
    print("== by class: rows, share real")
    for c, v in sorted(by_class.items(), key=lambda kv: -len(kv[1])):
        print(f"   {c:10s} {len(v):4d} {np.mean(v):.2f}")
    old = np.array([r["x"]["rule_score"] for r in rows])
    print(f"== events/8's confidence (the rule score) as it stands: AUC {auc(y, old):.3f}, log-loss "
          f"{log_loss(y, old):.3f} (a constant at the base rate: {log_loss(y, np.full(len(y), y.mean())):.3f})")
    calibration(y, old)
    coverage_table(rows, old, (0.0, 0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85))


def fit_cmd(args) -> int:
    rows = rows_with_features(tuning_files(args.report))
    measure_rows(rows)
    y = np.array([r["y"] for r in rows], dtype=float)
    print(f"tuning rows that join events: {len(rows)} ({int(y.sum())} real), "
          f"{len({(r['pool'], r['doc']) for r in rows})} documents, 10 folds by document")
    best = None
    print("   | features | penalty | log-loss | Brier | AUC |")

    def cv(name, names):
        nonlocal best
        here = None
        for lam in PENALTIES:
            p = out_of_fold(rows, names, lam)
            ll = log_loss(y, p)
            if here is None or ll < here[0]:
                here = (ll, name, names, lam, p)
        ll, _, _, lam, p = here
        print(f"   | {name} | {lam} | {ll:.3f} | {np.mean((p - y) ** 2):.3f} | {auc(y, p):.3f} |")
        if best is None or ll < best[0]:
            best = here
        return here

    for name, names in FEATURE_SETS.items():
        cv(name, names)
    for group, extra in (("tense and aspect", TENSE), ("page", PAGE), ("position and length", POSITION),
                         ("own date or place", OWN)):
        cv(f"events/9's set + {group}", [*BASE, *extra])
    cv("confidence/2's set + own date or place", [*CONFIDENCE_2, *OWN])
    # stepwise from confidence/2's set: an input stays only if it lowers the cross-validated log-loss by 0.001
    # or more (less is within what reshuffling the folds moves); taking out is tried before adding
    chosen, current = list(CONFIDENCE_2), cv("confidence/2's set (the start of the selection)", CONFIDENCE_2)[0]
    steps = [("confidence/2's set, refitted", current)]
    for _ in range(100):
        out = [(cv(f"... - {k}", [c for c in chosen if c != k])[0], k) for k in chosen]
        if out and min(out)[0] < current + 0.001:
            current, k = min(out)
            chosen.remove(k)
            steps.append((f"- {k}", current))
            print(f"   took out {k}: log-loss {current:.3f}")
            continue
        tried = [(cv(f"... + {k}", [*chosen, k])[0], k) for k in dict.fromkeys([*CANDIDATES, *BASE])
                 if k not in chosen]
        if tried and min(tried)[0] <= current - 0.001:
            current, k = min(tried)
            chosen.append(k)
            steps.append((f"+ {k}", current))
            print(f"   added {k}: log-loss {current:.3f}")
            continue
        break
    print("== the selection's path: " + "; ".join(f"{name} {ll:.3f}" for name, ll in steps))
    best = cv(f"selected: {', '.join(chosen)}", chosen)
    ll, name, names, lam, p = best
    print(f"chosen: {name}, penalty {lam} (cross-validated log-loss {ll:.3f}; base rate "
          f"{log_loss(y, np.full(len(y), y.mean())):.3f})")
    print("== calibration, out of fold")
    calibration(y, p)
    print("== precision against coverage, out of fold")
    coverage_table(rows, p, (0.0, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7))
    model = fit(matrix(rows, names), y, lam)
    b, w, mean, scale = model
    print("== weights (standardised features: the change in log-odds for one standard deviation)")
    for k, wk in sorted(zip(names, w), key=lambda kv: -abs(kv[1])):
        print(f"   {k:22s} {wk:+.3f}")
    if args.write:
        lines = [
            "# The mention confidence model (wiredesk.events.confidence): logistic regression weights.",
            f"# version: {args.version}",
            "# Fitted by `python bench/mention_confidence.py fit --write` on the labelled trigger-precision samples",
            f"# ({', '.join(Path(f).name for f in tuning_files(args.report))}; label `real`): {len(rows)} mentions",
            f"# that join events, {int(y.sum())} real, from {len({(r['pool'], r['doc']) for r in rows})} documents. "
            f"Features and L2 penalty ({lam})",
            f"# chosen by 10-fold cross-validation leaving whole documents out: log-loss {ll:.3f}, "
            f"AUC {auc(y, p):.3f}.",
            "# A feature's value is standardised ((value - mean) / scale) before its weight applies.",
            "feature\tweight\tmean\tscale",
            f"intercept\t{b:.6f}\t\t",
        ]
        lines += [f"{k}\t{wk:.6f}\t{mk:.6f}\t{sk:.6f}" for k, wk, mk, sk in zip(names, w, mean, scale)]
        WEIGHTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"written to {WEIGHTS}")
    return 0


def threshold(args) -> int:
    model = conf.load()
    rows = rows_with_features(tuning_files(args.report))
    names = list(model.weights)
    y = np.array([r["y"] for r in rows], dtype=float)
    lam = float(next(line.split("penalty (")[1].split(")")[0] for line in WEIGHTS.read_text().splitlines()
                     if "penalty (" in line))
    p = out_of_fold(rows, names, lam)
    print(f"model {model.version}; tuning rows {len(rows)}, out-of-fold probabilities")
    thresholds = [float(t) for t in args.thresholds.split(",")]
    coverage_table(rows, p, thresholds)
    # the cost on the ECB+ tuning topics, with the shipped model (they are not in the labelled samples)
    extractor = DefaultEventExtractor("spacy", n_process=1, confidence=model, min_confidence=0.0)
    complete = complete_sentences()
    occ = []  # per annotated occurrence: the highest confidence of a joining mention overlapping it (-1: none)
    doc_best = []  # per document: the highest confidence of a joining mention (-1: none)
    for _, docs in read_topics(list(TUNING_TOPICS)).items():
        for d, x in zip(docs, extractor.extract_many([d.doc for d in docs])):
            joining = [m for m in x.mentions if groupable(m)]
            doc_best.append(max((m.confidence for m in joining), default=-1.0))
            stem = d.name[:-4]
            for mk in d.markables:
                if mk.kind != "ACTION_OCCURRENCE" or (stem, mk.sentence) not in complete:
                    continue
                hits = [m.confidence for m in joining for s, e in _trigger_spans(m) for a, b in mk.spans
                        if a < e and s < b]
                occ.append(max(hits, default=-1.0))
    occ, doc_best = np.array(occ), np.array(doc_best)
    print(f"ECB+ tuning topics: {len(occ)} annotated occurrences, {len(doc_best)} documents")
    print("   | threshold | occurrences a joining mention overlaps (recall) | documents without an event |")
    for t in [0.0, *thresholds]:
        hit = int((occ >= max(t, 0.0)).sum()) if t > 0 else int((occ >= 0).sum())
        none = int((doc_best < t).sum()) if t > 0 else int((doc_best < 0).sum())
        print(f"   | {t:.2f} | {hit} ({hit / len(occ):.3f}) | {none} ({100 * none / len(doc_best):.1f} %) |")
    return 0


def report(args) -> int:
    """The report sample, scored once: the shipped model's probabilities (and events/8's rule score) against
    ``real``; and how many of its pages a tuning sample already drew from."""
    model = conf.load()
    rows = rows_with_features([str(DATA / args.report)])
    y = np.array([r["y"] for r in rows], dtype=float)
    names = list(model.weights)
    p = np.array([model.probability(r["x"]) for r in rows])
    old = np.array([r["x"]["rule_score"] for r in rows])
    tuned_pages = {(r["pool"], r["doc"]) for f in tuning_files(args.report) for r in _read(f)}
    news = [r for r in rows if r["pool"] == "news-heldout"]
    print(f"report sample {args.report}: {len(rows)} mentions that join events ({int(y.sum())} real); "
          f"{sum((r['pool'], r['doc']) in tuned_pages for r in news)} of its {len(news)} news rows are on pages a "
          f"tuning sample drew from; model {model.version} ({len(names)} features)")
    print(f"AUC: rule score {auc(y, old):.3f}, confidence {auc(y, p):.3f}; log-loss: rule score "
          f"{log_loss(y, old):.3f}, confidence {log_loss(y, p):.3f}")
    calibration(y, p)
    coverage_table(rows, p, [float(t) for t in args.thresholds.split(",")])
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("measure", "fit", "threshold", "report"))
    ap.add_argument("--report", default=REPORT, help="the report sample's file name, never read here")
    ap.add_argument("--write", action="store_true", help="fit: write the weights file")
    ap.add_argument("--version", default="confidence/3", help="fit: the version written in the weights file")
    ap.add_argument("--thresholds", default="0.3,0.35,0.4,0.45,0.5,0.55,0.6")
    args = ap.parse_args(argv)
    return {"measure": measure, "fit": fit_cmd, "threshold": threshold, "report": report}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
