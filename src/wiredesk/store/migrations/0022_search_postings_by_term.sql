-- 0022_search_postings_by_term: search postings a query can address by term. Before, a search read the
-- term column of every posting (a two-word query: 1.1 s at 10M stored paragraphs). Now the postings are
-- kept in sorted segments (wiredesk.store.search_segments): sorted by term, so DuckDB's per-row-group
-- minimum and maximum skip every row group that cannot hold the query's terms. Each posting carries its
-- document's length and search_index the document count, mean length and languages, so a search reads
-- nothing but the postings of the query's terms. Rankings are unchanged (docs/search.md). Shipped migrations are never edited.

CREATE TABLE search_postings_by_term (
    term         VARCHAR NOT NULL,
    document_id  BIGINT NOT NULL,
    tf           INTEGER NOT NULL,
    n_terms      INTEGER NOT NULL,     -- the document's indexed words (search_documents.n_terms): BM25's length
    segment      INTEGER NOT NULL      -- search_segments.segment: the refresh or merge that wrote it
);

-- the existing postings become segment 1, sorted (a posting without its document row was never ranked)
INSERT INTO search_postings_by_term (term, document_id, tf, n_terms, segment)
SELECT p.term, p.document_id, p.tf, s.n_terms, 1
FROM search_postings p JOIN search_documents s USING (document_id)
ORDER BY p.term, p.document_id;

DROP TABLE search_postings;
ALTER TABLE search_postings_by_term RENAME TO search_postings;

-- One row per segment: its level in the size-tiered merge and the postings written into it.
CREATE TABLE search_segments (
    segment   INTEGER PRIMARY KEY,
    level     INTEGER NOT NULL,
    postings  BIGINT NOT NULL
);

-- BM25's N and mean document length, and the languages a query is stemmed in, kept by every refresh (a
-- query reads them here instead of counting or joining every indexed document).
ALTER TABLE search_index ADD COLUMN n_documents BIGINT;
ALTER TABLE search_index ADD COLUMN avgdl DOUBLE;
ALTER TABLE search_index ADD COLUMN languages VARCHAR[];
UPDATE search_index SET n_documents = s.n, avgdl = s.avgdl, languages = l.languages
FROM (SELECT count(*) AS n, avg(n_terms) AS avgdl FROM search_documents) s,
     (SELECT array_agg(language ORDER BY language) AS languages
      FROM (SELECT DISTINCT d.language FROM search_documents x JOIN documents d USING (document_id))) l;
