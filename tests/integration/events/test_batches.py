"""A run's stored events do not depend on how its files were cut into batches: the seeds (two outlets'
reports of the Baghdad embassy storming) in one batch and in one batch per file store the same mentions,
the same event groups (regrouped across the batches), the same named entities and the same stories."""

from __future__ import annotations

from conftest import query
from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest


def stored(db: str) -> dict[str, list]:
    mentions = query(db, "SELECT d.doc_key, m.trigger_start, m.trigger, m.event_class, m.actor_name, m.target_name, "
                         "m.place_name FROM event_mention_rows m JOIN documents d USING (document_id) ORDER BY 1, 2")
    grouped: dict[str, list] = {}
    for key, start, event in query(db, "SELECT d.doc_key, m.trigger_start, m.event_id FROM event_mention_rows m "
                                       "JOIN documents d USING (document_id)"):
        grouped.setdefault(event, []).append((key, start))
    stories: dict[int, list] = {}
    for key, story in query(db, "SELECT d.doc_key, s.story_id FROM document_stories s JOIN documents d "
                                "USING (document_id)"):
        stories.setdefault(story, []).append(key)
    return {"mentions": mentions,
            "events": sorted(sorted(v) for v in grouped.values()),
            "entities": query(db, "SELECT d.doc_key, e.start_offset, e.end_offset, e.text FROM entity_mention_rows e "
                                  "JOIN documents d USING (document_id) ORDER BY 1, 2"),
            "stories": sorted(sorted(v) for v in stories.values())}


def test_one_batch_or_one_batch_per_file_store_the_same_events_entities_and_stories(seeds, tmp_path):
    runs = {}
    for size in (200, 1):
        db = str(tmp_path / f"batch{size}.duckdb")
        summary = run_ingest([str(seeds)], Settings(db_path=db, ingest=IngestSettings(workers=1, batch_size=size)))
        assert summary.ok and summary.counts.documents_new == 2
        runs[size] = stored(db)
    one, many = runs[200], runs[1]
    assert one["mentions"] and any(len({k for k, _ in e}) == 2 for e in one["events"])  # grouped across outlets
    assert many == one
