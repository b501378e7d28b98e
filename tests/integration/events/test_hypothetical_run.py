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



def test_mentions_that_join_no_event_store_no_blocking_keys(tmp_path, extractor):
    pages = tmp_path / "pages"
    pages.mkdir()
    text = TEXT + "\nPolice did not arrest the driver.\n\nColorado Governor Jared Polis said the crash was a tragedy.\n"
    (pages / "denver-crash.txt").write_text(text, encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    run_ingest([str(pages)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    rows = query(db, "SELECT m.trigger, m.modality, m.negated, m.event_class, m.event_id IS NOT NULL, "
                     "(SELECT count(*) FROM event_mention_keys k WHERE k.mention_id = m.mention_id) "
                     "FROM event_mention_rows m")
    keys_of = {(t, grouped): keys for t, _, _, _, grouped, keys in rows}
    # flagged (possible, conditional), negated and a statement: stored, in no event, and without keys (a
    # regrouping never joins them, so their key rows would only be read to be left out)
    assert {(t, mod, neg, cls) for t, mod, neg, cls, grouped, _ in rows if not grouped} == {
        ("charges", "possible", False, "JUSTICE"), ("leak", "possible", False, "DISASTER"),
        ("confirmed", "conditional", False, "APPOINT"), ("arrest", None, True, "COERCE"),
        ("said", None, False, "STATEMENT")}
    assert {keys for (_, grouped), keys in keys_of.items() if not grouped} == {0}
    grouped = [keys for *_, in_event, keys in rows if in_event]
    assert grouped and all(keys > 0 for keys in grouped)  # what happened keeps its keys
    assert query(db, "SELECT count(*) FROM event_mention_keys")[0][0] == sum(grouped)
