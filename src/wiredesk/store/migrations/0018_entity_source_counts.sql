-- entity_rows.source_documents: per entity, a JSON object of the outlets of the current documents that mention
-- it and how many such documents each has (documents without an outlet left out), so that a batch changes
-- `entities`' counts by what its documents add and what the versions it supersedes take away
-- (wiredesk.store.entity_counts.add_entity_counts) instead of reading every mention of every entity it
-- mentions (issue 23: that grew 18 -> 102 ms for 400 documents from 100k to 1M paragraphs). num_sources is
-- the number of these outlets. JSON text rather than a list or map column: DuckDB updates a VARCHAR in place.
-- Filled for an existing database in this migration's transaction by
-- wiredesk.store.entity_counts.recount_all_entities (wiredesk.store.migrate's backfills). Not shown by any view.
ALTER TABLE entity_rows ADD COLUMN source_documents VARCHAR;
