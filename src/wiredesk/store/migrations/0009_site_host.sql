-- 0008_site_host: the host of each document's URL, so that a batch can ask for the short paragraphs
-- already stored for its sites (site furniture, docs/cleaning.md; issue 16).
-- No index: a scan of one column answers a batch's question, and a DuckDB index on documents would
-- forbid later migrations from dropping or retyping its columns.
-- Shipped migrations are never edited; change the schema with a new numbered file.

ALTER TABLE documents ADD COLUMN host VARCHAR;  -- lower-case host of url (with a non-default port); NULL without a URL
-- as wiredesk.domain.urls.host_of: user info dropped, the scheme's default port dropped
UPDATE documents SET host = nullif(lower(regexp_extract(url, '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?([^/?#]+)', 1)), '')
WHERE url IS NOT NULL;
UPDATE documents SET host = regexp_replace(host, ':[0-9]+$', '')
WHERE (host LIKE '%:80' AND lower(url) LIKE 'http:%') OR (host LIKE '%:443' AND lower(url) LIKE 'https:%');
