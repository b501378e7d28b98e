-- 0005_clusters_follow_earliest_copy: a paragraph can carry both an exact and a near link; paragraph_clusters
-- (0002) followed the one with the lower paragraph_id, which is not always the earlier copy. It now follows the
-- link to the earlier copy (earliest published, then ingested, then position). duplicate_clusters and
-- novel_paragraphs read paragraph_clusters and need no change.

CREATE OR REPLACE VIEW paragraph_clusters AS
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
