"""Site furniture from the store: the short paragraphs that earlier documents of the same site carried.

What it is: one read (``site_lines``) answering, for each ``(host, run)`` asked, which short paragraphs
(by ``match_hash``) documents of that host stored by *earlier runs* carried, and on how many documents (by
``doc_key``, any version). The cleaner makes such a line boilerplate on a new page of the site
(``wiredesk.clean.paragraphs.assign_roles``). Counting only earlier runs keeps roles independent of how a
run cuts its inputs into batches, and lets ``wiredesk reprocess`` give every document the roles its ingest
gave it (the same question, asked with the document's own ``run_id``). Every paragraph counts whatever its
role, so a line's role never feeds back into the counts.

What it is not: the decision (``wiredesk.clean``), nor a cache: the answer is read from ``paragraphs`` and
``documents`` each time (a scan of ``documents.host``), over at most ``SITE_DOCUMENTS`` documents of
each host (the latest ones).
"""

from __future__ import annotations

from collections.abc import Sequence

from wiredesk.clean.furniture import SITE_LINE_MAX_CHARS, SITE_MIN_PAGES

#: At most this many documents of a host (its latest, by id) are read for one answer: bounded per host.
SITE_DOCUMENTS = 200
#: At most this many lines per host are returned (those carried by most documents first).
SITE_LINES_CAP = 500


def site_lines(con, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], frozenset[int]]:
    """``{(host, run_id): match hashes}`` of the short paragraphs carried by at least ``SITE_MIN_PAGES - 1``
    documents of ``host`` stored by runs before ``run_id`` (the page asking makes the last one)."""
    wanted = sorted(set(wanted))
    if not wanted:
        return {}
    rows = con.execute(
        """
        WITH asked AS (SELECT unnest(?::VARCHAR[]) AS host, unnest(?::BIGINT[]) AS before_run),
        docs AS (
            SELECT a.host, a.before_run, d.document_id, d.doc_key
            FROM asked a JOIN documents d ON d.host = a.host AND d.run_id < a.before_run
            QUALIFY row_number() OVER (PARTITION BY a.host, a.before_run ORDER BY d.document_id DESC) <= ?
        ),
        lines AS (
            SELECT docs.host, docs.before_run, p.match_hash, count(DISTINCT docs.doc_key) AS carried
            FROM docs JOIN paragraphs p ON p.document_id = docs.document_id
            WHERE p.n_chars <= ?
            GROUP BY ALL
            HAVING count(DISTINCT docs.doc_key) >= ?
        )
        SELECT host, before_run, match_hash FROM lines
        QUALIFY row_number() OVER (PARTITION BY host, before_run ORDER BY carried DESC, match_hash) <= ?
        """,
        [[h for h, _ in wanted], [r for _, r in wanted], SITE_DOCUMENTS, SITE_LINE_MAX_CHARS, SITE_MIN_PAGES - 1,
         SITE_LINES_CAP],
    ).fetchall()
    out: dict[tuple[str, int], set[int]] = {key: set() for key in wanted}
    for host, run, h in rows:
        out[(host, run)].add(h)
    return {key: frozenset(v) for key, v in out.items()}
