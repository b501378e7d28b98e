"""The layout of ``search_postings``: sorted segments, so that a search reads only its terms' postings.

What it is: the postings of each refresh are appended as one **segment**, sorted by ``(term, document_id)``
and numbered in ``search_segments``. DuckDB keeps the smallest and largest value of every column per row
group (122,880 rows), so a query for a few terms skips every row group of a segment whose term range does
not hold them: it reads about one row group per segment plus the terms' own postings, not the term
column of every posting (before, a two-word query read all of them: 1.1 s at 10M paragraphs).

Segments are merged size-tiered (``compact``), as a log-structured merge tree does: a segment's level
is how many times ``FANOUT`` its postings exceed ``BASE``; when a level holds ``FANOUT`` segments they are
rewritten as one sorted segment of the next level. So a level holds fewer than ``FANOUT`` segments once
a refresh ends, there are about ``log_FANOUT(postings / BASE)`` levels, and each posting is rewritten
once per level: a refresh pays for what it added (amortized), not for the size of the index.

What it is not: tokenizing or deciding which documents to index (``wiredesk.store.search_index``), nor
ranking (``wiredesk.fulltext.ranking``). Deleted postings (versions no longer current) are removed in
place; the segment counts keep what was written, which only steers merging.
"""

from __future__ import annotations

import math

import duckdb

#: Segments merged at once, and the postings of a level-0 segment (below: level 0; FANOUT times more: 1, ...).
FANOUT = 4
BASE = 50_000


def level_of(postings: int) -> int:
    """The level of a segment of ``postings`` postings: 0 below ``BASE * FANOUT``, then one per factor."""
    return max(0, int(math.log(max(postings, 1) / BASE, FANOUT))) if postings >= BASE * FANOUT else 0


def next_segment(con: duckdb.DuckDBPyConnection) -> int:
    """The number the next segment gets (segments are numbered in the order they are written)."""
    return con.execute("SELECT coalesce(max(segment), 0) + 1 FROM search_segments").fetchone()[0]


def seal_segment(con: duckdb.DuckDBPyConnection, segment: int, chunks: int) -> None:
    """Record ``segment``, appended in ``chunks`` sorted inserts; more than one is rewritten as one sort."""
    if chunks > 1:
        _rewrite(con, [segment], segment)
    postings = con.execute("SELECT count(*) FROM search_postings WHERE segment = ?", [segment]).fetchone()[0]
    if postings:
        con.execute("INSERT INTO search_segments (segment, level, postings) VALUES (?, ?, ?)",
                    [segment, level_of(postings), postings])


def compact(con: duckdb.DuckDBPyConnection) -> int:
    """Merge every level that holds ``FANOUT`` segments, lowest first, until none does; the merges done."""
    merges = 0
    while True:
        full = con.execute(
            "SELECT level, list(segment ORDER BY segment) FROM search_segments GROUP BY level "
            "HAVING count(*) >= ? ORDER BY level LIMIT 1", [FANOUT]).fetchall()
        if not full:
            return merges
        segments = full[0][1]
        merged = next_segment(con)
        _rewrite(con, segments, merged)
        postings = con.execute("SELECT count(*) FROM search_postings WHERE segment = ?", [merged]).fetchone()[0]
        con.execute("DELETE FROM search_segments WHERE segment IN (SELECT unnest(?::INTEGER[]))", [segments])
        if postings:
            # at least one level up: FANOUT segments of a level make a segment of the next, even when
            # deletions left them smaller than the level's size (so merging always ends)
            level = max(level_of(postings), full[0][0] + 1)
            con.execute("INSERT INTO search_segments (segment, level, postings) VALUES (?, ?, ?)",
                        [merged, level, postings])
        merges += 1


def _rewrite(con: duckdb.DuckDBPyConnection, segments: list[int], into: int) -> None:
    """The postings of ``segments`` as one segment ``into``, sorted by term then document, at the table's end."""
    if into in segments:  # re-sorting a segment in place: its rows are set aside first
        con.execute("CREATE TEMP TABLE search_merge AS SELECT term, document_id, tf, n_terms "
                    "FROM search_postings WHERE segment = ?", [into])
        con.execute("DELETE FROM search_postings WHERE segment = ?", [into])
        con.execute("INSERT INTO search_postings (term, document_id, tf, n_terms, segment) "
                    "SELECT term, document_id, tf, n_terms, ? FROM search_merge ORDER BY term, document_id", [into])
        con.execute("DROP TABLE search_merge")
        return
    con.execute("INSERT INTO search_postings (term, document_id, tf, n_terms, segment) "
                "SELECT term, document_id, tf, n_terms, ? FROM search_postings "
                "WHERE segment IN (SELECT unnest(?::INTEGER[])) ORDER BY term, document_id", [into, segments])
    con.execute("DELETE FROM search_postings WHERE segment IN (SELECT unnest(?::INTEGER[]))", [segments])
