"""What ECB+ action recall would a rule "every verb is an event" buy, and at what cost? An experiment, not
wiredesk's extractor: the answer to "can the recall target be met without junk?".

    python bench/ecbplus_generic_verbs.py [--split tuning|reporting|both] [--examples N]

For the documents of a split, in the completely annotated sentences (``ECBplus_coreference_sentences.csv``),
the triggers wiredesk extracts are joined by *generic verb triggers* from the same spaCy parse:

- ``verbs``: every token tagged VERB, except auxiliaries, light and mental verbs (``STOP``);
- ``verbs with a named subject``: the same, when the verb's subject is a named entity (a person,
  organization, place or nationality) or a proper noun.

For each it prints ACTION_OCCURRENCE recall, precision against any annotated action, how many triggers
were added, and (``--examples``, tuning topics only) the most frequent added verbs with a sentence each:
the words a reader would find in the events table.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ecbplus import complete_sentences, corpus_dir, read_topics  # noqa: E402
from eval_ecbplus import SPLITS, _trigger_spans  # noqa: E402

from wiredesk.events import DefaultEventExtractor  # noqa: E402

#: Verbs no reader would call an event: auxiliaries, copulas, light, mental and reporting verbs (reporting
#: verbs are wiredesk's STATEMENT class, with a named speaker).
STOP = set("""be have do will would can could may might shall should must get make go come take give use know think
see want seem become include accord say tell need look feel try let keep begin start continue appear remain
expect hope believe consider mean like allow help put set call show find ask leave turn""".split())
NAMED = {"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"}


def evaluate(topics: list[int], extractor: DefaultEventExtractor, examples: Counter | None = None) -> dict:
    complete = complete_sentences()
    nlp = extractor.backend.nlp
    labels = ("wiredesk", "verbs", "verbs with a named subject")
    found, pred, ok = dict.fromkeys(labels, 0), dict.fromkeys(labels, 0), dict.fromkeys(labels, 0)
    n_gold = 0
    for _, docs in read_topics(topics).items():
        for d, x in zip(docs, extractor.extract_many([d.doc for d in docs])):
            stem, text = d.name[:-4], d.doc.text
            ours = [s for m in x.mentions for s in _trigger_spans(m)]
            actions = [s for mk in d.markables if "ACTION" in mk.kind for s in mk.spans]
            for a, b, s in d.sentence_of_offset:
                if (stem, s) not in complete:
                    continue
                doc = nlp(text[a:b])
                generic = {"verbs": [], "verbs with a named subject": []}
                for t in doc:
                    if t.pos_ != "VERB" or t.lemma_.lower() in STOP:
                        continue
                    span = (a + t.idx, a + t.idx + len(t.text))
                    generic["verbs"].append(span)
                    subj = [c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")]
                    if subj and (subj[0].ent_type_ in NAMED or subj[0].pos_ == "PROPN"):
                        generic["verbs with a named subject"].append(span)
                        if examples is not None and not any(p < span[1] and span[0] < q for p, q in ours):
                            examples[(t.lemma_.lower(), text[a:b][:140])] += 1
                spans = {"wiredesk": [sp for sp in ours if a <= sp[0] < b]}
                for k, v in generic.items():
                    spans[k] = spans["wiredesk"] + [sp for sp in v if not any(p < sp[1] and sp[0] < q
                                                                                 for p, q in spans["wiredesk"])]
                for k, v in spans.items():
                    pred[k] += len(v)
                    ok[k] += sum(any(p < q2 and p2 < q for p2, q2 in actions) for p, q in v)
                for mk in d.markables:
                    if mk.kind != "ACTION_OCCURRENCE" or mk.sentence != s:
                        continue
                    n_gold += 1
                    for k, v in spans.items():
                        found[k] += any(p < q2 and p2 < q for p, q in v for p2, q2 in mk.spans)
    out: dict = {k: {"recall": round(found[k] / n_gold, 3), "precision": round(ok[k] / pred[k], 3) if pred[k] else None,
                     "triggers": pred[k]} for k in labels}
    out["gold"] = n_gold
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="both", choices=("tuning", "reporting", "both"))
    ap.add_argument("--examples", type=int, default=0, help="list this many added verbs (tuning topics only)")
    args = ap.parse_args(argv)
    if not corpus_dir().is_dir():
        print(f"ECB+ not found at {corpus_dir()} (set WIREDESK_CORPUS); nothing to evaluate")
        return 0
    extractor = DefaultEventExtractor("spacy", n_process=1)
    names = list(SPLITS) if args.split == "both" else [args.split]
    for name in names:
        examples: Counter | None = Counter() if args.examples and name == "tuning" else None
        r = evaluate(list(SPLITS[name]), extractor, examples)
        print(f"== {name}: {r.pop('gold')} ACTION_OCCURRENCE mentions in completely annotated sentences")
        for k, v in r.items():
            print(f"  {k:<28} recall {v['recall']:.3f}  precision vs any action {v['precision']:.3f}  "
                  f"({v['triggers']} triggers)")
        if examples:
            lemmas = Counter()
            for (lemma, _), n in examples.items():
                lemmas[lemma] += n
            print("  verbs with a named subject that wiredesk does not extract, most frequent first:")
            for lemma, n in lemmas.most_common(args.examples):
                sentence = next(s for (lem, s) in examples if lem == lemma)
                print(f"    {n:>3} {lemma:<12} {sentence}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
