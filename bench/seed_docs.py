"""The two seed articles as ``DocumentInput``s, for the event benchmarks and tests.

The seeds are plain text without metadata; both were published on Tuesday 31 December 2019. Paragraph roles
come from ``wiredesk.paragraphs`` when it is available (the pipeline's own classifier), else from the small
stand-in below (captions end in a photo credit, "Read more ..." is boilerplate).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

from wiredesk.events.model import DocumentInput, InputParagraph

ROOT = Path(__file__).resolve().parent.parent
SEEDS = {
    "ap": ("ap-yahoo-2019-12-31-baghdad-embassy.txt", "Associated Press via Yahoo News"),
    "sun": ("the-sun-2019-12-31-baghdad-embassy.txt", "The Sun"),
}
PUBLISHED = datetime(2019, 12, 31, 12, 0, tzinfo=timezone.utc)


def role_of(text: str) -> str:
    if re.fullmatch(r"Credit: .*", text):
        return "credit"
    if re.search(r"\(Photo: [^)]*\)( More)?$", text) or re.search(r"Credit: [^.]*$", text):
        return "caption"
    if text.startswith("Read more of this story"):
        return "boilerplate"
    return "body"


def seed_document(key: str, root: Path = ROOT) -> DocumentInput:
    name, source = SEEDS[key]
    raw = (root / "seeds" / name).read_text(encoding="utf-8")
    parts = [p.strip() for p in raw.split("\n\n") if p.strip()]
    paragraphs = tuple(InputParagraph(i, role_of(p), p) for i, p in enumerate(parts))
    return DocumentInput(doc_key=name, published_at=PUBLISHED, source=source, paragraphs=paragraphs)


def seed_documents(root: Path = ROOT) -> list[DocumentInput]:
    return [seed_document(k, root) for k in SEEDS]
