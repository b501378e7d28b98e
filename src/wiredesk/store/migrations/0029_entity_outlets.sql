-- 0029_entity_outlets: per entity and outlet, how many current documents mention the entity, one row each,
-- instead of one JSON object per entity (entity_rows.source_documents, migration entity_source_counts). A batch
-- then changes the rows of the (entity, outlet) pairs its documents touch, by a key look-up, and no longer reads
-- and rewrites the whole outlet list of every entity it mentions, which grows with the store (up to every outlet
-- of a much-cited name: 2.4 outlets an entity on average at 100k paragraphs of the benchmark, 5.0 at 1M).
-- entity_rows.num_sources is the number of an entity's rows here with n_documents > 0 (rows reaching 0 are
-- deleted). Filled for an existing database in this migration's transaction by
-- wiredesk.store.entity_counts.recount_all_entities (wiredesk.store.migrate's backfills). Not shown by any view.
-- Shipped migrations are never edited.

CREATE TABLE entity_outlets (
    entity_id   BIGINT NOT NULL,   -- entity_rows.entity_id
    source      VARCHAR NOT NULL,  -- documents.source (documents without an outlet are left out)
    n_documents BIGINT NOT NULL,   -- current documents of this outlet mentioning the entity
    PRIMARY KEY (entity_id, source)
);

ALTER TABLE entity_rows DROP COLUMN source_documents;
