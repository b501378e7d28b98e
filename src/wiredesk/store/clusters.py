"""The stored answers of the duplicate views: each paragraph's copy link, cluster and novelty, and each
cluster's counts, kept right in the transaction that changes the links (issue 23).

Columns of ``paragraphs`` (the ``stored_view_answers`` migration, docs/schema.md): ``copy_of`` (the earliest paragraph it copies through
an exact or near link), ``cluster_id`` (the earliest copy reached by following ``copy_of``, itself when none),
``novel`` (false when that earliest copy is in another document), ``partial_of`` (its partial link to another
document), and on a cluster's earliest copy, when others copy it, ``cluster_paragraphs``, ``cluster_documents``,
``cluster_sources`` and ``cluster_last_seen``; and copied from its document, ``document_source`` and
``document_seen_at`` (migration ``stored_view_answers_2``). Per document, ``document_novelty_rows`` holds the
counts ``document_novelty`` shows. The views ``paragraph_clusters``, ``duplicate_clusters``,
``novel_paragraphs`` and ``document_novelty`` are plain filters and joins over them: a question about one
document reads that document's rows, however large the store.

Every store function that writes or removes duplicate links (the exact stage ``writer.relink_exact``, the
near stage ``near_index.link_near``/``relink``/``rebuild_index``, reprocess ``rederive``) ends with
``refresh_clusters`` over the paragraphs it touched, in its own transaction:

1. the touched paragraphs (and any paragraph never computed) get their copy link and partial link again from
   ``duplicates``, the earliest copy first (``wiredesk.dedup.links.earliest_rank``'s order, in SQL);
2. when a copy link changed, every paragraph of its old cluster is walked again (a walk through it may now end
   elsewhere), starting from where the unchanged part of the store already says (``dedup.clusters``);
3. the counts of every cluster that lost, gained or re-dated a paragraph are recounted.

Links always point to an earlier copy, so a new paragraph's cluster is its target's. ``rebuild_clusters`` does
the same for the whole store (the migration's backfill, ``wiredesk dedup-rebuild``). A cycle of copy links or a
link to a missing paragraph (a damaged store) is cut, never followed (``wiredesk.dedup.clusters``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from wiredesk.dedup.clusters import resolve_roots
from wiredesk.store.story_answers import recount_outlets_of, recount_story_outlets
from wiredesk.store.sql import id_bounds, id_table

#: Stands for NULL in the int64 columns handed to DuckDB (paragraph ids are positive).
_NONE = np.iinfo(np.int64).min

# A paragraph's copy link is its exact/near link to the earliest copy (published first, unknown dates last,
# then the first version's document id, then position); its partial link, the lowest one into another document.
_LINKS = """
SELECT l.paragraph_id,
       arg_min(l.duplicate_of, (d.published_at IS NULL, coalesce(d.published_at, TIMESTAMPTZ 'epoch'),
                                coalesce(f.document_id, q.document_id), q.position, l.duplicate_of))
           FILTER (WHERE l.kind IN ('exact', 'near')) AS copy_of,
       min(l.duplicate_of) FILTER (WHERE l.kind = 'partial' AND q.document_id <> p.document_id) AS partial_of
FROM duplicates l
JOIN paragraphs p ON p.paragraph_id = l.paragraph_id
JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
JOIN documents d ON d.document_id = q.document_id
LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1
"""
# The same answers for the paragraphs in ``wanted`` only. Their links and the linked paragraphs are read first
# (a few rows), then the documents of those only: joined in ``_LINKS``'s order, DuckDB would join every stored
# document with its first version before filtering, a cost that grows with the store.
_LINKS_OF = """
WITH l AS MATERIALIZED (
    SELECT l.paragraph_id, l.duplicate_of, l.kind, p.document_id AS from_document, q.document_id, q.position
    FROM duplicates l
    JOIN paragraphs p ON p.paragraph_id = l.paragraph_id
    JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
    WHERE l.paragraph_id IN (SELECT id FROM wanted)),
d AS MATERIALIZED (
    SELECT d.document_id, d.published_at, coalesce(f.document_id, d.document_id) AS first_document
    FROM documents d LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1
    WHERE d.document_id IN (SELECT document_id FROM l))
SELECT l.paragraph_id,
       arg_min(l.duplicate_of, (d.published_at IS NULL, coalesce(d.published_at, TIMESTAMPTZ 'epoch'),
                                d.first_document, l.position, l.duplicate_of))
           FILTER (WHERE l.kind IN ('exact', 'near')) AS copy_of,
       min(l.duplicate_of) FILTER (WHERE l.kind = 'partial' AND l.document_id <> l.from_document) AS partial_of
FROM l JOIN d ON d.document_id = l.document_id
GROUP BY l.paragraph_id
"""

# -- what `wiredesk status` checks (read-only; wiredesk.store.reader runs them) ------------------------------

#: Paragraphs whose stored answers disagree with the links: a copy link that is not the earliest copy link, a
#: root that is not its own cluster, a copy outside its copy's cluster, a document source or date that is not
#: its document's (a hand edit, or a write past wiredesk).
OUT_OF_STEP = "WITH links AS (" + _LINKS + "GROUP BY l.paragraph_id)" + """
SELECT count(*) FROM paragraphs p
LEFT JOIN links k ON k.paragraph_id = p.paragraph_id
LEFT JOIN paragraphs t ON t.paragraph_id = p.copy_of
LEFT JOIN documents d ON d.document_id = p.document_id
WHERE p.cluster_id IS NOT NULL
  AND (p.copy_of IS DISTINCT FROM k.copy_of OR (p.copy_of IS NULL AND p.cluster_id <> p.paragraph_id)
       OR (p.copy_of IS NOT NULL AND p.cluster_id <> p.paragraph_id AND p.cluster_id IS DISTINCT FROM t.cluster_id)
       OR p.document_source IS DISTINCT FROM d.source
       OR p.document_seen_at IS DISTINCT FROM coalesce(d.published_at, d.ingested_at))
"""
NOT_COMPUTED = "SELECT count(*) FROM paragraphs WHERE cluster_id IS NULL"
#: Links whose earlier copy is not stored: the views ignore them.
DANGLING = "SELECT count(*) FROM duplicates l ANTI JOIN paragraphs q ON q.paragraph_id = l.duplicate_of"
#: The paragraph each cycle of copy links was cut at (it copies, yet is its own cluster's root).
CUT = "SELECT paragraph_id FROM paragraphs WHERE copy_of IS NOT NULL AND cluster_id = paragraph_id ORDER BY 1"

_STORED = ("SELECT paragraph_id, document_id, copy_of, cluster_id, novel, partial_of FROM paragraphs "
           "WHERE paragraph_id IN (SELECT id FROM wanted)")
_NEVER_COMPUTED = "SELECT paragraph_id, document_id FROM paragraphs WHERE cluster_id IS NULL"
_MEMBERS = ("SELECT paragraph_id, document_id, copy_of, cluster_id, novel, partial_of FROM paragraphs "
            "WHERE cluster_id IN (SELECT id FROM wanted)")


@dataclass(frozen=True)
class ClusterRefresh:
    """What one refresh did: paragraphs whose stored answers changed, clusters recounted, cycles cut."""

    paragraphs: int = 0
    clusters: int = 0
    cut: tuple[int, ...] = ()


@dataclass
class _Row:
    document_id: int
    copy_of: int | None
    cluster_id: int | None
    novel: bool | None
    partial_of: int | None

    @property
    def answers(self) -> tuple:
        return self.copy_of, self.cluster_id, self.novel, self.partial_of


def _rows(con, sql: str, ids: Iterable[int] = ()) -> dict[int, _Row]:
    wanted = id_table(ids)  # noqa: F841 (read by DuckDB's replacement scan)
    if not len(wanted["id"]):  # nothing asked: no statement (a refresh often has no old cluster to read)
        return {}
    return {r[0]: _Row(*r[1:]) for r in con.execute(sql).fetchall()}


def _links(con, ids: Iterable[int]) -> dict[int, tuple[int | None, int | None]]:
    """``paragraph -> (copy link, partial link)`` of the given paragraphs (only those with a link to a stored paragraph)."""
    wanted = id_table(ids)  # noqa: F841
    if not len(wanted["id"]):
        return {}
    return {r[0]: (r[1], r[2]) for r in con.execute(_LINKS_OF).fetchall()}


def _document_ids(con, ids: Iterable[int]) -> dict[int, int]:
    wanted = id_table(ids)  # noqa: F841
    if not len(wanted["id"]):
        return {}
    return dict(con.execute("SELECT paragraph_id, document_id FROM paragraphs WHERE paragraph_id IN "
                            "(SELECT id FROM wanted)").fetchall())


def _stored_roots(con, ids: Iterable[int]) -> dict[int, int]:
    wanted = id_table(ids)  # noqa: F841
    if not len(wanted["id"]):
        return {}
    return dict(con.execute("SELECT paragraph_id, cluster_id FROM paragraphs WHERE paragraph_id IN "
                            "(SELECT id FROM wanted) AND cluster_id IS NOT NULL").fetchall())


def refresh_clusters(con, touched: Iterable[int], recount: Iterable[int] = (),
                     documents: Iterable[int] = ()) -> ClusterRefresh:
    """Bring the stored answers up to date after the links of ``touched`` paragraphs changed (in the caller's
    transaction). ``touched`` may name paragraphs that no longer exist; paragraphs never computed are added.
    ``recount``: clusters that lost a paragraph the caller removed (its stored ``cluster_id``); ``documents``:
    documents that lost paragraphs (their novelty counts are recounted)."""
    fresh = con.execute(_NEVER_COMPUTED).fetchnumpy()
    fresh_documents = set(fresh["document_id"].tolist())
    # the document facts of new paragraphs (those of their documents only: the update reads nothing else)
    _copy_document_facts(con, "documents", fresh_documents)
    novelty = set(documents) | fresh_documents
    # new paragraphs that no link leaves or reaches (most of a batch): their own cluster of one, novel, with
    # nothing to walk or count, written in one statement; the other new ones are read with the touched
    alone = _write_alone(con, fresh["paragraph_id"].tolist())
    # those are done, touched or not: alone in a cluster of one, nothing reaches them to walk or count
    rows = _rows(con, _STORED, (set(touched) | set(fresh["paragraph_id"].tolist())) - alone)
    recount = set(recount)
    if not rows:
        _recount(con, recount)
        _recount_novelty(con, novelty)
        return ClusterRefresh(len(alone), len(recount))
    links = _links(con, rows)
    # 1. the copy links that changed; a paragraph never computed counts as changed
    changed = [pid for pid, row in rows.items()
               if row.cluster_id is None or links.get(pid, (None, None))[0] != row.copy_of]
    # 2. every paragraph of the clusters they were in (their walks may pass through a changed link)
    old_clusters = {rows[pid].cluster_id for pid in changed} - {None}
    if old_clusters:
        members = _rows(con, _MEMBERS, old_clusters)
        links.update(_links(con, members.keys() - rows.keys()))
        rows.update({pid: row for pid, row in members.items() if pid not in rows})
    region = set(changed) | {pid for pid, row in rows.items() if row.cluster_id in old_clusters}
    parents = {pid: links.get(pid, (None, None))[0] for pid in region}
    outside = {p for p in parents.values() if p is not None and p not in region}
    resolved = resolve_roots(parents, _stored_roots(con, outside))
    documents = {pid: row.document_id for pid, row in rows.items()}
    documents.update(_document_ids(con, set(resolved.roots.values()) - documents.keys()))

    # 3. the new answers of every paragraph looked at, written where they differ
    updates: dict[int, tuple] = {}
    for pid, row in rows.items():
        copy_of, partial_of = links.get(pid, (None, None))
        if pid in region:
            root = resolved.roots[pid]
            answers = (copy_of, root, copy_of is None or documents.get(root) == row.document_id, partial_of)
        else:
            answers = (row.copy_of, row.cluster_id, row.novel, partial_of)
        if answers != row.answers:
            updates[pid] = answers
    _write(con, updates)

    # 4. recount the clusters that lost or gained paragraphs, and those of the touched paragraphs (a changed
    # document date or source changes their counts)
    recount |= old_clusters | {updates[pid][1] for pid in updates} | {row.cluster_id for row in rows.values()}
    recount.discard(None)
    _recount(con, recount)
    # 5. the novelty counts of the documents whose paragraphs changed their answers, were added or removed
    _recount_novelty(con, novelty | {rows[pid].document_id for pid in updates})
    return ClusterRefresh(len(updates) + len(alone - updates.keys()), len(recount), tuple(sorted(resolved.cut)))


def _write_alone(con, ids: Iterable[int]) -> set[int]:
    """Of ``ids`` (paragraphs never computed), store the answers of those no link leaves or reaches: copying
    nothing, their own cluster, novel (what the walk gives them). Returns them."""
    wanted = id_table(ids)
    if not len(wanted["id"]):
        return set()
    # the links are read between the lowest and highest id asked: the same rows, and since never computed
    # paragraphs are mostly the newest, DuckDB skips the older row groups of ``duplicates`` by their min/max
    found = con.execute(
        "SELECT w.id FROM wanted w "
        "ANTI JOIN (SELECT paragraph_id FROM duplicates WHERE paragraph_id BETWEEN $lo AND $hi) l "
        "ON l.paragraph_id = w.id "
        "ANTI JOIN (SELECT duplicate_of FROM duplicates WHERE duplicate_of BETWEEN $lo AND $hi) m "
        "ON m.duplicate_of = w.id",
        id_bounds(wanted)).fetchnumpy()["id"]
    alone = {"id": np.asarray(found, dtype=np.int64)}  # noqa: F841
    con.execute("UPDATE paragraphs SET copy_of = NULL, cluster_id = paragraphs.paragraph_id, novel = true, "
                "partial_of = NULL FROM alone a WHERE paragraphs.paragraph_id = a.id")
    return set(alone["id"].tolist())


def refresh_documents(con, document_ids: Iterable[int], touched: Iterable[int] = (),
                      recount: Iterable[int] = ()) -> ClusterRefresh:
    """``refresh_clusters`` for every paragraph of these documents, every paragraph linking to one, and
    ``touched``: after a reprocess re-derived them, a changed date or source changes which copy is earliest
    and what their clusters count. ``recount``: clusters of the paragraphs the reprocess removed."""
    document_ids = list(document_ids)
    docs = id_table(document_ids)  # noqa: F841
    _copy_document_facts(con, "documents", document_ids)
    around = [r[0] for r in con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE document_id IN (SELECT id FROM docs) UNION "
        "SELECT l.paragraph_id FROM duplicates l JOIN paragraphs q ON q.paragraph_id = l.duplicate_of "
        "WHERE q.document_id IN (SELECT id FROM docs)").fetchall()]
    return refresh_clusters(con, [*around, *touched], recount, document_ids)


def _write(con, updates: dict[int, tuple]) -> None:
    if not updates:
        return
    ids = list(updates)
    changes = {  # noqa: F841
        "id": np.asarray(ids, dtype=np.int64),
        "copy_of": np.asarray([_NONE if updates[i][0] is None else updates[i][0] for i in ids], dtype=np.int64),
        "cluster_id": np.asarray([updates[i][1] for i in ids], dtype=np.int64),
        "novel": np.asarray([bool(updates[i][2]) for i in ids], dtype=bool),
        "partial_of": np.asarray([_NONE if updates[i][3] is None else updates[i][3] for i in ids], dtype=np.int64),
    }
    con.execute(
        """
        UPDATE paragraphs SET copy_of = nullif(u.copy_of, $none), cluster_id = u.cluster_id, novel = u.novel,
                              partial_of = nullif(u.partial_of, $none)
        FROM changes u WHERE paragraphs.paragraph_id = u.id
        """, {"none": int(_NONE)})


def _recount(con, clusters: Iterable[int]) -> None:
    wanted = id_table(clusters)
    if not len(wanted["id"]):
        return
    # the counts duplicate_clusters shows, on the earliest copy of each cluster with more than one paragraph,
    # and none on the others; one statement, written only where they differ (one read of the store, not two).
    # The id range of the clusters asked (implied by the IN) lets DuckDB skip the row groups of older
    # paragraphs by their min/max: ids and cluster ids grow with ingestion, and the clusters a batch touches
    # are mostly recent
    con.execute(
        """
        UPDATE paragraphs SET cluster_paragraphs = a.n_paragraphs, cluster_documents = a.n_documents,
                              cluster_sources = a.n_sources, cluster_last_seen = a.last_seen
        FROM (SELECT w.id, c.n_paragraphs, c.n_documents, c.n_sources, c.last_seen
              FROM wanted w LEFT JOIN (
                  SELECT p.cluster_id, count(*) AS n_paragraphs, count(DISTINCT p.document_id) AS n_documents,
                         count(DISTINCT coalesce(d.source, d.doc_key)) AS n_sources,
                         max(coalesce(d.published_at, d.ingested_at)) AS last_seen
                  FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
                  WHERE p.cluster_id IN (SELECT id FROM wanted) AND p.cluster_id BETWEEN $lo AND $hi
                  GROUP BY p.cluster_id HAVING count(*) > 1) c ON c.cluster_id = w.id) a
        WHERE paragraphs.paragraph_id = a.id AND paragraphs.paragraph_id BETWEEN $lo AND $hi
          AND (paragraphs.cluster_paragraphs IS DISTINCT FROM a.n_paragraphs
               OR paragraphs.cluster_documents IS DISTINCT FROM a.n_documents
               OR paragraphs.cluster_sources IS DISTINCT FROM a.n_sources
               OR paragraphs.cluster_last_seen IS DISTINCT FROM a.last_seen)
        """, id_bounds(wanted))


_NOVELTY = """
INSERT INTO document_novelty_rows
SELECT document_id, count(*), count(*) FILTER (WHERE novel), count(*) FILTER (WHERE novel AND partial_of IS NOT NULL),
       sum(n_chars), coalesce(sum(n_chars) FILTER (WHERE novel), 0)
FROM paragraphs WHERE role = 'body' AND {scope} GROUP BY document_id
"""
# the documents' id range as well (implied by the IN): their paragraphs are stored together, in id order, so
# DuckDB skips the row groups outside it by their min/max
_NOVELTY_OF = _NOVELTY.format(scope="document_id IN (SELECT id FROM wanted) AND document_id BETWEEN $lo AND $hi")
_NOVELTY_ALL = _NOVELTY.format(scope="true")


def _recount_novelty(con, document_ids: Iterable[int]) -> None:
    """Count again the body paragraphs, novel ones and their characters of these documents
    (``document_novelty_rows``, what ``document_novelty`` shows), and what ``story_outlets`` shows for their
    stories (it sums those counts)."""
    wanted = id_table(document_ids)
    if not len(wanted["id"]):
        return
    con.execute("DELETE FROM document_novelty_rows WHERE document_id IN (SELECT id FROM wanted)")
    con.execute(_NOVELTY_OF, id_bounds(wanted))
    recount_outlets_of(con, wanted["id"])


def rebuild_clusters(con) -> ClusterRefresh:
    """Compute every paragraph's stored answers again from ``duplicates`` (in the caller's transaction): the
    backfill of the ``stored_view_answers`` migration and the end of ``wiredesk dedup-rebuild``."""
    linked = [r[0] for r in con.execute("SELECT DISTINCT paragraph_id FROM duplicates").fetchall()]
    links = _links(con, linked)
    parents = {pid: copy_of for pid, (copy_of, _) in links.items() if copy_of is not None}
    resolved = resolve_roots(parents, {})
    documents = _document_ids(con, set(links) | set(resolved.roots.values()))
    # every paragraph as if it copied nothing (only the rows that are not already so are written)
    con.execute(
        """
        UPDATE paragraphs SET copy_of = NULL, cluster_id = paragraph_id, novel = true, partial_of = NULL,
                              cluster_paragraphs = NULL, cluster_documents = NULL, cluster_sources = NULL,
                              cluster_last_seen = NULL
        WHERE copy_of IS NOT NULL OR cluster_id IS DISTINCT FROM paragraph_id OR novel IS DISTINCT FROM true
           OR partial_of IS NOT NULL OR cluster_paragraphs IS NOT NULL
        """)
    updates = {}
    for pid, (copy_of, partial_of) in links.items():
        root = resolved.roots.get(pid, pid)
        updates[pid] = (copy_of, root, copy_of is None or documents[root] == documents[pid], partial_of)
    _write(con, updates)
    roots = set(resolved.roots.values())
    _recount(con, roots)
    return ClusterRefresh(len(updates), len(roots), tuple(sorted(resolved.cut)))


#: Which paragraphs ``_copy_document_facts`` brings up to date (constant conditions only; ``docs`` is bound).
_FACTS_SCOPES = {"documents": "paragraphs.document_id IN (SELECT id FROM docs) AND d.document_id IN (SELECT id FROM docs)",
                 "all": "true"}


def _copy_document_facts(con, scope: str, document_ids: Iterable[int] = ()) -> None:
    """Copy the document's source and first-seen instant (``published_at``, else ``ingested_at``) to those of
    its paragraphs in ``scope`` (``documents``: of ``document_ids``; ``all``) where
    they differ: the columns ``duplicate_clusters`` shows (migration ``stored_view_answers_2``), so that view
    reads one table."""
    docs = id_table(document_ids)  # read by DuckDB's replacement scan
    if scope == "documents" and not len(docs["id"]):
        return
    con.execute(
        f"""
        UPDATE paragraphs SET document_source = d.source, document_seen_at = coalesce(d.published_at, d.ingested_at)
        FROM documents d
        WHERE d.document_id = paragraphs.document_id AND {_FACTS_SCOPES[scope]}
          AND (paragraphs.document_source IS DISTINCT FROM d.source
               OR paragraphs.document_seen_at IS DISTINCT FROM coalesce(d.published_at, d.ingested_at))
        """)


def rebuild_novelty(con, *, outlets: bool = True) -> None:
    """Count every document's body paragraphs and novel ones again (``document_novelty_rows``; the end of
    ``wiredesk dedup-rebuild``, after ``rebuild_clusters``), then every story's ``story_outlets`` rows
    (``outlets=False``: not; only migration 0014's backfill, before that table)."""
    con.execute("DELETE FROM document_novelty_rows")
    con.execute(_NOVELTY_ALL)
    if outlets:
        recount_story_outlets(con)


def rebuild_document_facts(con) -> None:
    """Copy every document's source and first-seen instant to its paragraphs again where they differ (a repair
    of a hand-edited store, run by ``wiredesk dedup-rebuild``). New paragraphs get them when their clusters are
    first computed, re-derived documents' paragraphs when ``refresh_documents`` runs."""
    _copy_document_facts(con, "all")
