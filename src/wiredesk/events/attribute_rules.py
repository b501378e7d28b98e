"""spaCy's ``attribute_ruler`` rules applied by dictionary look-up instead of through its Matcher.

The attribute ruler of spaCy's pipelines sets each token's coarse part of speech and morphology from its
fine-grained tag, and fixes a few words ("gets" → lemma "get"). It runs every one of its patterns through
spaCy's ``Matcher`` at every token, which costs about as much as the dependency parser on news sentences
(about 12 % of ``en_core_web_sm``'s time; BENCHMARKS.md, Events, Speed). Its patterns are short (one or
two tokens) and test four attributes (TAG, LOWER, DEP, IS_SPACE) by equality, membership or a regular
expression, so ``AttributeRules`` finds the same matches by looking each token's word and tag up in an
index of the patterns, and applies them exactly as the ruler does: every match found first on the tokens
as they are, then the rules' attributes set in rule order (a later rule overrides an earlier one), on the
token at the rule's index. ``from_ruler`` returns ``None`` for a ruler with any other kind of pattern
(another attribute, an operator such as ``OP`` or ``>=``): that pipeline keeps spaCy's own component.

What it is not: a rule set of its own. The rules are read from the loaded pipeline; nothing is changed.
"""

from __future__ import annotations

import re
from typing import Any

#: Token attributes a pattern may test, with how to read them from a spaCy token.
_READ = {"TAG": lambda t: t.tag_, "LOWER": lambda t: t.lower_, "DEP": lambda t: t.dep_,
         "IS_SPACE": lambda t: t.is_space}
#: Where a pattern is indexed: the first of these its first token tests for equality or membership (the
#: word first: fewer patterns share a word than a tag).
_KEYS = ("LOWER", "TAG", "DEP", "IS_SPACE")

#: One test of one token: (attribute, operator, value), the operator "==", "IN", "NOT_IN" or "REGEX" (the
#: value then a set of values or a compiled expression, searched in the attribute as spaCy's Matcher does).
Test = tuple[str, str, Any]


def _tests(token: dict) -> tuple[Test, ...] | None:
    """The tests of one token pattern, or None when it asks for something these rules do not read."""
    tests: list[Test] = []
    for attr, value in token.items():
        if attr not in _READ:
            return None
        if not isinstance(value, dict):
            if isinstance(value, (list, set)):
                return None
            tests.append((attr, "==", value))
            continue
        for op, arg in value.items():
            if op in ("IN", "NOT_IN") and isinstance(arg, (list, tuple, set)):
                tests.append((attr, op, frozenset(arg)))
            elif op == "REGEX" and isinstance(arg, str):
                tests.append((attr, op, re.compile(arg)))
            else:
                return None
    return tuple(tests) if tests else None


def _passes(test: Test, value) -> bool:
    _, op, arg = test
    if op == "==":
        return value == arg
    if op == "IN":
        return value in arg
    if op == "NOT_IN":
        return value not in arg
    return isinstance(value, str) and arg.search(value) is not None


class AttributeRules:
    """The rules of one ``AttributeRuler``: ``(rule index, token patterns, target index, attributes)``.

    Call it on a ``Doc`` (as a pipeline component) to set the attributes the ruler would set."""

    def __init__(self, rules: list[tuple[int, list[tuple[tuple[Test, ...], ...]], int, dict]]) -> None:
        self.rules = rules
        #: (attribute, value) a pattern's first token needs → [(rule, the pattern's tokens)]
        self._index: dict[tuple[str, Any], list[tuple[int, tuple[tuple[Test, ...], ...]]]] = {}
        #: patterns whose first token has no such test: tried at every token
        self._anywhere: list[tuple[int, tuple[tuple[Test, ...], ...]]] = []
        for rule, patterns, _, _ in rules:
            for pattern in patterns:
                keys = self._keys(pattern[0])
                if keys is None:
                    self._anywhere.append((rule, pattern))
                for key in keys or ():
                    self._index.setdefault(key, []).append((rule, pattern))
        self._targets = {rule: (index, attrs) for rule, _, index, attrs in rules}

    @staticmethod
    def _keys(first: tuple[Test, ...]) -> list[tuple[str, Any]] | None:
        for attr in _KEYS:
            for a, op, arg in first:
                if a == attr and op == "==":
                    return [(attr, arg)]
                if a == attr and op == "IN":
                    return [(attr, v) for v in arg]
        return None

    @classmethod
    def from_ruler(cls, ruler) -> "AttributeRules | None":
        """The rules of a spaCy ``AttributeRuler``, or ``None`` when one of its patterns tests something
        else than TAG, LOWER, DEP or IS_SPACE by equality, ``IN``, ``NOT_IN`` or ``REGEX``."""
        rules = []
        for rule, entry in enumerate(ruler.patterns):
            patterns = []
            for pattern in entry["patterns"]:
                tokens = [_tests(token) for token in pattern]
                if not tokens or any(t is None for t in tokens):
                    return None
                patterns.append(tuple(tokens))
            rules.append((rule, patterns, ruler.indices[rule], ruler.attrs[rule]))
        return cls(rules)

    def matches(self, doc) -> list[tuple[int, int, int]]:
        """(rule, start, end) of every match in ``doc``, in the order the ruler applies them."""
        n = len(doc)
        values = {k: [read(t) for t in doc] for k, read in _READ.items()}
        found: set[tuple[int, int, int]] = set()
        index, anywhere = self._index, self._anywhere
        for start in range(n):
            candidates = [c for key in _KEYS for c in index.get((key, values[key][start]), ())]
            for rule, pattern in candidates + anywhere if anywhere else candidates:
                end = start + len(pattern)
                if end <= n and all(_passes(test, values[test[0]][start + j])
                                    for j, token in enumerate(pattern) for test in token):
                    found.add((rule, start, end))
        return sorted(found)

    def __call__(self, doc):
        from spacy.tokens._retokenize import set_token_attrs  # the function spaCy's own ruler uses

        for rule, start, end in self.matches(doc):
            index, attrs = self._targets[rule]
            position = (start if index >= 0 else end) + index
            if not start <= position < end:
                raise ValueError(f"attribute rule {rule}: index {index} outside its match {start}..{end}")
            set_token_attrs(doc[position], attrs)
        return doc


def use_attribute_rules(nlp) -> bool:
    """Replace ``nlp``'s ``attribute_ruler`` by ``AttributeRules`` with its rules, in place; whether it was
    replaced (a pipeline without a ruler, or with patterns ``AttributeRules`` cannot read, is left as is)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    rules = AttributeRules.from_ruler(nlp.get_pipe("attribute_ruler"))
    if rules is None:
        return False
    from spacy.language import Language  # late: spaCy is loaded only with a model

    if not Language.has_factory(_FACTORY):
        Language.factory(_FACTORY, func=lambda nlp, name: _Placeholder())
    nlp.replace_pipe("attribute_ruler", _FACTORY)
    nlp.get_pipe("attribute_ruler").rules = rules
    return True


_FACTORY = "wiredesk_attribute_rules"


class _Placeholder:
    """The pipeline component: holds the ``AttributeRules`` set right after ``replace_pipe``."""

    rules: AttributeRules | None = None

    def __call__(self, doc):
        return self.rules(doc) if self.rules is not None else doc
