-- 0003_events: event mentions extracted from documents, events grouped from them, named entities.
-- The *_rows tables are storage; the views events, event_mentions, entities and entity_mentions are the
-- public contract (docs/schema.md). Shipped migrations are never edited; change the schema with a new file.

-- One sentence reporting one action, extracted from one document version.
CREATE TABLE event_mention_rows (
    mention_id          BIGINT PRIMARY KEY,
    document_id         BIGINT NOT NULL,
    paragraph_position  INTEGER,                 -- paragraphs.position of the body paragraph
    sentence_index      INTEGER NOT NULL,        -- sentence number in the body text, from 0
    sentence            VARCHAR NOT NULL,
    sentence_start      INTEGER NOT NULL,        -- character offsets into documents.text, end exclusive
    sentence_end        INTEGER NOT NULL,
    trigger             VARCHAR NOT NULL,        -- the words that report the action, as written
    trigger_lemma       VARCHAR NOT NULL,        -- the lexicon entry that fired
    trigger_start       INTEGER NOT NULL,
    trigger_end         INTEGER NOT NULL,
    event_class         VARCHAR NOT NULL,        -- PLOVER class (PROTEST, ASSAULT, ...) or a wiredesk extension
    cameo               VARCHAR,
    actor_name          VARCHAR,
    actor_text          VARCHAR,
    actor_kind          VARCHAR,
    actor_country       VARCHAR,                 -- ISO 3166-1 alpha-3
    actor_named         BOOLEAN,
    actor_resolved_from INTEGER,                 -- offset of the earlier mention "the group"/"they" was resolved to
    target_name         VARCHAR,
    target_text         VARCHAR,
    target_kind         VARCHAR,
    target_country      VARCHAR,
    target_named        BOOLEAN,
    target_resolved_from INTEGER,
    place_name          VARCHAR,
    place_text          VARCHAR,
    place_country       VARCHAR,
    place_feature       VARCHAR,                 -- city | country | us_state | unresolved
    place_latitude      DOUBLE,
    place_longitude     DOUBLE,
    place_geonameid     BIGINT,
    place_start         INTEGER,
    place_end           INTEGER,
    date_start          DATE,
    date_end            DATE,
    date_precision      VARCHAR NOT NULL,        -- day | week | month | year | unknown
    date_text           VARCHAR,
    killed              INTEGER,
    wounded             INTEGER,
    crowd               INTEGER,
    negated             BOOLEAN NOT NULL,
    modality            VARCHAR,
    confidence          DOUBLE NOT NULL,
    event_id            VARCHAR,                 -- NULL for negated mentions: nothing happened to group
    extractor           VARCHAR NOT NULL,        -- code, back-end, model and lexicon versions
    run_id              BIGINT NOT NULL
);
CREATE INDEX event_mention_rows_by_document ON event_mention_rows (document_id);
CREATE INDEX event_mention_rows_by_event ON event_mention_rows (event_id);

-- Events grouped from the mentions of current document versions; rewritten whenever their mentions change.
CREATE TABLE event_rows (
    event_id        VARCHAR PRIMARY KEY,
    event_class     VARCHAR NOT NULL,
    cameo           VARCHAR,
    actor_name      VARCHAR,
    actor_kind      VARCHAR,
    actor_country   VARCHAR,
    target_name     VARCHAR,
    target_kind     VARCHAR,
    target_country  VARCHAR,
    place_name      VARCHAR,
    place_country   VARCHAR,
    place_feature   VARCHAR,
    place_latitude  DOUBLE,
    place_longitude DOUBLE,
    date_start      DATE,
    date_end        DATE,
    date_precision  VARCHAR NOT NULL,
    killed          INTEGER,
    wounded         INTEGER,
    crowd           INTEGER,
    num_mentions    INTEGER NOT NULL,
    num_documents   INTEGER NOT NULL,
    num_sources     INTEGER NOT NULL,
    first_seen      TIMESTAMPTZ,
    last_seen       TIMESTAMPTZ,
    confidence      DOUBLE NOT NULL,
    grouped_by      VARCHAR NOT NULL,            -- grouping code version
    run_id          BIGINT NOT NULL
);

-- Named people, organizations and places, one row per distinct (label, name, country).
CREATE TABLE entity_rows (
    entity_id  BIGINT PRIMARY KEY,
    name       VARCHAR NOT NULL,
    label      VARCHAR NOT NULL,                 -- PERSON | ORG | GPE | LOC | FAC | NORP
    kind       VARCHAR,
    country    VARCHAR,
    UNIQUE (label, name, country)
);

CREATE TABLE entity_mention_rows (
    entity_id    BIGINT NOT NULL,
    document_id  BIGINT NOT NULL,
    text         VARCHAR NOT NULL,
    start_offset INTEGER NOT NULL,               -- character offsets into documents.text
    end_offset   INTEGER NOT NULL,
    extractor    VARCHAR NOT NULL,
    run_id       BIGINT NOT NULL
);
CREATE INDEX entity_mention_rows_by_document ON entity_mention_rows (document_id);

-- What each run extracted, counted in the same transaction as its batches.
ALTER TABLE runs ADD COLUMN event_mentions_new INTEGER DEFAULT 0;
ALTER TABLE runs ADD COLUMN events_written INTEGER DEFAULT 0;

-- Public views: current document versions only, with the document's outlet and dates.
CREATE VIEW event_mentions AS
SELECT m.*, d.source, d.url, d.title, d.published_at, d.doc_key
FROM event_mention_rows m JOIN documents d USING (document_id)
WHERE d.is_current;

CREATE VIEW events AS
SELECT e.* FROM event_rows e;

CREATE VIEW entity_mentions AS
SELECT em.entity_id, e.name, e.label, e.kind, e.country, em.document_id, em.text, em.start_offset, em.end_offset,
       d.source, d.published_at, em.extractor
FROM entity_mention_rows em
JOIN entity_rows e USING (entity_id)
JOIN documents d ON d.document_id = em.document_id
WHERE d.is_current;

CREATE VIEW entities AS
SELECT e.entity_id, e.name, e.label, e.kind, e.country,
       count(*) AS num_mentions, count(DISTINCT em.document_id) AS num_documents,
       count(DISTINCT d.source) AS num_sources, min(d.published_at) AS first_seen, max(d.published_at) AS last_seen
FROM entity_rows e
JOIN entity_mention_rows em USING (entity_id)
JOIN documents d ON d.document_id = em.document_id
WHERE d.is_current
GROUP BY ALL;
