-- dedup_sketches: what the near-duplicate stage keeps of each indexed paragraph to reject chance candidates
-- before reading their texts (wiredesk.dedup.sketch; docs/dedup.md, "How a batch is matched"), and the lowest
-- paragraph id each run indexed (what `dedup.window_days` looks up instead of scanning dedup_paragraphs).
-- Shipped migrations are never edited; change the schema with a new numbered file.

-- The paragraph's match tokens as 4-byte little-endian words, in order: a 31-bit hash of the token and its
-- salience flag in the lowest bit. NULL for paragraphs indexed before this migration and for paragraphs
-- without match tokens: their candidates are verified on their text, as before.
ALTER TABLE dedup_paragraphs ADD COLUMN sketch BLOB;

-- One row per run that indexed paragraphs: the lowest paragraph id it indexed.
CREATE TABLE dedup_runs (
    run_id        BIGINT NOT NULL,
    lowest        BIGINT NOT NULL
);
INSERT INTO dedup_runs SELECT run_id, min(paragraph_id) FROM dedup_paragraphs GROUP BY run_id;
