"""A mention's confidence: the probability that it tells a specific real happening of its class.

``Confidence`` is a logistic regression over a handful of things the extraction knows about a mention (the
trigger's rule score, which slots are filled, whether the sentence is a quote, a headline or speaks to "you",
how many mentions of its class its document has, and since ``events/10`` what the parse tells of the
trigger's tense, whether the page-kind gate read the page as a report and how deep in the page the sentence is:
``Around``). ``features`` computes every candidate input; the shipped model reads those its weights file names
(``confidence/3``: fifteen, chosen by cross-validation). Its weights are a versioned data file
(``data/confidence.tsv``), fitted with numpy by ``bench/mention_confidence.py fit`` on the hand-labelled
trigger-precision samples (``bench/data/trigger_precision_*.tsv``, label ``real``), and chosen by
cross-validation that leaves whole documents out (docs/events.md, *Quality*). The probability is what
``EventMention.confidence`` holds from ``events/9`` on.

``apply`` applies it to the mentions of one document (their inputs from ``inputs``); a mention that would join an event and whose
probability is under ``min_confidence`` is kept, with the modality ``doubtful``
(``wiredesk.events.model.UNREALISED``), and joins no event. It is not a word-sense filter (the lexicon's
rules decide what fires) and it never drops a mention. Pure: mentions in, mentions out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib.resources import files
from typing import Sequence

from wiredesk.events.group import groupable
from wiredesk.events.model import UNREALISED, EventMention
from wiredesk.events.nlp import ParsedDoc
from wiredesk.events.pagekind import PageKind

#: The threshold ``events.min_confidence`` defaults to (docs/events.md, *Quality*: how it was chosen).
DEFAULT_MIN_CONFIDENCE = 0.22

#: The modality of a mention that would join an event but whose confidence is under the threshold.
DOUBTFUL = "doubtful"

#: Classes that get a weight of their own (the others share the intercept): the ones the labelled samples
#: have enough mentions of to fit one (docs/events.md, *Quality*).
CLASSES = ("ASSAULT", "CONTEST", "BUSINESS", "JUSTICE", "LIFE", "DISASTER", "ELECT", "COERCE")

_QUOTE = re.compile(r"[\"\u201c\u201d\u00ab\u00bb]")
#: the speaker or the reader: "I", "we", "you" (case matters: "US" is a country, not "us")
_PERSON = re.compile(r"\b(?:I|[Mm]e|[Mm]y|[Ww]e|[Oo]ur|us|[Yy]ou|[Yy]our)\b")
_END = re.compile(r"[.!?][\"'\u201d\u2019)\s]*$")


#: Auxiliaries of a trigger that make it a perfect ("has been charged") or a modal ("could face") form.
_PERFECT = frozenset({"has", "have", "had", "'ve", "\u2019ve", "having"})
_MODAL = frozenset({"will", "would", "could", "can", "may", "might", "should", "must", "shall", "'ll", "\u2019ll",
                    "wo", "ca"})


@dataclass(frozen=True)
class Around:
    """What the extraction knows around a mention that the mention does not hold, passed to ``features``:
    from the parse of its sentence, the trigger token's fine tag (``VBD``, ``NN``...) and the lower-case
    auxiliaries attached to it (``has``, ``been``, ``will``) and whether one is a passive's; from its page (once
    per document), the page-kind gate's verdict (``wiredesk.events.pagekind.PageKind``, the one the gate
    computed, asked whatever ``pages`` is; None: not known) and the page's domains (``wiredesk.events.domain``).
    Not stored: an input of the model only."""

    tag: str = ""
    auxiliaries: tuple[str, ...] = ()
    passive: bool = False
    page: PageKind | None = None
    domains: frozenset[str] = field(default_factory=frozenset)
    own_date_or_place: bool = False

    @classmethod
    def of(cls, pd: ParsedDoc, start: int, page: PageKind | None, domains: frozenset[str]) -> "Around":
        """What the parse ``pd`` tells of the trigger whose first character is at ``start`` in it (its first
        token's tag, the auxiliaries attached to that token), with the page's verdict ``page`` and domains."""
        tok = next((t for t in pd.tokens if t.start <= start < t.end), None)
        if tok is None:
            return cls(page=page, domains=domains)
        kids = [pd.tokens[i] for i in pd.children(tok.i)]
        aux = tuple(k.text.lower() for k in kids if k.dep in ("aux", "auxpass"))
        passive = any(k.dep in ("auxpass", "nsubjpass") for k in kids)
        return cls(tok.tag, aux, passive, page, domains, _own_date_or_place(pd, tok.i))


#: Dependencies that open another clause: what hangs below them is that clause's, not the trigger's own.
_OTHER_CLAUSE = frozenset({"ccomp", "advcl", "relcl", "acl", "parataxis", "conj", "csubj", "xcomp"})
_WHEN_OR_WHERE = frozenset({"DATE", "TIME", "GPE", "LOC", "FAC"})


def _own_date_or_place(pd: ParsedDoc, i: int) -> bool:
    """Whether a date, a time or a place name hangs below the trigger token ``i`` in the parse, in its own
    clause ("Tuesday's attack", "attacked a market in Kabul on Tuesday"), as distinct from one elsewhere in
    the sentence ("police said on Tuesday that ...": the reporting verb's, not the trigger's)."""
    stack = [c for c in pd.children(i) if pd.tokens[c].dep not in _OTHER_CLAUSE]
    while stack:
        j = stack.pop()
        if pd.tokens[j].ent in _WHEN_OR_WHERE:
            return True
        stack.extend(c for c in pd.children(j) if pd.tokens[c].dep not in _OTHER_CLAUSE)
    return False


def features(m: EventMention, same_class: int, in_document: int, around: Around = Around()) -> dict[str, float]:
    """The model's inputs for one mention: ``same_class`` and ``in_document`` are the numbers of *other*
    mentions of its document that join events, of its class and of any class; ``around`` what the parse and
    the page tell. Every value is 0/1 or a small count on a log scale, so that each weight reads as "how much
    this moves the odds"."""
    s = m.sentence
    out = {
        "rule_score": m.confidence,  # the trigger's prior weight + 0.05 per slot (sentence.py): events/8's score
        "actor": float(m.actor is not None),
        "actor_named": float(m.actor is not None and m.actor.named),
        "target": float(m.target is not None),
        "place": float(m.place is not None),
        "date": float(m.date.known),
        "toll": float(m.killed is not None or m.wounded is not None),
        "quote": float(bool(_QUOTE.search(s))),
        "first_second_person": float(bool(_PERSON.search(s))),
        "no_final_stop": float(not _END.search(s.strip())),  # a headline, a caption-like line
        "ing_form": float(m.trigger.lower().endswith("ing")),
        "ed_form": float(m.trigger.lower().endswith("ed")),
        "digits": float(any(c.isdigit() for c in s)),
        "log_same_class": math.log1p(same_class),
        "log_in_document": math.log1p(in_document),
        # tense and aspect, from the parse of the trigger's own token
        "past_tense": float(around.tag == "VBD"),
        "participle": float(around.tag == "VBN"),
        "present_tense": float(around.tag in ("VBZ", "VBP")),
        "noun_trigger": float(around.tag.startswith("NN")),
        "perfect": float(bool(_PERFECT & set(around.auxiliaries))),
        "modal_aux": float(bool(_MODAL & set(around.auxiliaries))),
        "passive": float(around.passive),
        # the page: how the gate let it in (a declared type: with pages = "news" only a news one gets this far;
        # a text that reads as a report), its domain
        "page_type_news": float(around.page is not None and around.page.cause == "type"),
        "page_text_report": float(around.page is not None and around.page.text_report),
        "page_election": float("election" in around.domains),
        "page_video_game": float("video game" in around.domains),
        # where the sentence is and how long: the lead, or deep in a long page
        # a date or a place in the trigger's own clause, whatever the slots took from the rest of the sentence
        "own_date_or_place": float(around.own_date_or_place),
        "lead_sentence": float(m.sentence_index == 0),
        "log_sentence_index": math.log1p(m.sentence_index),
        "log_sentence_words": math.log1p(len(s.split())),
    }
    for c in CLASSES:
        out[f"class_{c}"] = float(m.event_class == c)
    return out


@dataclass(frozen=True)
class Confidence:
    """A fitted model: ``version`` (recorded in the extraction lineage), ``intercept``, ``weights`` by feature
    name, and ``means``/``scales`` the features are standardised with before the weights apply."""

    version: str
    intercept: float
    weights: dict[str, float]
    means: dict[str, float]
    scales: dict[str, float]

    def probability(self, x: dict[str, float]) -> float:
        z = self.intercept + sum(w * (x[k] - self.means[k]) / self.scales[k] for k, w in self.weights.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def document_counts(mentions: Sequence[EventMention]) -> list[tuple[int, int]]:
    """For each mention: (other joining mentions of its class, other joining mentions) in its document."""
    joining = [m for m in mentions if groupable(m)]
    by_class: dict[str, int] = {}
    for m in joining:
        by_class[m.event_class] = by_class.get(m.event_class, 0) + 1
    out = []
    for m in mentions:
        own = 1 if groupable(m) else 0
        out.append((by_class.get(m.event_class, 0) - own, len(joining) - own))
    return out


def inputs(mentions: Sequence[EventMention], around: Sequence[Around] | None = None) -> list[dict[str, float]]:
    """The features of each mention of one document (``around``: one per mention, or none known)."""
    around = around if around is not None else [Around()] * len(mentions)
    return [features(m, same, alln, a) for m, (same, alln), a in zip(mentions, document_counts(mentions), around)]


def apply(mentions: Sequence[EventMention], xs: Sequence[dict[str, float]], model: Confidence,
          min_confidence: float) -> list[EventMention]:
    """The mentions of one document with ``confidence`` the model's probability (rounded to 3 places); ``xs``:
    their inputs (``inputs``), one per mention. A mention that would join an event under ``min_confidence`` gets
    the modality ``doubtful`` instead of its own (its confidence says why) and joins no event."""
    out = []
    for m, x in zip(mentions, xs):
        p = round(model.probability(x), 3)
        if groupable(m) and p < min_confidence:
            out.append(replace(m, confidence=p, modality=DOUBTFUL))
        else:
            out.append(replace(m, confidence=p))
    return out


def parse(text: str) -> Confidence:
    """A model from the text of a weights file: ``# version: ...`` in its header, then rows of
    ``feature  weight  mean  scale`` (tab-separated; the feature ``intercept`` has only a weight)."""
    version, intercept = "", 0.0
    weights, means, scales = {}, {}, {}
    for line in text.splitlines():
        if line.startswith("# version:"):
            version = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#") or line.startswith("feature\t"):
            continue
        name, weight, mean, scale = (line.split("\t") + ["", "", ""])[:4]
        if name == "intercept":
            intercept = float(weight)
        else:
            weights[name], means[name], scales[name] = float(weight), float(mean), float(scale)
    if not version:
        raise ValueError("a confidence weights file needs a '# version:' line")
    return Confidence(version, intercept, weights, means, scales)


@lru_cache(maxsize=1)
def load() -> Confidence:
    """The shipped model (``wiredesk/events/data/confidence.tsv``)."""
    return parse(files("wiredesk.events").joinpath("data/confidence.tsv").read_text(encoding="utf-8"))


assert DOUBTFUL in UNREALISED, "a doubtful mention must join no event"
