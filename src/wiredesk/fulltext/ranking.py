"""Full-text search over current documents, ranked by BM25: the read side of the search index.

What it is: one SQL query (``search_sql``) that scores the postings kept by
``wiredesk.store.search_index`` with Okapi BM25 and picks each hit's best-matching body paragraph as
its snippet; ``search`` runs it on a read-only connection and returns a DuckDB relation (``.df()``
for pandas, ``.pl()`` for polars, ``.fetchall()``). Queries are words, OR-ed: a document matching
more of them, rarer ones and more often scores higher. No phrases, no boolean operators.

What it is not: it never writes. The index is refreshed by every ``wiredesk run`` (store side).
"""

from __future__ import annotations

import duckdb

from wiredesk.domain.errors import StoreError, WiredeskError
from wiredesk.store.search_index import terms_sql

#: BM25 parameters: the usual defaults (also DuckDB fts's and Lucene's).
K1 = 1.2
B = 0.75
SNIPPET_CHARS = 200

COLUMNS = ("rank", "score", "title", "source", "published_at", "snippet", "document_id", "url")


class SearchError(WiredeskError):
    """A search cannot run: no index in this database, or a query with no searchable words."""


def search_sql() -> str:
    """The ranking query; parameters ``$query`` (text) and ``$limit``."""
    return f"""
WITH q AS (SELECT DISTINCT unnest({terms_sql('$query')}) AS term),
hits AS MATERIALIZED (SELECT p.term, p.document_id, p.tf FROM search_postings p WHERE p.term IN (SELECT term FROM q)),
n AS (SELECT count(*) AS n, avg(n_terms) AS avgdl FROM search_documents),
df AS (SELECT term, count(*) AS df FROM hits GROUP BY term),
scored AS (
    SELECT h.document_id,
           sum(ln(1 + (n.n - df.df + 0.5) / (df.df + 0.5))
               * h.tf * ({K1} + 1) / (h.tf + {K1} * (1 - {B} + {B} * s.n_terms / n.avgdl))) AS score
    FROM hits h JOIN df USING (term) JOIN search_documents s USING (document_id) CROSS JOIN n
    GROUP BY h.document_id
    ORDER BY score DESC, h.document_id
    LIMIT $limit
),
best AS (
    SELECT p.document_id, p.text
    FROM paragraphs p JOIN scored USING (document_id)
    WHERE p.role = 'body'
    QUALIFY row_number() OVER (
        PARTITION BY p.document_id
        ORDER BY len(list_intersect({terms_sql('p.text')}, (SELECT list(term) FROM q))) DESC, p.position) = 1
)
SELECT row_number() OVER (ORDER BY sc.score DESC, sc.document_id) AS rank,
       round(sc.score, 3) AS score, d.title, d.source, d.published_at,
       CASE WHEN length(b.text) > {SNIPPET_CHARS} THEN left(b.text, {SNIPPET_CHARS - 1}) || '…' ELSE b.text END AS snippet,
       sc.document_id, d.url
FROM scored sc JOIN documents d USING (document_id) LEFT JOIN best b USING (document_id)
ORDER BY rank
"""


def has_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database has the search tables (made by wiredesk 0.1 with migration 0006 or later)."""
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'search_postings'"
    ).fetchall()[0][0])


def unindexed_documents(con: duckdb.DuckDBPyConnection) -> int:
    """Current documents the index does not have yet (stored by a run that did not finish)."""
    return con.execute(
        "SELECT count(*) FROM documents d WHERE d.is_current AND NOT EXISTS "
        "(SELECT 1 FROM search_documents s WHERE s.document_id = d.document_id)"
    ).fetchall()[0][0]


def query_terms(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The index terms of ``query``, as the index sees them (lower case, stemmed, no stopwords)."""
    return con.execute(f"SELECT {terms_sql('?')}", [query]).fetchall()[0][0]


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> duckdb.DuckDBPyRelation:
    """Documents matching ``query``, best first, as a relation with ``COLUMNS``.

    Raises ``SearchError`` when the database has no index or nothing in the query can be searched for
    (only stopwords or punctuation).
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    if not has_index(con):
        raise SearchError(
            "this database has no search index yet (made by an older wiredesk): the next `wiredesk run` builds it"
        )
    if not query_terms(con, query):
        raise SearchError(f"nothing to search for in {query!r}: use content words (stopwords and punctuation are ignored)")
    sql = search_sql()
    try:
        return con.sql(sql, params={"query": query, "limit": limit})
    except duckdb.Error as exc:
        raise StoreError(f"search failed: {str(exc).splitlines()[0]}") from exc
