-- 0008_site_host: the host of each document's URL, indexed, so that a batch can ask for the short
-- paragraphs already stored for its sites (site furniture, docs/cleaning.md; issue 16).
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE documents ADD COLUMN host VARCHAR;  -- lower-case host of url (with a non-default port); NULL without a URL
-- the index before the backfill: DuckDB cannot build an index over rows updated in the same transaction
CREATE INDEX documents_host ON documents (host);
-- as wiredesk.domain.urls.host_of: user info dropped, the scheme's default port dropped
UPDATE documents SET host = nullif(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)', 1)), '')
WHERE url IS NOT NULL;
UPDATE documents SET host = regexp_replace(host, ':[0-9]+$', '')
WHERE (host LIKE '%:80' AND lower(url) LIKE 'http:%') OR (host LIKE '%:443' AND lower(url) LIKE 'https:%');
