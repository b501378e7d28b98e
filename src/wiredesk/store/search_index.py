"""The full-text search index: BM25 postings of current document versions, kept in DuckDB tables.

What it is: ``search_documents`` (document length), ``search_postings`` (term, document, frequency, the
document's length, segment), ``search_segments`` and ``search_index`` (the tokenizer version, the number
of documents and their mean length), maintained *incrementally*: ``refresh_search_index`` indexes the
current documents not indexed yet and drops the postings of versions that stopped being current, in one
transaction; a document re-derived in place by ``wiredesk reprocess`` is indexed again. The new postings
are one sorted segment, merged with others by ``wiredesk.store.search_segments`` so that a query reads
only the row groups of its terms. Cost grows with what is new, not with the database (DuckDB's ``fts``
extension rebuilds its whole index each time, and cannot be loaded offline here: docs/search.md).

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
from wiredesk.store.search_segments import compact, next_segment, seal_segment


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
        con.execute("DELETE FROM search_segments")
        con.execute("DELETE FROM search_documents")
        con.execute("DELETE FROM search_index")
        con.execute("INSERT INTO search_index (tokenizer, built_at, run_id, n_documents) VALUES (?, ?, ?, 0)",
                    [TOKENIZER_VERSION, now, run_id])
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
    #    chunks so that memory stays bounded when a whole database is (re)indexed; their postings make one
    #    new segment, each chunk appended sorted (wiredesk.store.search_segments)
    indexed = chunks = 0
    after = -1
    segment = next_segment(con)
    while ids := [r[0] for r in con.execute(
        "SELECT d.document_id FROM documents d "
        "WHERE d.is_current AND d.document_id > ? AND NOT EXISTS "
        "(SELECT 1 FROM search_documents s WHERE s.document_id = d.document_id) ORDER BY d.document_id LIMIT ?",
        [after, INDEX_CHUNK],
    ).fetchall()]:
        # the ids first, then the texts of those rows only: one query reading both read the title and text
        # of every current document (the ids' scan reads two narrow columns; 48 -> 4 ms at 1M paragraphs)
        rows = con.execute(
            "SELECT document_id, derived_run_id, language, title, text FROM documents "
            "WHERE document_id IN (SELECT unnest(?::BIGINT[])) ORDER BY document_id", [ids]).fetchall()
        terms, docs, tfs, lengths, dls = [], [], [], [], []
        for document_id, _derived, language, title, text in rows:
            counts = Counter(index_terms(f"{title or ''} {text or ''}", language))
            terms.extend(counts)
            docs.extend([document_id] * len(counts))
            tfs.extend(counts.values())
            lengths.append(sum(counts.values()))
            dls.extend([lengths[-1]] * len(counts))
        con.execute(
            "INSERT INTO search_postings (term, document_id, tf, n_terms, segment) "
            "SELECT * FROM (SELECT unnest(?::VARCHAR[]) AS term, unnest(?::BIGINT[]) AS document_id, "
            "unnest(?::INTEGER[]), unnest(?::INTEGER[]), ?) ORDER BY term, document_id",
            [terms, docs, tfs, dls, segment])
        con.execute(
            "INSERT INTO search_documents (document_id, n_terms, derived_run_id, run_id) "
            "SELECT unnest(?::BIGINT[]), unnest(?::INTEGER[]), unnest(?::BIGINT[]), ?",
            [[r[0] for r in rows], lengths, [r[1] for r in rows], run_id])
        indexed += len(rows)
        chunks += 1
        after = rows[-1][0]

    # 3. the new segment sealed, levels merged; BM25's document count and mean length, and the languages
    #    a query is stemmed in, kept for queries
    if indexed:
        seal_segment(con, segment, chunks)
        compact(con)
    if indexed or stale or rebuilt:
        con.execute(
            "UPDATE search_index SET n_documents = s.n, avgdl = s.avgdl, languages = l.languages "
            "FROM (SELECT count(*) AS n, avg(n_terms) AS avgdl FROM search_documents) s, "
            "(SELECT array_agg(language ORDER BY language) AS languages FROM (SELECT DISTINCT d.language "
            "FROM search_documents x JOIN documents d USING (document_id))) l")
    return RefreshResult(indexed=indexed, removed=len(stale), rebuilt=rebuilt)


#: Documents tokenized per round trip when indexing (bounds memory on a full rebuild).
INDEX_CHUNK = 2000
