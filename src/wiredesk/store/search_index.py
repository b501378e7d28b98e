"""The full-text search index: BM25 postings of current document versions, kept in DuckDB tables.

What it is: ``search_documents`` (document length), ``search_postings`` (term, document, frequency) and
``search_index`` (the tokenizer version), maintained *incrementally*: ``refresh_search_index`` indexes
the current documents not indexed yet and drops the postings of versions that stopped being current,
in one transaction; a document re-derived in place by ``wiredesk reprocess`` is indexed again. Cost grows with what is new, not with the database (DuckDB's ``fts`` extension
rebuilds its whole index each time, and cannot be loaded offline here: docs/search.md).

What it is not: the query side (``wiredesk.store.reader.search`` runs ``wiredesk.fulltext.ranking``'s query
on these tables, read-only), nor the tokenizer (``wiredesk.fulltext.terms``: one SQL expression for documents
and queries alike; changing it means changing ``TOKENIZER_VERSION``, and the next refresh then rebuilds the
index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import duckdb

from wiredesk.fulltext.terms import TOKENIZER_VERSION, terms_sql


@dataclass(frozen=True)
class RefreshResult:
    """What one refresh did."""

    indexed: int  # document versions added to the index
    removed: int  # versions dropped because they are no longer current (or no longer exist)
    rebuilt: bool  # the tokenizer changed, so everything was reindexed


def refresh_search_index(con: duckdb.DuckDBPyConnection, now: datetime, run_id: int | None = None) -> RefreshResult:
    """Bring the index up to date with the current document versions. Call inside a transaction.

    Idempotent and incremental: a document already indexed is not read again, so a run that stored
    nothing costs two anti-joins. A database made before migration 0006 is indexed whole by its first
    refresh.
    """
    rebuilt = False
    made_by = con.execute("SELECT tokenizer FROM search_index").fetchall()
    if made_by != [(TOKENIZER_VERSION,)]:
        con.execute("DELETE FROM search_postings")
        con.execute("DELETE FROM search_documents")
        con.execute("DELETE FROM search_index")
        con.execute("INSERT INTO search_index VALUES (?, ?, ?)", [TOKENIZER_VERSION, now, run_id])
        rebuilt = bool(made_by)

    # 1. versions that stopped being current (a newer version arrived), were removed, or were re-derived in
    #    place by `wiredesk reprocess` (which sets documents.derived_run_id): their postings go, and step 2
    #    indexes the re-derived ones again
    stale = [r[0] for r in con.execute(
        "SELECT s.document_id FROM search_documents s LEFT JOIN documents d "
        "ON d.document_id = s.document_id AND d.is_current "
        "WHERE d.document_id IS NULL OR d.derived_run_id IS DISTINCT FROM s.derived_run_id"
    ).fetchall()]
    if stale:
        con.execute("DELETE FROM search_postings WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [stale])
        con.execute("DELETE FROM search_documents WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [stale])

    # 2. current versions not indexed yet: title and body, tokenized by the SQL tokenizer
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _search_new AS "
        f"SELECT d.document_id, d.derived_run_id, {terms_sql(_DOC_TEXT)} AS terms FROM documents d "
        "WHERE d.is_current AND NOT EXISTS (SELECT 1 FROM search_documents s WHERE s.document_id = d.document_id)"
    )
    indexed = con.execute("SELECT count(*) FROM _search_new").fetchall()[0][0]
    if indexed:
        con.execute(
            "INSERT INTO search_postings (term, document_id, tf) "
            "SELECT term, document_id, count(*)::INTEGER FROM "
            "(SELECT document_id, unnest(terms) AS term FROM _search_new) GROUP BY ALL"
        )
        con.execute(
            "INSERT INTO search_documents (document_id, n_terms, derived_run_id, run_id) "
            "SELECT document_id, len(terms), derived_run_id, ? FROM _search_new",
            [run_id],
        )
    con.execute("DROP TABLE _search_new")
    return RefreshResult(indexed=indexed, removed=len(stale), rebuilt=rebuilt)


#: What a document contributes to the index: its headline and its body text.
_DOC_TEXT = "coalesce(d.title, '') || ' ' || coalesce(d.text, '')"
