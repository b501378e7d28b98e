-- 0002_near_duplicates: the persistent near-duplicate index (MinHash LSH band keys and winnowing anchors) and
-- the views that answer "what is new in this document" and "who published this first". See docs/dedup.md.
-- Shipped migrations are never edited; change the schema with a new numbered file.

-- One row per (key, paragraph): a paragraph's LSH band keys (top byte 0x01) and winnowing anchors (0x02).
-- Two paragraphs that share a key are candidates; a batch is matched with one join on `key`.
CREATE TABLE dedup_keys (
    key           BIGINT NOT NULL,
    paragraph_id  BIGINT NOT NULL
);

-- Every paragraph the index has seen (with or without keys: short or non-body paragraphs get none), so a
-- paragraph is never indexed twice.
CREATE TABLE dedup_paragraphs (
    paragraph_id  BIGINT NOT NULL,
    n_tokens      INTEGER NOT NULL,            -- match tokens (wiredesk.dedup.matchtext)
    n_keys        INTEGER NOT NULL,
    run_id        BIGINT NOT NULL
);

-- The signature version of every key in dedup_keys, and the settings that made it (one row). When the
-- configured settings give another version, the index is rebuilt from paragraphs.text (`rebuild_index`).
CREATE TABLE dedup_index (
    signature_version VARCHAR NOT NULL,
    settings          VARCHAR NOT NULL,         -- JSON of the index parameters
    built_at          TIMESTAMPTZ NOT NULL,
    run_id            BIGINT
);

-- The cluster of a paragraph: the earliest copy it reaches by following exact/near links (itself if none).
CREATE VIEW paragraph_clusters AS
WITH RECURSIVE copy_links AS (
    -- a paragraph may have an exact and a near link: follow the one to the earlier copy
    SELECT l.paragraph_id, l.duplicate_of
    FROM duplicates l
    JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
    JOIN documents d ON d.document_id = q.document_id
    WHERE l.kind IN ('exact', 'near')
    QUALIFY row_number() OVER (
        PARTITION BY l.paragraph_id ORDER BY d.published_at NULLS LAST, q.document_id, q.position) = 1
), walk(paragraph_id, cluster_id, depth) AS (
    SELECT p.paragraph_id, coalesce(l.duplicate_of, p.paragraph_id), CASE WHEN l.duplicate_of IS NULL THEN 0 ELSE 1 END
    FROM paragraphs p LEFT JOIN copy_links l USING (paragraph_id)
    UNION ALL
    SELECT w.paragraph_id, l.duplicate_of, w.depth + 1
    FROM walk w JOIN copy_links l ON l.paragraph_id = w.cluster_id
    WHERE w.depth BETWEEN 1 AND 31
)
SELECT paragraph_id, arg_max(cluster_id, depth) AS cluster_id, max(depth) > 0 AS is_copy
FROM walk GROUP BY paragraph_id;

-- Per cluster of copies: first seen, last seen, how many paragraphs, documents and sources carry it.
CREATE VIEW duplicate_clusters AS
SELECT
    c.cluster_id,
    any_value(f.text) FILTER (WHERE p.paragraph_id = c.cluster_id)         AS text,
    any_value(fd.document_id)                                              AS first_document_id,
    any_value(fd.source)                                                   AS first_source,
    any_value(coalesce(fd.published_at, fd.ingested_at))                   AS first_seen,
    max(coalesce(d.published_at, d.ingested_at))                           AS last_seen,
    count(*)                                                               AS n_paragraphs,
    count(DISTINCT p.document_id)                                          AS n_documents,
    count(DISTINCT coalesce(d.source, d.doc_key))                          AS n_sources
FROM paragraph_clusters c
JOIN paragraphs p  ON p.paragraph_id = c.paragraph_id
JOIN documents d   ON d.document_id = p.document_id
JOIN paragraphs f  ON f.paragraph_id = c.cluster_id
JOIN documents fd  ON fd.document_id = f.document_id
GROUP BY c.cluster_id;

-- Body paragraphs that repeat nothing from another document (copies within the same document, such as a
-- caption repeating the body, do not make text un-novel). partial_of names an earlier paragraph of another
-- document that overlaps part of it.
CREATE VIEW novel_paragraphs AS
SELECT p.document_id, p.paragraph_id, p.position, p.text, p.n_chars,
       (SELECT min(l.duplicate_of) FROM duplicates l JOIN paragraphs o ON o.paragraph_id = l.duplicate_of
         WHERE l.paragraph_id = p.paragraph_id AND l.kind = 'partial' AND o.document_id <> p.document_id) AS partial_of
FROM paragraphs p
WHERE p.role = 'body'
  AND NOT EXISTS (
      SELECT 1 FROM paragraph_clusters c JOIN paragraphs r ON r.paragraph_id = c.cluster_id
      WHERE c.paragraph_id = p.paragraph_id AND c.is_copy AND r.document_id <> p.document_id);

-- Per document: how much of its body text is new (by characters and by paragraphs).
CREATE VIEW document_novelty AS
SELECT d.document_id, d.doc_key, d.source, d.published_at, d.is_current,
       count(p.paragraph_id)                                              AS n_paragraphs,
       count(n.paragraph_id)                                              AS n_novel,
       count(n.paragraph_id) FILTER (WHERE n.partial_of IS NOT NULL)       AS n_novel_with_partial_overlap,
       coalesce(sum(p.n_chars), 0)                                        AS n_chars,
       coalesce(sum(n.n_chars), 0)                                        AS n_novel_chars,
       CASE WHEN sum(p.n_chars) > 0 THEN coalesce(sum(n.n_chars), 0) / sum(p.n_chars) END AS novel_share
FROM documents d
LEFT JOIN paragraphs p ON p.document_id = d.document_id AND p.role = 'body'
LEFT JOIN novel_paragraphs n ON n.paragraph_id = p.paragraph_id
GROUP BY ALL;
