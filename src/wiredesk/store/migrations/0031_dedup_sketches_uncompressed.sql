-- dedup_sketches_uncompressed: the token sketches of dedup_paragraphs stored as they are, without DuckDB's
-- string compression. A sketch is random hash bytes: FSST-with-dictionary compression (DuckDB's choice for
-- the column) saved almost nothing on them and made every read of a batch's candidates' sketches decompress
-- the whole column (0.29 s for 12,000 sketches of a 1M-paragraph store, 0.05 s uncompressed).
-- The table is rebuilt because a column's compression is set when it is created.
-- Shipped migrations are never edited; change the schema with a new numbered file.

CREATE TABLE dedup_paragraphs_rebuilt (
    paragraph_id  BIGINT NOT NULL,
    n_tokens      INTEGER NOT NULL,            -- match tokens (wiredesk.dedup.matchtext)
    n_keys        INTEGER NOT NULL,
    run_id        BIGINT NOT NULL,
    sketch        BLOB USING COMPRESSION uncompressed  -- as in dedup_sketches: 4-byte words, NULL when none
);
INSERT INTO dedup_paragraphs_rebuilt
SELECT paragraph_id, n_tokens, n_keys, run_id, sketch FROM dedup_paragraphs ORDER BY paragraph_id;
DROP TABLE dedup_paragraphs;
ALTER TABLE dedup_paragraphs_rebuilt RENAME TO dedup_paragraphs;
