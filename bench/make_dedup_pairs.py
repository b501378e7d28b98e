"""Generate bench/data/dedup_pairs.jsonl, the labelled near-duplicate evaluation set.

    python bench/make_dedup_pairs.py            # rewrites bench/data/dedup_pairs.jsonl (deterministic)

Method (docs/dedup.md, "Evaluation set"):

* curated pairs written and labelled by hand (bench/dedup_curated.py): copy-desk rewrites, shared quotes,
  templates with other numbers or names, one event told by two outlets, boilerplate;
* the seed pairs the issue quotes, and hard negatives from the seeds: the AP/Sun paragraph pairs with the
  highest word overlap that are not copies (checked by hand; listed in ``SEED_NEGATIVES``);
* generated pairs: copy-desk edit operators applied to base paragraphs (the curated ``BASES`` and the seed
  paragraphs), whose label follows from the operator: ``exact`` (typography only), ``near`` (two small edits:
  inserted or deleted words, synonyms, U.S./US, trimmed tail clause, glued credit, at most a quarter of the
  words), ``partial`` (one run of 12+ words of a paragraph placed among other sentences, at most 60 % of the
  new paragraph) and ``different`` (two unrelated paragraphs).

``generate_pairs`` is also used by bench/eval_dedup.py --corpus to build the same kinds of pair from the aeb
corpus at run time, without copying corpus text into the repository.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from dedup_curated import BASES, PAIRS  # noqa: E402

SEEDS = HERE.parent / "seeds"
OUT = HERE / "data" / "dedup_pairs.jsonl"

AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"
SUN = "the-sun-2019-12-31-baghdad-embassy.txt"
# (AP paragraph index, Sun paragraph index, label, note): the pairs and hand-checked hard negatives.
SEED_PAIRS = [
    (1, 24, "near", "issue: AP lead vs Sun caption"),
    (3, 19, "partial", "issue: shared run inside a longer paragraph"),
]
SUN_INTERNAL = [(21, 18, "near", "issue: Sun caption repeats body paragraph")]
SEED_NEGATIVES = [(4, 24), (7, 22), (0, 24), (8, 3), (0, 15), (1, 1), (9, 24), (4, 15), (0, 9), (3, 21), (0, 14), (2, 6)]

_INSERTS = ["on Monday", "also", "reportedly", "angry", "local", "on Tuesday", "officials said", "early", "now", "large"]
_SYNONYMS = {
    "said": "told reporters", "killed": "left dead", "about": "around", "more than": "over", "strikes": "airstrikes",
    "began": "started", "forced": "compelled", "cut": "reduce", "houses": "homes", "homes": "houses",
    "big": "large", "large": "big", "help": "assist", "ended": "finished", "after": "following",
    "during": "amid", "near": "close to", "announced": "said", "told": "informed", "showed": "indicated",
}
# A sentence ends at . ! ? (maybe followed by a closing quote) before a capital, but not after "U.S." or "Mr.".
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"\u201d]))(?<![A-Z]\.[A-Z]\.)(?<!\bM[rs]\.)(?<!\bDr\.)\s+(?=[A-Z\"\u201c])")


def paragraphs_of(path: Path) -> list[str]:
    return [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s]


# -- edit operators: each takes (rng, words) and returns new words or None when it does not apply ------------

def op_insert(rng, words):
    out = list(words)
    for _ in range(rng.randint(1, 2)):
        out.insert(rng.randint(1, len(out) - 1), rng.choice(_INSERTS))
    return out


def op_delete(rng, words):
    idx = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha() and w.islower() and i > 0]
    if not idx:
        return None
    drop = set(rng.sample(idx, min(len(idx), rng.randint(1, 2))))
    return [w for i, w in enumerate(words) if i not in drop]


def op_synonym(rng, words):
    text = " ".join(words)
    hits = [k for k in _SYNONYMS if re.search(rf"\b{re.escape(k)}\b", text)]
    if not hits:
        return None
    for key in rng.sample(hits, min(len(hits), rng.randint(1, 2))):
        text = re.sub(rf"\b{re.escape(key)}\b", _SYNONYMS[key], text, count=1)
    return text.split(" ")


def op_us(rng, words):
    text = " ".join(words)
    new = text.replace("U.S.", "US") if "U.S." in text else text.replace(" US ", " U.S. ")
    new = new.replace(" percent", "%") if new == text else new
    return None if new == text else new.split(" ")


def op_trim(rng, words):
    text = " ".join(words)
    cut = text.rfind(",")
    if cut > 0 and len(text[cut:].split()) <= 0.25 * len(words):
        return (text[:cut] + ".").split(" ")
    sents = sentences(text)
    if len(sents) >= 3 and len(sents[-1].split()) <= 0.25 * len(words):
        return " ".join(sents[:-1]).split(" ")
    return None


def op_credit(rng, words):
    out = list(words)
    out[-1] = out[-1].rstrip(".") + rng.choice(["Credit: Reuters", "Credit: AP", "Credit: Getty Images"])
    return out


NEAR_OPS = [op_insert, op_delete, op_synonym, op_us, op_trim, op_credit]


def make_near(rng, text):
    words = text.split(" ")
    if len(words) < 12:
        return None
    out, used = words, []
    for op in rng.sample(NEAR_OPS, len(NEAR_OPS)):
        new = op(rng, out)
        if new is not None:
            out, used = new, used + [op.__name__[3:]]
        if len(used) == 2:
            break
    changed = abs(len(out) - len(words)) + sum(1 for a, b in zip(out, words) if a != b) / 4
    if len(used) < 2 or changed > 0.25 * len(words):
        return None
    return " ".join(out), "+".join(used)


def make_exact(rng, text):
    new = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"').replace("\u2014", "-")
    if new == text:
        new = text.replace("'", "\u2019").replace(" - ", " \u2013 ")
    words = new.split(" ")
    i = rng.randrange(len(words))
    words[i] = words[i].upper() if rng.random() < 0.5 else words[i] + " "
    return " ".join(words).replace("  ", " \u00a0" if rng.random() < 0.5 else "  ")


def make_partial(rng, text, others):
    sents = sentences(text)
    runs = [s for s in sents if 12 <= len(s.split()) <= 0.6 * len(text.split())] if len(sents) > 1 else []
    if not runs:
        words = text.split(" ")
        if len(words) < 30:
            return None
        start = rng.randint(0, len(words) - 14)
        runs = [" ".join(words[start : start + rng.randint(12, min(18, len(words) - start))])]
    run = rng.choice(runs)
    filler = [s for o in rng.sample(others, 3) for s in sentences(o) if len(s.split()) >= 10][:2]
    if len(filler) < 2:
        return None
    parts = filler[:]
    parts.insert(rng.randint(0, len(parts)), run)
    new = " ".join(parts)
    if len(run.split()) > 0.6 * len(new.split()):
        return None
    return new


def generate_pairs(bases: list[str], rng: random.Random, origin: str, per_base: int = 1,
                   related: set[frozenset[str]] = frozenset()) -> list[dict]:
    """Operator-labelled pairs from a list of base paragraphs (see the module docstring); ``related`` lists
    base pairs known to be duplicates, never drawn as "unrelated"."""
    out = []
    usable = [b for b in bases if len(b.split()) >= 12]
    for i, base in enumerate(usable):
        others = usable[:i] + usable[i + 1 :]
        for _ in range(per_base):
            near = make_near(rng, base)
            if near:
                out.append({"label": "near", "a": base, "b": near[0], "origin": f"{origin}:near:{near[1]}"})
            partial = make_partial(rng, base, others)
            if partial:
                out.append({"label": "partial", "a": base, "b": partial, "origin": f"{origin}:partial"})
            if rng.random() < 0.3:
                out.append({"label": "exact", "a": base, "b": make_exact(rng, base), "origin": f"{origin}:exact"})
            other = rng.choice(others)
            if frozenset((base, other)) not in related:
                out.append({"label": "different", "a": base, "b": other, "origin": f"{origin}:unrelated"})
    return out


def build() -> list[dict]:
    rng = random.Random(20191231)
    pairs = [{"label": lab, "a": a, "b": b, "origin": "curated", "note": note} for lab, a, b, note in PAIRS]
    ap, sun = paragraphs_of(SEEDS / AP), paragraphs_of(SEEDS / SUN)
    for i, j, lab, note in SEED_PAIRS:
        pairs.append({"label": lab, "a": ap[i], "b": sun[j], "origin": "seeds", "note": note})
    for i, j, lab, note in SUN_INTERNAL:
        pairs.append({"label": lab, "a": sun[i], "b": sun[j], "origin": "seeds", "note": note})
    for i, j in SEED_NEGATIVES:
        pairs.append({"label": "different", "a": ap[i], "b": sun[j], "origin": "seeds",
                      "note": "same event told differently (hand-checked)"})
    seed_bases = [p for p in ap + sun if len(p.split()) >= 15 and ">>>" not in p]
    related = {frozenset((ap[i], sun[j])) for i, j, *_ in SEED_PAIRS} | {frozenset((sun[i], sun[j])) for i, j, *_ in SUN_INTERNAL}
    pairs += generate_pairs(BASES + seed_bases, rng, "generated", per_base=2, related=related)
    for n, pair in enumerate(pairs):
        pair["id"] = n
    return pairs


def main() -> None:
    pairs = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8") as fh:
        for pair in pairs:
            fh.write(json.dumps({k: pair[k] for k in ("id", "label", "origin", "note", "a", "b") if k in pair},
                                ensure_ascii=False) + "\n")
    counts = {}
    for p in pairs:
        counts[p["label"]] = counts.get(p["label"], 0) + 1
    print(f"wrote {len(pairs)} pairs to {OUT.relative_to(HERE.parent)}: {counts}")


if __name__ == "__main__":
    main()
