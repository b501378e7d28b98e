"""Reader for the ECB+ corpus (../shared/corpus/ecbplus, or $WIREDESK_CORPUS/ecbplus): documents as
``DocumentInput``s with the character span of every token, and the annotated mentions.

Each ECB+ sentence becomes one body paragraph (tokens joined by single spaces), so sentence boundaries and
token offsets are exactly the annotation's. In ``*ecbplus.xml`` files sentence 0 is the source URL and is
left out. The corpus itself is never copied into the repository.
"""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from corpus_path import corpus_dir as shared_corpus
from wiredesk.events.model import DocumentInput, InputParagraph


def corpus_dir() -> Path:
    """The ECB+ folder of the shared corpus."""
    return shared_corpus() / "ecbplus"


@dataclass(frozen=True)
class Markable:
    kind: str  # e.g. ACTION_OCCURRENCE
    m_id: str
    spans: tuple[tuple[int, int], ...]  # character spans of its tokens in the document body
    sentence: int
    #: the real-world instance it refers to (the ``note`` of its CROSS_DOC_COREF / INTRA_DOC_COREF relation,
    #: e.g. "ACT16268623996458050"); None for a mention in no coreference relation (a singleton)
    instance: str | None = None


@dataclass(frozen=True)
class EcbDoc:
    topic: int
    subtopic: str  # "ecb" or "ecbplus": the topic's two look-alike real-world events
    name: str
    doc: DocumentInput
    markables: tuple[Markable, ...]
    sentence_of_offset: tuple[tuple[int, int, int], ...]  # (start, end, sentence number)


def read_doc(path: Path) -> EcbDoc:
    root = ET.parse(path).getroot()
    name = path.name
    subtopic = "ecbplus" if name.endswith("ecbplus.xml") else "ecb"
    topic = int(name.split("_")[0])
    by_sentence: dict[int, list[tuple[str, str]]] = {}
    for t in root.iter("token"):
        s = int(t.get("sentence"))
        if subtopic == "ecbplus" and s == 0:
            continue  # the source URL
        by_sentence.setdefault(s, []).append((t.get("t_id"), t.text or ""))
    paragraphs, spans, sent_spans = [], {}, []
    offset = 0
    for k, s in enumerate(sorted(by_sentence)):
        parts, pos = [], offset
        for t_id, text in by_sentence[s]:
            spans[t_id] = (pos, pos + len(text), s)
            parts.append(text)
            pos += len(text) + 1
        text = " ".join(parts)
        paragraphs.append(InputParagraph(k, "body", text))
        sent_spans.append((offset, offset + len(text), s))
        offset += len(text) + 2
    instance_of: dict[str, str] = {}
    relations = root.find("Relations")
    for rel in relations if relations is not None else ():
        if rel.tag in ("CROSS_DOC_COREF", "INTRA_DOC_COREF"):
            note = rel.get("note") or f"{name}/{rel.get('r_id')}"
            for src in rel.findall("source"):
                instance_of[src.get("m_id")] = note
    markables = []
    for m in root.find("Markables") if root.find("Markables") is not None else ():
        anchors = [a.get("t_id") for a in m.findall("token_anchor") if a.get("t_id") in spans]
        if anchors:
            markables.append(Markable(m.tag, m.get("m_id"), tuple(spans[a][:2] for a in anchors), spans[anchors[0]][2],
                                      instance_of.get(m.get("m_id"))))
    doc = DocumentInput(doc_key=f"ecbplus/{topic}/{name}", published_at=None, source=name,
                        paragraphs=tuple(paragraphs), language="en")  # ECB+ is English news
    return EcbDoc(topic, subtopic, name, doc, tuple(markables), tuple(sent_spans))


def read_topics(topics: list[int] | None = None) -> dict[int, list[EcbDoc]]:
    base = corpus_dir()
    out: dict[int, list[EcbDoc]] = {}
    for d in sorted(base.iterdir(), key=lambda p: p.name):
        if not d.is_dir() or not d.name.isdigit() or (topics and int(d.name) not in topics):
            continue
        out[int(d.name)] = [read_doc(p) for p in sorted(d.glob("*.xml"))]
    return out


def complete_sentences() -> set[tuple[str, int]]:
    """(file stem such as "1_10ecbplus", sentence number) of the sentences whose annotation is complete."""
    out = set()
    with open(corpus_dir() / "ECBplus_coreference_sentences.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            out.add((f"{row['Topic']}_{row['File']}", int(row["Sentence Number"])))
    return out
