"""Event grouping and trigger recall on ECB+ (each topic: two look-alike real-world events, many outlets).

    python bench/eval_ecbplus.py [--backend auto|spacy|rules] [--topics 1,3,8] [--json]

Reads ../shared/corpus/ecbplus relative to the repository root ($WIREDESK_CORPUS overrides the corpus
folder); exits 0 with a message when it is absent.

1. Grouping of documents' main events, per topic: every document of a topic is extracted and all their
   mentions grouped with ``group_mentions``; a document's main event is the event of its first
   highest-confidence mention in its first three sentences (else its first mention). Documents are then
   clustered by main event and scored with B-cubed against the gold split (``N_Mecb`` vs ``N_Mecbplus``),
   averaged over documents. Baselines: one cluster per topic, one cluster per document, and one cluster per
   event class. Documents where nothing is extracted stay alone.
2. Trigger recall: annotated ACTION_OCCURRENCE mentions in the sentences ECB+ marks as completely annotated
   that overlap a trigger we extract (any class). Trigger precision there: extracted triggers overlapping
   any annotated ACTION_* / NEG_ACTION_* mention.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import complete_sentences, corpus_dir, read_topics  # noqa: E402

from wiredesk.events import DefaultEventExtractor, group_mentions  # noqa: E402


def bcubed(pred: dict[str, str], gold: dict[str, str]) -> tuple[float, float, float]:
    items = list(gold)
    if not items:
        return 0.0, 0.0, 0.0
    p = r = 0.0
    for i in items:
        same_p = [j for j in items if pred[j] == pred[i]]
        same_g = [j for j in items if gold[j] == gold[i]]
        both = [j for j in same_p if gold[j] == gold[i]]
        p += len(both) / len(same_p)
        r += len(both) / len(same_g)
    p, r = p / len(items), r / len(items)
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main_mention(mentions):
    ms = [m for m in mentions if not m.negated]
    if not ms:
        return None
    early = [m for m in ms if m.sentence_index < 3] or ms
    return max(early, key=lambda m: (m.confidence, -m.sentence_index, -m.trigger_start))


def evaluate(backend: str = "auto", topics: list[int] | None = None) -> dict:
    data = read_topics(topics)
    complete = complete_sentences()
    extractor = DefaultEventExtractor(backend)
    totals = defaultdict(lambda: [0.0, 0.0, 0.0])
    n_docs = n_with_main = 0
    hit = n_gold = n_pred = n_pred_ok = 0
    words = 0
    started = time.perf_counter()
    per_topic = {}
    for topic, docs in data.items():
        extractions = extractor.extract_many([d.doc for d in docs])
        words += sum(len(d.doc.text.split()) for d in docs)
        mentions = [m for x in extractions for m in x.mentions]
        events = group_mentions(mentions, entities=[e for x in extractions for e in x.entities])
        event_of = {m.key: e.event_id for e in events for m in e.mentions}
        gold, pred, by_class, one, single = {}, {}, {}, {}, {}
        for d, x in zip(docs, extractions):
            gold[d.name] = d.subtopic
            main = main_mention(x.mentions)
            n_docs += 1
            if main is not None:
                n_with_main += 1
            pred[d.name] = event_of.get(main.key, d.name) if main else d.name
            by_class[d.name] = main.event_class if main else d.name
            one[d.name] = "all"
            single[d.name] = d.name
            # triggers vs annotated action mentions, in completely annotated sentences only
            stem = d.name[:-4]
            for mk in d.markables:
                if mk.kind == "ACTION_OCCURRENCE" and (stem, mk.sentence) in complete:
                    n_gold += 1
                    if any(a < m.trigger_end and m.trigger_start < b for m in x.mentions for a, b in mk.spans):
                        hit += 1
            actions = [s for mk in d.markables if "ACTION" in mk.kind for s in mk.spans]
            for m in x.mentions:
                sent = next((s for a, b, s in d.sentence_of_offset if a <= m.trigger_start < b), None)
                if (stem, sent) in complete:
                    n_pred += 1
                    n_pred_ok += any(a < m.trigger_end and m.trigger_start < b for a, b in actions)
        for label, clusters in (("wiredesk", pred), ("one_per_topic", one), ("one_per_document", single),
                                ("one_per_class", by_class)):
            p, r, f = bcubed(clusters, gold)
            k = len(gold)
            totals[label][0] += p * k
            totals[label][1] += r * k
            totals[label][2] += f * k
        per_topic[topic] = round(bcubed(pred, gold)[2], 3)
    seconds = time.perf_counter() - started
    grouping = {label: {"precision": round(v[0] / n_docs, 3), "recall": round(v[1] / n_docs, 3),
                        "f1": round(v[2] / n_docs, 3)} for label, v in totals.items()}
    return {
        "extractor": extractor.describe(),
        "topics": len(data), "documents": n_docs, "documents_with_a_main_event": n_with_main,
        "doc_grouping_bcubed": grouping,
        "per_topic_f1": per_topic,
        "action_occurrence_recall": round(hit / n_gold, 3) if n_gold else None,
        "action_occurrence": {"gold": n_gold, "found": hit},
        "trigger_precision_vs_any_action": round(n_pred_ok / n_pred, 3) if n_pred else None,
        "seconds": round(seconds, 1), "words": words,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="auto", choices=("auto", "spacy", "rules"))
    ap.add_argument("--topics", default="", help="comma-separated topic numbers (default: all)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"ECB+ not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to evaluate")
        return 0
    topics = [int(t) for t in args.topics.split(",") if t] or None
    r = evaluate(args.backend, topics)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"extractor: {r['extractor']}")
    print(f"{r['topics']} topics, {r['documents']} documents ({r['documents_with_a_main_event']} with a main event), "
          f"{r['words']} words in {r['seconds']} s")
    print("document grouping, B-cubed over documents (P / R / F1):")
    for label, v in r["doc_grouping_bcubed"].items():
        print(f"  {label:<18} {v['precision']:.3f} / {v['recall']:.3f} / {v['f1']:.3f}")
    a = r["action_occurrence"]
    print(f"ACTION_OCCURRENCE recall by triggers: {r['action_occurrence_recall']} ({a['found']} of {a['gold']})")
    print(f"trigger precision against any annotated action: {r['trigger_precision_vs_any_action']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
