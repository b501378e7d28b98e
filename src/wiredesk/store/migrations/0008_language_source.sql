-- 0007_language_source: where each document's language came from (issue 16).
-- Shipped migrations are never edited; change the schema with a new numbered file.

-- supplied (metadata given with the item: sidecar, front matter, JSON field, feed or news sitemap),
-- declared (by the page: <html lang>, Content-Language, og:locale) or detected (py3langid on the text).
-- NULL when the document has no language, and for documents stored before 0007 (`wiredesk reprocess`
-- fills it in).
ALTER TABLE documents ADD COLUMN language_source VARCHAR;
