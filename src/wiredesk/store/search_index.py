"""The full-text search index: BM25 postings of current document versions, kept in DuckDB tables.

What it is: ``search_documents`` (document length), ``search_postings`` (term, document, frequency) and
``search_index`` (the tokenizer version), maintained *incrementally*: ``refresh_search_index`` indexes
the current documents not indexed yet and drops the postings of versions that stopped being current,
in one transaction; a document re-derived in place by ``wiredesk reprocess`` is indexed again. Cost grows with what is new, not with the database (DuckDB's ``fts`` extension
rebuilds its whole index each time, and cannot be loaded offline here: docs/search.md).

What it is not: the query side (``wiredesk.store.reader.search`` runs ``wiredesk.fulltext.ranking``'s query
on these tables, read-only), nor the tokenizer (``wiredesk.fulltext.terms``: each document's words stemmed
with the Snowball stemmer of its language, in Python; changing it means changing ``TOKENIZER_VERSION``, and
the next refresh then rebuilds the index once).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import duckdb

from wiredesk.fulltext.terms import TOKENIZER_VERSION, index_terms


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

    # 2. current versions not indexed yet: title and body, tokenized with their language's stemmer, in
    #    chunks so that memory stays bounded when a whole database is (re)indexed
    indexed = 0
    after = -1
    while rows := con.execute(
        "SELECT d.document_id, d.derived_run_id, d.language, d.title, d.text FROM documents d "
        "WHERE d.is_current AND d.document_id > ? AND NOT EXISTS "
        "(SELECT 1 FROM search_documents s WHERE s.document_id = d.document_id) ORDER BY d.document_id LIMIT ?",
        [after, INDEX_CHUNK],
    ).fetchall():
        terms, docs, tfs, lengths = [], [], [], []
        for document_id, _derived, language, title, text in rows:
            counts = Counter(index_terms(f"{title or ''} {text or ''}", language))
            terms.extend(counts)
            docs.extend([document_id] * len(counts))
            tfs.extend(counts.values())
            lengths.append(sum(counts.values()))
        con.execute(
            "INSERT INTO search_postings (term, document_id, tf) "
            "SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), unnest(?::INTEGER[])", [terms, docs, tfs])
        con.execute(
            "INSERT INTO search_documents (document_id, n_terms, derived_run_id, run_id) "
            "SELECT unnest(?::BIGINT[]), unnest(?::INTEGER[]), unnest(?::BIGINT[]), ?",
            [[r[0] for r in rows], lengths, [r[1] for r in rows], run_id])
        indexed += len(rows)
        after = rows[-1][0]
    return RefreshResult(indexed=indexed, removed=len(stale), rebuilt=rebuilt)


#: Documents tokenized per round trip when indexing (bounds memory on a full rebuild).
INDEX_CHUNK = 2000
