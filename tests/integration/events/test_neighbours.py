"""The store finds the stored mentions a batch's mentions can be grouped with by their blocking keys, computed in
SQL: they must be the keys the grouping itself files mentions under (``wiredesk.events.group.block_key_texts``),
or an incremental run would miss events a whole regrouping joins."""

from __future__ import annotations

import duckdb

from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.events.group import block_key_texts
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.store.event_neighbours import stored_block_keys
from wiredesk.store.events import stored_mentions


def test_keys_computed_in_sql_are_the_keys_grouping_files_mentions_under(seeds, tmp_path):
    db = str(tmp_path / "seeds.duckdb")
    summary = run_ingest([str(seeds)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    assert summary.ok
    with duckdb.connect(db) as con:
        ids = [r[0] for r in con.execute("SELECT mention_id FROM event_mention_rows").fetchall()]
        mentions = stored_mentions(con, ids)
        stories = dict(con.execute("SELECT document_id, story_id FROM story_assignments").fetchall())
        sql_keys = stored_block_keys(con, ids)
    assert len(mentions) > 30
    kinds = set()
    for mid, (document_id, m) in mentions.items():
        expected = block_key_texts(m, stories.get(document_id))
        expected = {k for k in expected if not k.startswith("doc\x1f")}  # a batch's own documents are loaded whole
        assert sql_keys[mid] == expected, m.sentence
        kinds |= {k.split("\x1f")[0] for k in expected}
    assert kinds >= {"para", "place", "day", "who", "name", "lemma", "story"}  # every kind was compared
