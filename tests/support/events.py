"""Shared fixtures for the event tests: one lexicon, gazetteer and extractor per session (loading the spaCy
model takes about two seconds), and the seed articles cleaned by the pipeline's own stages."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from wiredesk.clean.cleaner import clean_item
from wiredesk.events import DefaultEventExtractor, DocumentInput, InputParagraph
from wiredesk.events.lexicon import Lexicon
from wiredesk.events.nlp import ModelNotAvailableError, choose_model
from wiredesk.events.places import Gazetteer
from wiredesk.sources.files import load_files
from wiredesk.domain.settings import IngestSettings

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
PUBLISHED = datetime(2019, 12, 31, tzinfo=timezone.utc)  # a Tuesday


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return Lexicon()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer()


@pytest.fixture(scope="session")
def extractor(lexicon, gazetteer) -> DefaultEventExtractor:
    try:
        choose_model()
    except ModelNotAvailableError as exc:
        pytest.skip(f"no spaCy model installed: {exc}")
    return DefaultEventExtractor("spacy", lexicon=lexicon, gazetteer=gazetteer, n_process=1)


@pytest.fixture(scope="session")
def rules_extractor(lexicon, gazetteer) -> DefaultEventExtractor:
    return DefaultEventExtractor("rules", lexicon=lexicon, gazetteer=gazetteer)


@pytest.fixture(scope="session")
def seed_docs() -> list[DocumentInput]:
    loaded = load_files(sorted(SEEDS.glob("*.txt")), IngestSettings())
    assert not loaded.failures
    return [DocumentInput.from_article(clean_item(item)) for item in loaded.items]


@pytest.fixture(scope="session")
def seed_extractions(extractor, seed_docs):
    return extractor.extract_many(seed_docs)


def found_mentions(extractor: DefaultEventExtractor, doc, text: str) -> tuple[set[tuple[str, str, str]], set[str]]:
    """What ``extractor`` finds in the one-paragraph document ``doc(text)`` (the ``doc`` fixture): its mentions as
    ``(trigger, event_class, cameo)`` and the set of their classes."""
    ms = extractor.extract(doc(text)).mentions
    return {(m.trigger, m.event_class, m.cameo) for m in ms}, {m.event_class for m in ms}


def mentions_of(extractor: DefaultEventExtractor, doc, text: str) -> list:
    """The mentions ``extractor`` finds in the one-paragraph document ``doc(text)`` (the ``doc`` fixture)."""
    return extractor.extract(doc(text)).mentions


def mention_of(extractor: DefaultEventExtractor, doc, text: str, trigger: str):
    """The first mention of ``doc(text)`` whose trigger is ``trigger``."""
    return next(m for m in mentions_of(extractor, doc, text) if m.trigger == trigger)


def found_triggers(extractor: DefaultEventExtractor, doc, text: str) -> set[tuple[str, str]]:
    """``(trigger, event_class)`` of every mention found in ``doc(text)``, whatever its modality."""
    return {(m.trigger, m.event_class) for m in mentions_of(extractor, doc, text)}


def joining_triggers(extractor: DefaultEventExtractor, doc, text: str) -> set[tuple[str, str]]:
    """``(trigger, event_class)`` of the mentions in ``doc(text)`` that join events: told as happened."""
    return {(m.trigger, m.event_class) for m in mentions_of(extractor, doc, text) if m.happened}


def _doc(text: str, key: str = "doc", published: datetime | None = PUBLISHED, source: str | None = None,
         language: str | None = "en") -> DocumentInput:
    return DocumentInput(doc_key=key, published_at=published, source=source or key,
                         paragraphs=(InputParagraph(0, "body", text),), language=language)


@pytest.fixture(scope="session")
def doc():
    """Make a one-paragraph English document published on Tuesday 31 Dec 2019: ``doc(text, key, source=...,
    language=...)``."""
    return _doc
