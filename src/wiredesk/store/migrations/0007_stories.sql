-- 0007_stories: every document version joins a story (the coverage of one real-world happening across
-- outlets), decided incrementally in the batch's transaction (wiredesk.stories, wiredesk.store.stories).
-- The story_* tables are the state the decision reads and writes; the views document_stories, stories
-- and story_outlets and the column events.story_id are the public contract (docs/schema.md,
-- docs/stories.md). Shipped migrations are never edited; change the schema with a new file.

-- One row per assigned document version, in arrival order (seq), with what placed it and the features
-- later documents are compared with. A rebuild replays these rows in seq order.
CREATE TABLE story_assignments (
    document_id          BIGINT PRIMARY KEY,
    story_id             BIGINT NOT NULL,
    seq                  BIGINT NOT NULL UNIQUE,      -- arrival position over all assigned versions, from 0
    method               VARCHAR NOT NULL CHECK (method IN ('new', 'joined', 'copy', 'version', 'empty')),
    similarity           DOUBLE NOT NULL,             -- to matched_document_id (after penalties); 0 for new/empty
    matched_document_id  BIGINT,                      -- the nearest earlier document, the copied one or the previous version
    copies_of            BIGINT[] NOT NULL,           -- earlier documents it shared copied paragraphs with when decided
    published_at         TIMESTAMPTZ,
    features             MAP(VARCHAR, DOUBLE) NOT NULL,  -- kept features: type weight * (1 + ln count)
    derived_by           VARCHAR NOT NULL,            -- feature and assignment code versions
    run_id               BIGINT NOT NULL
);
CREATE INDEX story_assignments_by_story ON story_assignments (story_id);

-- The candidate index: one row per kept feature of an assigned document (term = 64-bit hash of the
-- feature), appended in seq order, so DuckDB's zone maps on seq confine a batch's read to the window of
-- the latest documents however large the store grows.
CREATE TABLE story_postings (
    term  BIGINT NOT NULL,
    seq   BIGINT NOT NULL
);

-- Document frequency of every feature over all assigned versions (idf of the comparisons).
CREATE TABLE story_df (
    term  BIGINT NOT NULL,
    df    BIGINT NOT NULL
);

-- One row per story: size and span over every assigned version, and its heaviest features.
CREATE TABLE story_rows (
    story_id         BIGINT NOT NULL,
    n_documents      INTEGER NOT NULL,
    first_seq        BIGINT NOT NULL,
    last_seq         BIGINT NOT NULL,
    first_published  TIMESTAMPTZ,
    last_published   TIMESTAMPTZ,
    profile          MAP(VARCHAR, DOUBLE) NOT NULL,
    top_names        VARCHAR[] NOT NULL,
    derived_by       VARCHAR NOT NULL,
    run_id           BIGINT NOT NULL
);

-- What each run assigned, counted in the same transaction as its batches.
ALTER TABLE runs ADD COLUMN stories_new INTEGER DEFAULT 0;
ALTER TABLE runs ADD COLUMN documents_assigned INTEGER DEFAULT 0;

-- Public views: current document versions only.
CREATE VIEW document_stories AS
SELECT a.document_id, a.story_id, a.method, a.similarity, a.matched_document_id, a.copies_of, a.seq,
       a.derived_by, a.run_id
FROM story_assignments a JOIN documents d ON d.document_id = a.document_id
WHERE d.is_current;

-- The earliest document of a story: published first (undated ones last), then arrived first.
CREATE VIEW stories AS
SELECT ds.story_id,
       coalesce(arg_min(d.title, (d.published_at IS NULL, d.published_at, ds.seq)) FILTER (WHERE d.title IS NOT NULL),
                arg_min(left(split_part(trim(d.text), chr(10), 1), 100), (d.published_at IS NULL, d.published_at, ds.seq)))
                                                                             AS title,
       min(d.published_at)                                                   AS first_published,
       max(d.published_at)                                                   AS last_published,
       min(coalesce(d.published_at, d.ingested_at))                          AS first_seen,
       max(coalesce(d.published_at, d.ingested_at))                          AS last_seen,
       count(*)                                                              AS n_documents,
       count(DISTINCT coalesce(d.source, d.doc_key))                         AS n_outlets,
       arg_min(d.source, (d.published_at IS NULL, d.published_at, ds.seq))   AS first_outlet,
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id,
       count(*) FILTER (WHERE ds.method = 'copy')                            AS n_copies,
       any_value(r.top_names)                                                AS top_names
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
LEFT JOIN story_rows r ON r.story_id = ds.story_id
GROUP BY ds.story_id;

-- Per story and outlet: when it first had the story, how much it ran, and how much of that was its own
-- text (document_novelty): "original reporting vs copy" in one query.
CREATE VIEW story_outlets AS
SELECT ds.story_id,
       d.source                                                              AS outlet,
       min(d.published_at)                                                   AS first_published,
       min(coalesce(d.published_at, d.ingested_at))                          AS first_seen,
       count(*)                                                              AS n_documents,
       arg_min(d.document_id, (d.published_at IS NULL, d.published_at, ds.seq)) AS first_document_id,
       bool_or(d.document_id = s.first_document_id)                         AS is_first,
       count(*) FILTER (WHERE ds.method = 'copy')                            AS n_copies,
       sum(n.n_chars)::BIGINT                                                AS n_chars,
       sum(n.n_novel_chars)::BIGINT                                          AS n_novel_chars,
       CASE WHEN sum(n.n_chars) > 0 THEN sum(n.n_novel_chars) / sum(n.n_chars) END AS novel_share
FROM document_stories ds
JOIN documents d ON d.document_id = ds.document_id
JOIN document_novelty n ON n.document_id = ds.document_id
JOIN stories s ON s.story_id = ds.story_id
GROUP BY ds.story_id, d.source;

-- events gains story_id: the story holding most of the event's current documents (ties: the older story).
CREATE OR REPLACE VIEW events AS
SELECT e.*, es.story_id
FROM event_rows e
LEFT JOIN (
    SELECT m.event_id, ds.story_id
    FROM event_mention_rows m JOIN document_stories ds ON ds.document_id = m.document_id
    WHERE m.event_id IS NOT NULL
    GROUP BY m.event_id, ds.story_id
    QUALIFY row_number() OVER (PARTITION BY m.event_id ORDER BY count(DISTINCT m.document_id) DESC, ds.story_id) = 1
) es ON es.event_id = e.event_id;
