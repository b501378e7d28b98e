"""Event grouping and trigger recall on ECB+ (each topic: two look-alike real-world events, many outlets).

    python bench/eval_ecbplus.py [--backend auto|spacy|rules] [--split tuning|reporting|both] [--topics 1,3]
                                 [--errors FILE] [--since "lexicon 5"] [--json]

Reads ../shared/corpus/ecbplus relative to the repository root ($WIREDESK_CORPUS overrides the corpus
folder); exits 0 with a message when it is absent.

Topics 1-35 are split in two (``TUNING_TOPICS``: odd ids, ``REPORTING_TOPICS``: even ids). Lexicon and rules
were tuned, and error analysis (``--errors``) is done, on the tuning topics only; the reporting topics are
for reporting. Every figure is given per split.

1. Grouping of documents' main events, per topic: every document of a topic is extracted and all their
   mentions grouped with ``group_mentions``; a document's main event is the event of its first
   highest-confidence mention in its first three sentences (else its first mention). Documents are then
   clustered by main event and scored with B-cubed against the gold split (``N_Mecb`` vs ``N_Mecbplus``),
   averaged over documents. Baselines: one cluster per topic, one cluster per document, and one cluster per
   event class. Documents where nothing is extracted stay alone.
2. Trigger recall: annotated action mentions in the sentences ECB+ marks as completely annotated
   (``ECBplus_coreference_sentences.csv``) that overlap a trigger we extract (any class; a trigger merged
   into a mention counts). Reported for ACTION_OCCURRENCE (what happened: the issue's measure) and for all
   annotated actions (every ACTION_* and NEG_ACTION_* class: occurrences, and reporting "said", states
   "is the leader", aspectual "began", perception, causative, generic), and per class. Trigger precision,
   in those sentences only: extracted triggers overlapping any annotated action mention; and, stricter,
   overlapping an ACTION_OCCURRENCE / NEG_ACTION_OCCURRENCE.
3. Documents with no event: documents where extraction gives no mention that can make an event: told as
   happened (not negated, no modality of ``wiredesk.events.model.UNREALISED``: "if confirmed", "could face
   charges") and not a statement (``STATEMENT``, mentions only). Grouping, as in a run, gets only mentions
   told as happened (``EventMention.happened``).
4. Mention-level cross-document coreference, per topic: the annotated action mentions (complete sentences)
   that one of our triggers overlaps, clustered by our events (``group_mentions`` over the topic) against
   ECB+'s coreference instances (a mention in no relation is a singleton); MUC, B-cubed, CEAF-e and their
   mean, CoNLL F1, pooled over the topics' mentions (each topic scored alone, the sums weighted by its
   mentions). Baseline on the same mentions: "same trigger words within the topic" (our trigger's lemma).
   Also ACTION_OCCURRENCE mentions only. Negated mentions belong to no event: each is a singleton.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from coref_scores import conll_f1  # noqa: E402
from ecbplus import complete_sentences, corpus_dir, read_topics  # noqa: E402
from splits import pick_runs  # noqa: E402

from wiredesk.events import DefaultEventExtractor, group_mentions  # noqa: E402
from wiredesk.events.group import UNGROUPED  # noqa: E402
from wiredesk.stories import MemoryStoryStore, StoryDocument, extract_features, load_place_index  # noqa: E402
from wiredesk.stories import Settings as StorySettings  # noqa: E402

#: Topics tuned on (lexicon, rules, error analysis): the odd ids of 1-35. The even ids are for reporting.
TUNING_TOPICS = tuple(range(1, 36, 2))
REPORTING_TOPICS = tuple(range(2, 36, 2))
SPLITS = {"tuning": TUNING_TOPICS, "reporting": REPORTING_TOPICS}


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
    ms = [m for m in mentions if m.happened and m.event_class not in UNGROUPED]
    if not ms:
        return None
    early = [m for m in ms if m.sentence_index < 3] or ms
    return max(early, key=lambda m: (m.confidence, -m.sentence_index, -m.trigger_start))


def stories_of(data: dict) -> dict[str, int]:
    """doc_key -> story id: every document of ``data`` through the story layer as one stream (topics and files
    in order, batches of 25), as a run would decide them."""
    settings, places = StorySettings(), load_place_index()
    keys = [d.doc.doc_key for docs in data.values() for d in docs]
    texts = [d.doc.text for docs in data.values() for d in docs]
    features = [extract_features(StoryDocument(i, t), settings, places) for i, t in enumerate(texts)]
    store = MemoryStoryStore(settings)
    for k in range(0, len(features), 25):
        store.add(features[k:k + 25])
    return {keys[a.document_id]: a.story_id for a in store.assignments}


def evaluate(backend: str = "auto", topics: list[int] | None = None, extractor=None,
             errors: dict | None = None, new: set | None = None) -> dict:
    """Figures over ``topics`` (default: all). ``errors``, when given, collects missed actions and triggers
    outside any annotated action (for error analysis: pass it only for tuning topics). ``new``: (lemma,
    class, code) of lexicon entries whose triggers' precision is also reported on their own (counts only)."""
    data = read_topics(topics)
    complete = complete_sentences()
    extractor = extractor or DefaultEventExtractor(backend)
    totals = defaultdict(lambda: [0.0, 0.0, 0.0])
    n_docs = n_with_main = n_without_event = 0
    hit = n_gold = n_pred = n_pred_ok = n_pred_occ = 0
    new_counts = [0, 0, 0]  # triggers of the ``new`` entries in annotated sentences, of them on any action, on occurrences
    by_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # annotated class -> [found, gold]
    coref = {"all": defaultdict(list), "occurrence": defaultdict(list)}  # -> label -> [(scores, n)]
    words = 0
    started = time.perf_counter()
    per_topic = {}
    story_of = stories_of(data)
    for topic, docs in data.items():
        extractions = extractor.extract_many([d.doc for d in docs])
        words += sum(len(d.doc.text.split()) for d in docs)
        mentions = [m for x in extractions for m in x.mentions]
        entities = [e for x in extractions for e in x.entities]
        real = [m for m in mentions if m.happened]  # what a run groups (``wiredesk.events.regroup``)
        events = group_mentions(real, entities=entities, stories=story_of)
        event_of = {m.key: e.event_id for e in events for m in e.mentions}
        plain_of = {m.key: e.event_id for e in group_mentions(real, entities=entities) for m in e.mentions}
        gold, pred, by_class, one, single = {}, {}, {}, {}, {}
        gold_of, ours_of, plain, lemma_of, occurrence_keys = {}, {}, {}, {}, []
        for d, x in zip(docs, extractions):
            gold[d.name] = d.subtopic
            main = main_mention(x.mentions)
            n_docs += 1
            if main is not None:
                n_with_main += 1
            else:
                n_without_event += 1
            pred[d.name] = event_of.get(main.key, d.name) if main else d.name
            by_class[d.name] = main.event_class if main else d.name
            one[d.name] = "all"
            single[d.name] = d.name
            # triggers vs annotated action mentions, in completely annotated sentences only
            stem = d.name[:-4]
            text = d.doc.text
            for mk in d.markables:
                if "ACTION" not in mk.kind or (stem, mk.sentence) not in complete:
                    continue
                found = next((m for m in x.mentions for s, e in _trigger_spans(m) for a, b in mk.spans
                              if a < e and s < b), None)
                by_kind[mk.kind][0] += found is not None
                by_kind[mk.kind][1] += 1
                if found is not None:
                    key = (d.name, mk.m_id)
                    gold_of[key] = mk.instance or f"{d.name}/{mk.m_id}"
                    ours_of[key] = event_of.get(found.key, f"alone/{found.key}")  # negated or a statement
                    plain[key] = plain_of.get(found.key, f"alone/{found.key}")
                    lemma_of[key] = _lemma(found)
                    if mk.kind == "ACTION_OCCURRENCE":
                        occurrence_keys.append(key)
                if mk.kind == "ACTION_OCCURRENCE":
                    n_gold += 1
                    if found is not None:
                        hit += 1
                    elif errors is not None:
                        words_of = " ".join(text[a:b] for a, b in mk.spans).lower()
                        errors.setdefault("missed", []).append((words_of, _sentence_of(d, mk.spans[0][0])))
            actions = [s for mk in d.markables if "ACTION" in mk.kind for s in mk.spans]
            occurrences = [s for mk in d.markables if mk.kind.endswith("ACTION_OCCURRENCE") for s in mk.spans]
            for m in x.mentions:
                sent = next((s for a, b, s in d.sentence_of_offset if a <= m.trigger_start < b), None)
                if (stem, sent) in complete:
                    n_pred += 1
                    ok = any(a < m.trigger_end and m.trigger_start < b for a, b in actions)
                    n_pred_ok += ok
                    occ = any(a < m.trigger_end and m.trigger_start < b for a, b in occurrences)
                    n_pred_occ += occ
                    if new and (m.trigger_lemma, m.event_class, m.cameo or "-") in new:
                        new_counts[0] += 1
                        new_counts[1] += ok
                        new_counts[2] += occ
                    if not ok and errors is not None:
                        errors.setdefault("false", []).append((m.trigger_lemma or m.trigger.lower(), m.event_class,
                                                               m.sentence))
        for label, clusters in (("wiredesk", pred), ("one_per_topic", one), ("one_per_document", single),
                                ("one_per_class", by_class)):
            p, r, f = bcubed(clusters, gold)
            k = len(gold)
            totals[label][0] += p * k
            totals[label][1] += r * k
            totals[label][2] += f * k
        per_topic[topic] = round(bcubed(pred, gold)[2], 3)
        for name, keys in (("all", list(gold_of)), ("occurrence", occurrence_keys)):
            if keys:
                key = {k: gold_of[k] for k in keys}
                coref[name]["wiredesk"].append((conll_f1(key, {k: ours_of[k] for k in keys}), len(keys)))
                coref[name]["wiredesk_without_stories"].append((conll_f1(key, {k: plain[k] for k in keys}),
                                                                  len(keys)))
                coref[name]["same_trigger_lemma"].append((conll_f1(key, {k: lemma_of[k] for k in keys}), len(keys)))
    seconds = time.perf_counter() - started
    grouping = {label: {"precision": round(v[0] / n_docs, 3), "recall": round(v[1] / n_docs, 3),
                        "f1": round(v[2] / n_docs, 3)} for label, v in totals.items()}
    return {
        "extractor": extractor.describe(),
        "topics": sorted(data), "documents": n_docs, "documents_with_a_main_event": n_with_main,
        "documents_without_event": n_without_event,
        "documents_without_event_share": round(n_without_event / n_docs, 3) if n_docs else None,
        "doc_grouping_bcubed": grouping,
        "per_topic_f1": per_topic,
        "action_occurrence_recall": round(hit / n_gold, 3) if n_gold else None,
        "action_occurrence": {"gold": n_gold, "found": hit},
        "all_actions_recall": round(sum(v[0] for v in by_kind.values()) / max(1, sum(v[1] for v in by_kind.values())), 3),
        "recall_by_annotated_class": {k: {"found": v[0], "gold": v[1], "recall": round(v[0] / v[1], 3)}
                                      for k, v in sorted(by_kind.items(), key=lambda kv: -kv[1][1])},
        "mention_coreference": {name: {label: _pooled(rows) for label, rows in labels.items()}
                                for name, labels in coref.items()},
        "trigger_precision_vs_any_action": round(n_pred_ok / n_pred, 3) if n_pred else None,
        "trigger_precision_vs_occurrence": round(n_pred_occ / n_pred, 3) if n_pred else None,
        "triggers_in_annotated_sentences": n_pred,
        "new_entry_triggers": ({"triggers": new_counts[0], "on_any_action": new_counts[1],
                                "on_occurrence": new_counts[2]} if new else None),
        "seconds": round(seconds, 1), "words": words,
    }


def _pooled(rows: list[tuple[dict, int]]) -> dict:
    n = sum(k for _, k in rows)
    out = {metric: round(sum(sc[metric] * k for sc, k in rows) / n, 3) for metric in ("muc", "b3", "ceafe", "conll")}
    out["mentions"] = n
    return out


def _lemma(m) -> str:
    return m.trigger_lemma or m.trigger.lower()


def _trigger_spans(m) -> list[tuple[int, int]]:
    """The mention's trigger and the triggers merged into it ("shot and killed": both words were found)."""
    return [(m.trigger_start, m.trigger_end), *m.merged_triggers]


def _sentence_of(d, offset: int) -> str:
    text = d.doc.text
    for a, b, _ in d.sentence_of_offset:
        if a <= offset < b:
            return text[a:b]
    return ""


def write_errors(errors: dict, path: str) -> None:
    """Missed actions and triggers outside annotated actions, most frequent words first, with examples."""
    lines = []
    for kind, title in (("missed", "ACTION_OCCURRENCE mentions no trigger overlaps"),
                        ("false", "triggers overlapping no annotated action")):
        items = errors.get(kind, [])
        counts = Counter(item[0] if kind == "missed" else f"{item[0]} ({item[1]})" for item in items)
        lines.append(f"## {title}: {len(items)}")
        examples = defaultdict(list)
        for item in items:
            key = item[0] if kind == "missed" else f"{item[0]} ({item[1]})"
            if len(examples[key]) < 2:
                examples[key].append(item[-1])
        for key, n in counts.most_common():
            lines.append(f"{n}\t{key}\t" + " | ".join(examples[key]))
        lines.append("")
    Path(path).write_text("\n".join(lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="auto", choices=("auto", "spacy", "rules"))
    ap.add_argument("--split", default="both", choices=("tuning", "reporting", "both"),
                    help="tuning topics (odd ids), reporting topics (even ids), or each of them (default)")
    ap.add_argument("--topics", default="", help="comma-separated topic numbers (overrides --split)")
    ap.add_argument("--errors", default="", help="write error analysis of the TUNING topics to this file")
    ap.add_argument("--since", default="", help="also count the triggers of the entries of the triggers.tsv "
                    "section whose comment line contains this (e.g. 'lexicon 5'): how many, how many on an action")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"ECB+ not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to evaluate")
        return 0
    extractor = DefaultEventExtractor(args.backend)
    runs = pick_runs(args.topics, args.split, SPLITS, "topics")
    results = {}
    for name, topics in runs.items():
        errors = {} if args.errors and name == "tuning" else None
        new = None
        if args.since:
            from eval_news_coverage import new_entries
            new = new_entries(args.since)
        results[name] = evaluate(args.backend, topics, extractor=extractor, errors=errors, new=new)
        if errors is not None:
            write_errors(errors, args.errors)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for name, r in results.items():
        print(f"== {name}: topics {','.join(map(str, r['topics']))}")
        print(f"extractor: {r['extractor']}")
        print(f"{len(r['topics'])} topics, {r['documents']} documents ({r['documents_without_event']} without an "
              f"event: {r['documents_without_event_share']}), {r['words']} words in {r['seconds']} s")
        print("document grouping, B-cubed over documents (P / R / F1):")
        for label, v in r["doc_grouping_bcubed"].items():
            print(f"  {label:<18} {v['precision']:.3f} / {v['recall']:.3f} / {v['f1']:.3f}")
        a = r["action_occurrence"]
        print(f"ACTION_OCCURRENCE recall by triggers: {r['action_occurrence_recall']} ({a['found']} of {a['gold']})")
        print(f"all annotated actions (ACTION_* and NEG_ACTION_*) recall: {r['all_actions_recall']}")
        print("  " + ", ".join(f"{k} {v['recall']} ({v['found']}/{v['gold']})"
                               for k, v in r["recall_by_annotated_class"].items()))
        print(f"trigger precision ({r['triggers_in_annotated_sentences']} triggers in annotated sentences): "
              f"{r['trigger_precision_vs_any_action']} vs any annotated action, "
              f"{r['trigger_precision_vs_occurrence']} vs occurrences only")
        if r["new_entry_triggers"]:
            v = r["new_entry_triggers"]
            print(f"  of them from the entries of '{args.since}': {v['triggers']}, {v['on_any_action']} on an annotated "
                  f"action, {v['on_occurrence']} on an occurrence")
        for name, labels in r["mention_coreference"].items():
            print(f"mention coreference ({name} annotated actions found), CoNLL F1 (MUC / B3 / CEAF-e):")
            for label, v in labels.items():
                print(f"  {label:<24} {v['conll']:.3f} ({v['muc']:.3f} / {v['b3']:.3f} / {v['ceafe']:.3f}), "
                      f"{v['mentions']} mentions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
