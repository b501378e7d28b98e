"""A run stores a mention that is told as happened but unlikely to be a real happening (its confidence under
``events.min_confidence``) with the modality ``doubtful`` and no event; the setting decides."""

from conftest import query
from wiredesk.domain.settings import EventsSettings, IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest

TEXT = """Gunmen killed 12 people in an attack on a market in Kabul on Tuesday, police said.

Shares rally as we buy more of the stock
"""


def _run(tmp_path, name: str, **events) -> str:
    pages = tmp_path / name
    pages.mkdir()
    (pages / "kabul.txt").write_text(TEXT, encoding="utf-8")
    db = str(tmp_path / f"{name}.duckdb")
    run_ingest([str(pages)], Settings(db_path=db, ingest=IngestSettings(workers=1), events=EventsSettings(**events)))
    return db


def _mentions(db: str) -> dict:
    rows = query(db, "SELECT trigger, modality, confidence, event_id IS NOT NULL, extractor FROM event_mentions "
                     "WHERE NOT negated")
    return {t: (mod, conf, grouped, ext) for t, mod, conf, grouped, ext in rows}


def test_a_doubtful_mention_is_stored_without_an_event_and_the_setting_lets_it_join(tmp_path, extractor):
    default = _mentions(_run(tmp_path, "default"))
    mod, conf, grouped, ext = default["buy"]
    assert mod == "doubtful" and not grouped and conf < EventsSettings().min_confidence
    assert "confidence/" in ext  # the model's version is in every mention's lineage
    attack = default["attack"]
    assert attack[0] is None and attack[2] and attack[1] > conf  # the reported attack makes an event
    every = _mentions(_run(tmp_path, "every", min_confidence=0.0))
    mod, conf0, grouped, ext = every["buy"]
    assert mod is None and grouped and conf0 == conf
    assert "min_confidence=0" in ext
