"""Full-text search over current documents, ranked by BM25: the ranking query. Pure: it builds SQL text.

What it is: one SQL query (``search_sql``) that scores the postings kept by ``wiredesk.store.search_index``
with Okapi BM25 (reading only the postings of the query's terms, each with its document's length, and the
document count and mean length kept in ``search_index``) and picks each hit's best-matching body paragraph as its snippet. Queries are words, OR-ed:
a document matching more of them, rarer ones and more often scores higher. No phrases, no boolean operators.
The query's terms come from ``wiredesk.fulltext.terms.query_terms`` (stemmed for every language indexed).

What it is not: it runs nothing. ``wiredesk.store.reader.search`` runs the query on a read-only connection
and returns a DuckDB relation (``.df()`` for pandas, ``.pl()`` for polars, ``.fetchall()``).
"""

from __future__ import annotations

#: BM25 parameters: the usual defaults (also DuckDB fts's and Lucene's).
K1 = 1.2
B = 0.75
SNIPPET_CHARS = 200

COLUMNS = ("rank", "score", "title", "source", "published_at", "snippet", "document_id", "url", "origin")


def search_sql() -> str:
    """The ranking query; parameters ``$terms`` (the query's index terms, ``VARCHAR[]``) and ``$limit``.

    The snippet is the body paragraph holding most of the terms (a term is held when the paragraph's
    lower-case, accent-free text contains it: Snowball stems are mostly the start of the word), then the
    first such paragraph.
    """
    return f"""
WITH q AS (SELECT DISTINCT unnest($terms::VARCHAR[]) AS term),
hits AS MATERIALIZED (SELECT p.term, p.document_id, p.tf, p.n_terms FROM search_postings p WHERE p.term IN (SELECT term FROM q)),
n AS (SELECT n_documents AS n, avgdl FROM search_index),
df AS (SELECT term, count(*) AS df FROM hits GROUP BY term),
scored AS (
    SELECT h.document_id,
           sum(ln(1 + (n.n - df.df + 0.5) / (df.df + 0.5))
               * h.tf * ({K1} + 1) / (h.tf + {K1} * (1 - {B} + {B} * h.n_terms / n.avgdl))) AS score
    FROM hits h JOIN df USING (term) CROSS JOIN n
    GROUP BY h.document_id
    ORDER BY score DESC, h.document_id
    LIMIT $limit
),
best AS (
    SELECT p.document_id, p.text
    FROM paragraphs p JOIN scored USING (document_id)
    -- the role test names two columns (paragraph_id is never NULL), so DuckDB applies it after the join and
    -- reads the hits' paragraphs by document key instead of scanning each row group holding one of them
    WHERE p.role = 'body' OR p.paragraph_id IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY p.document_id
        ORDER BY len(list_filter($terms::VARCHAR[], lambda t: contains(strip_accents(lower(p.text)), t))) DESC, p.position) = 1
)
SELECT row_number() OVER (ORDER BY sc.score DESC, sc.document_id) AS rank,
       round(sc.score, 3) AS score, d.title, d.source, d.published_at,
       CASE WHEN length(b.text) > {SNIPPET_CHARS} THEN left(b.text, {SNIPPET_CHARS - 1}) || '…' ELSE b.text END AS snippet,
       sc.document_id, d.url, d.origin
FROM scored sc JOIN documents d USING (document_id) LEFT JOIN best b USING (document_id)
ORDER BY rank
"""
