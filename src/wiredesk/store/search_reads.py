"""The search side of the read-only store: what ``wiredesk search`` and ``wiredesk.search`` read.

What it is: functions over a read-only connection (``Reader`` delegates to them): whether the database
has an index and of which layout and tokenizer, how many documents it holds, the query's terms, and the
ranking query run as a relation. Each reads the index's own small rows (``search_index``) or the
postings of the query's terms, never the whole index: the cost of a search follows its terms, not the
size of the store (docs/schema.md, "What a query costs").

What it is not: the ranking SQL (``wiredesk.fulltext.ranking``), the tokenizer (``wiredesk.fulltext.terms``)
or the index's upkeep (``wiredesk.store.search_index``).
"""

from __future__ import annotations

import duckdb

from wiredesk.domain.errors import SearchError, StoreError
from wiredesk.fulltext import terms
from wiredesk.fulltext.ranking import search_sql
from wiredesk.store.sql import has_table


def has_search_index(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database has the search tables (made by wiredesk 0.1 with migration 0006 or later)."""
    return has_table(con, "search_postings")


def indexed_documents(con: duckdb.DuckDBPyConnection) -> int:
    """Document versions in the search index."""
    return con.execute("SELECT count(*) FROM search_documents").fetchall()[0][0]


def unindexed_documents(con: duckdb.DuckDBPyConnection) -> int:
    """Current documents the index does not have yet (stored by a run that did not finish)."""
    return con.execute("SELECT count(*) FROM documents d WHERE d.is_current AND NOT EXISTS "
                       "(SELECT 1 FROM search_documents s WHERE s.document_id = d.document_id)").fetchall()[0][0]


def indexed_languages(con: duckdb.DuckDBPyConnection) -> list[str | None]:
    """The languages of the indexed documents (``None`` for documents without one), as the last refresh kept them."""
    if not has_table(con, "search_segments"):  # an index of the layout before term-sorted segments
        return [r[0] for r in con.execute("SELECT DISTINCT d.language FROM search_documents s "
                                          "JOIN documents d USING (document_id) ORDER BY 1").fetchall()]
    rows = con.execute("SELECT languages FROM search_index").fetchall()
    return list(rows[0][0] or []) if rows else []


def search_index_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The tokenizer that made the stored postings (``None`` before the first refresh)."""
    rows = con.execute("SELECT max(tokenizer) FROM search_index").fetchall()
    return rows[0][0] if rows else None


def query_terms(con: duckdb.DuckDBPyConnection, query: str) -> list[str]:
    """The index terms of ``query``, as the index sees them: lower case, no stopwords, stemmed as each
    language of the indexed documents stems it (``wiredesk.fulltext.terms.query_terms``)."""
    return terms.query_terms(query, indexed_languages(con))


def search(con: duckdb.DuckDBPyConnection, query: str, limit: int = 10) -> duckdb.DuckDBPyRelation:
    """Documents matching ``query``, best first, as a relation with ``wiredesk.fulltext.ranking.COLUMNS``.

    Raises ``SearchError`` when the database has no index, one an older wiredesk made, or nothing in the
    query can be searched for (only stopwords or punctuation). The relation reads when consumed.
    """
    if limit < 1:
        raise SearchError(f"limit must be at least 1, not {limit}")
    if not has_search_index(con):
        raise SearchError(
            "this database has no search index yet (made by an older wiredesk): the next `wiredesk run` builds it"
        )
    if not has_table(con, "search_segments"):
        raise SearchError("the search index has the layout of an older wiredesk: the next `wiredesk run` "
                          "upgrades it")
    made_by = search_index_version(con)
    if made_by not in (None, terms.TOKENIZER_VERSION):
        raise SearchError(f"the search index was made by an older wiredesk ({made_by}): the next `wiredesk run` "
                          "rebuilds it")
    found = query_terms(con, query)
    if not found:
        raise SearchError(f"nothing to search for in {query!r}: use content words (stopwords and punctuation are ignored)")
    sql = search_sql()
    try:
        return con.sql(sql, params={"terms": found, "limit": limit})
    except duckdb.Error as exc:
        raise StoreError(f"search failed: {str(exc).splitlines()[0]}") from exc
