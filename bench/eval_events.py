"""Precision and recall of extracted events against the hand-made gold events of the two seed articles.

    python bench/eval_events.py [--backend auto|spacy|rules] [--json]

What is measured (definitions also in docs/events.md):
- statements (class STATEMENT) are mentions that never make events, and the gold lists events: they are
  left out of every figure below and listed with their speakers.
- mentions: a predicted mention told as happened (``EventMention.happened``: not negated, not hypothetical,
  what a run groups) is correct when it lies in the sentence of a gold mention of the same document and has
  the gold mention's class; each gold mention counts once.
- events: each predicted event maps to the gold event most of its correct mentions belong to. Event
  precision = mapped predicted events / predicted events; recall = gold events with a mapped predicted event
  / gold events. "split" counts gold events spread over several predicted events; "cross-outlet" counts gold
  events reported by both outlets whose reports from both ended up in one predicted event.
- grouping: B-cubed precision/recall/F1 of the correct mentions' predicted events against gold events.
- slots: for each gold event, the predicted event holding most of its mentions is compared slot by slot.
  Slot precision = correct / predicted values; recall = correct / gold values (missed events count as misses).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_ecbplus import bcubed  # noqa: E402
from seed_docs import seed_documents, short_name  # noqa: E402

from wiredesk.events import DefaultEventExtractor, group_mentions  # noqa: E402
from wiredesk.events.group import UNGROUPED, groupable  # noqa: E402
from wiredesk.stories import MemoryStoryStore, StoryDocument, extract_features, load_place_index  # noqa: E402
from wiredesk.stories import Settings as StorySettings  # noqa: E402

GOLD = Path(__file__).resolve().parent / "gold" / "seed_events.json"
SLOTS = ("class", "actor", "actor_country", "target", "target_country", "place", "date", "killed", "wounded",
         "crowd")


def _norm(s: str) -> str:
    return (s.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
            .replace("\u2013", "-").replace("\u2014", "-"))


def _actor_ok(pred, gold) -> bool:
    if pred is None or gold is None:
        return False
    text = f"{pred.name} {pred.text}".lower()
    return any(a in text for a in gold["aliases"])


def _slot_values(ev, gold: dict) -> dict[str, tuple[bool, bool, bool]]:
    """slot → (predicted has a value, gold has a value, correct)."""
    out = {}
    out["class"] = (True, True, ev is not None and ev.event_class == gold["class"])
    if ev is None:
        for s in SLOTS[1:]:
            g = {"actor": gold["actor"], "actor_country": (gold["actor"] or {}).get("country"),
                 "target": gold["target"], "target_country": (gold["target"] or {}).get("country"),
                 "place": gold["place"], "date": gold["date"], "killed": gold["killed"],
                 "wounded": gold["wounded"], "crowd": gold["crowd"]}[s]
            out[s] = (False, g is not None, False)
        out["class"] = (False, True, False)
        return out
    ga, gt = gold["actor"], gold["target"]
    out["actor"] = (ev.actor is not None, ga is not None, _actor_ok(ev.actor, ga))
    out["actor_country"] = (bool(ev.actor and ev.actor.country), bool(ga and ga.get("country")),
                            bool(ev.actor and ga and ev.actor.country == ga.get("country")))
    out["target"] = (ev.target is not None, gt is not None, _actor_ok(ev.target, gt))
    out["target_country"] = (bool(ev.target and ev.target.country), bool(gt and gt.get("country")),
                             bool(ev.target and gt and ev.target.country == gt.get("country")))
    gp = gold["place"]
    out["place"] = (ev.place is not None, gp is not None,
                    bool(ev.place and gp and ev.place.name.lower() == gp["name"].lower()))
    gd = gold["date"]
    ok = bool(gd and ev.date.known and ev.date.start == date.fromisoformat(gd["start"])
              and ev.date.end == date.fromisoformat(gd["end"]) and ev.date.precision == gd["precision"])
    out["date"] = (ev.date.known, gd is not None, ok)
    for key in ("killed", "wounded"):
        out[key] = (getattr(ev, key) is not None, gold[key] is not None,
                    gold[key] is not None and getattr(ev, key) == gold[key])
    gc = gold["crowd"]
    out["crowd"] = (ev.crowd is not None, gc is not None, bool(gc and ev.crowd in gc))
    return out


def evaluate(backend: str = "auto") -> dict:
    gold = json.loads(GOLD.read_text(encoding="utf-8"))
    docs = seed_documents()
    extractor = DefaultEventExtractor(backend)
    extractions = extractor.extract_many(docs)
    mentions = [m for x in extractions for m in x.mentions]
    # the articles' stories, as a run decides them before grouping (the two seeds are one story)
    settings, places = StorySettings(), load_place_index()
    store = MemoryStoryStore(settings)
    store.add([extract_features(StoryDocument(i, d.text, language=d.language, published_at=d.published_at,
                                              outlet=d.source), settings, places) for i, d in enumerate(docs)])
    stories = {docs[a.document_id].doc_key: a.story_id for a in store.assignments}
    events = group_mentions(mentions, entities=[e for x in extractions for e in x.entities],
                            stories=stories)
    event_of = {m.key: ev for ev in events for m in ev.mentions}

    gold_mentions = [(e["id"], gm["doc"], _norm(gm["text"]), gm.get("class", e["class"]))
                     for e in gold["events"] for gm in e["mentions"]]
    used: set[int] = set()
    correct: dict = {}  # mention key → gold event id
    predicted = [m for m in mentions if groupable(m)]
    # statements are mentions without events (the gold lists events): counted apart, each with its speaker
    statements = [(short_name(m.doc_key), m.actor.name if m.actor else None, m.trigger) for m in mentions
                  if m.event_class in UNGROUPED and not m.negated]
    for m in predicted:
        for i, (gid, doc, text, cls) in enumerate(gold_mentions):
            if i in used or short_name(m.doc_key) != doc or cls != m.event_class:
                continue
            if text in _norm(m.sentence):
                used.add(i)
                correct[m.key] = gid
                break
    mention_p = len(correct) / len(predicted) if predicted else 0.0
    mention_r = len(used) / len(gold_mentions)

    # events
    mapped: dict[str, str | None] = {}
    for ev in events:
        votes = Counter(correct[m.key] for m in ev.mentions if m.key in correct)
        mapped[ev.event_id] = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[0][0] if votes else None
    found = {g for g in mapped.values() if g}
    by_gold = defaultdict(list)
    for ev in events:
        if mapped[ev.event_id]:
            by_gold[mapped[ev.event_id]].append(ev)
    event_p = sum(1 for v in mapped.values() if v) / len(events) if events else 0.0
    event_r = len(found) / len(gold["events"])
    split = sum(1 for evs in by_gold.values() if len(evs) > 1)
    both = [e["id"] for e in gold["events"] if {gm["doc"] for gm in e["mentions"]} == {"ap", "sun"}]
    cross = sum(1 for gid in both if any(
        {short_name(m.doc_key) for m in ev.mentions if correct.get(m.key) == gid} == {"ap", "sun"}
        for ev in by_gold.get(gid, [])))

    # B-cubed over correct mentions
    items = list(correct)
    pred_cluster = {k: event_of[k].event_id if k in event_of else f"single:{k}" for k in items}
    bp, br, bf = bcubed(pred_cluster, correct)

    # slots
    totals = {s: [0, 0, 0] for s in SLOTS}  # predicted, gold, correct
    per_event = {}
    for e in gold["events"]:
        candidates = by_gold.get(e["id"], [])
        primary = max(candidates, key=lambda ev: (sum(correct.get(m.key) == e["id"] for m in ev.mentions),
                                                  ev.num_mentions), default=None)
        vals = _slot_values(primary, e)
        per_event[e["id"]] = {s: v[2] for s, v in vals.items()}
        for s, (p, g, ok) in vals.items():
            if s == "class":
                totals[s][0] += int(p)
                totals[s][1] += int(g)
                totals[s][2] += int(ok)
                continue
            totals[s][0] += int(p)
            totals[s][1] += int(g)
            totals[s][2] += int(ok and p and g)
    slots = {s: {"precision": round(c / p, 3) if p else None, "recall": round(c / g, 3) if g else None,
                 "predicted": p, "gold": g, "correct": c} for s, (p, g, c) in totals.items()}
    return {
        "extractor": extractor.describe(),
        "mentions": {"predicted": len(predicted), "gold": len(gold_mentions), "correct": len(used),
                     "precision": round(mention_p, 3), "recall": round(mention_r, 3)},
        "events": {"predicted": len(events), "gold": len(gold["events"]), "found": len(found),
                   "precision": round(event_p, 3), "recall": round(event_r, 3), "split": split,
                   "cross_outlet_grouped": f"{cross}/{len(both)}"},
        "grouping_bcubed": {"precision": round(bp, 3), "recall": round(br, 3), "f1": round(bf, 3)},
        "statements": statements,
        "slots": slots,
        "per_event": per_event,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--backend", default="auto", choices=("auto", "spacy", "rules"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    r = evaluate(args.backend)
    if args.json:
        print(json.dumps(r, indent=2))
        return 0
    print(f"extractor: {r['extractor']}")
    m, e, b = r["mentions"], r["events"], r["grouping_bcubed"]
    print(f"mentions  P {m['precision']:.3f}  R {m['recall']:.3f}  ({m['correct']} of {m['gold']} gold, "
          f"{m['predicted']} predicted)")
    print(f"events    P {e['precision']:.3f}  R {e['recall']:.3f}  ({e['found']} of {e['gold']} gold, "
          f"{e['predicted']} predicted; split {e['split']}; both outlets grouped {e['cross_outlet_grouped']})")
    print(f"grouping  B-cubed P {b['precision']:.3f}  R {b['recall']:.3f}  F1 {b['f1']:.3f}")
    print(f"statements {len(r['statements'])} (mentions only, no events): "
          + "; ".join(f"{doc}: {speaker} {verb}" for doc, speaker, verb in r["statements"]))
    print("slot            P      R    (predicted/gold/correct)")
    for s, v in r["slots"].items():
        p = "  -  " if v["precision"] is None else f"{v['precision']:.3f}"
        rr = "  -  " if v["recall"] is None else f"{v['recall']:.3f}"
        print(f"{s:<14} {p}  {rr}   ({v['predicted']}/{v['gold']}/{v['correct']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
