"""A run keeps hypothetical mentions out of the events users query: they are stored in `event_mentions`
with their modality and no event, like negated ones."""

from conftest import query
from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest

TEXT = """Two people were killed when a truck crashed into a bus on Interstate 25 in Denver on Monday night, police said.

Prosecutors said on Tuesday that the driver of the truck could face charges over the crash, and that a possible gas leak in the truck's cab was being examined.

If confirmed by the Senate, the new transport secretary will order a review of truck safety rules.
"""


def test_a_run_stores_hypothetical_mentions_without_an_event(tmp_path, extractor):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "denver-crash.txt").write_text(TEXT, encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    run_ingest([str(pages)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    rows = query(db, "SELECT trigger, event_class, modality, event_id IS NOT NULL FROM event_mentions "
                     "WHERE NOT negated ORDER BY trigger_start")
    by_trigger = {t: (cls, mod, grouped) for t, cls, mod, grouped in rows}
    assert by_trigger["charges"] == ("JUSTICE", "possible", False)
    assert by_trigger["leak"] == ("DISASTER", "possible", False)
    assert by_trigger["confirmed"] == ("APPOINT", "conditional", False)
    assert by_trigger["crashed"][0] == "DISASTER" and by_trigger["crashed"][2]  # what happened makes an event
    classes = {c for (c,) in query(db, "SELECT event_class FROM events")}
    assert "DISASTER" in classes and not classes & {"JUSTICE", "APPOINT"}
