"""The near-duplicate index in DuckDB: keys in, candidate pairs out, near/partial links written.

All of the near-duplicate stage's SQL, as ``DuckDBParagraphIndex`` (the ``ParagraphIndex`` the stage,
``wiredesk.dedup.near``, decides over), and ``link_near``/``relink``/``rebuild_index`` that run the stage on
a connection.

The index is ``dedup_keys(key, paragraph_id)`` and ``dedup_paragraphs`` (with each paragraph's token sketch),
and ``dedup_runs`` (the lowest paragraph id each run indexed, for the window). A batch is matched against
everything stored with one hash join of the batch's keys (held in memory, a few hundred thousand at most)
against ``dedup_keys``, so nothing of the stored corpus is loaded into Python: only the candidate paragraphs'
rows are read back to verify them.

Every function takes the open connection of the caller's transaction and never commits: links are written
in the same transaction as the batch that caused them. Not the decisions (``verify``, ``links``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

import numpy as np

from wiredesk.dedup import near
from wiredesk.dedup.keys import BatchKeys
from wiredesk.dedup.links import Link
from wiredesk.dedup.minhash import BAND_TAG
from wiredesk.dedup.near import IndexedParagraph, NearResult, StoredFacts
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.sketch import SketchTable
from wiredesk.dedup.tokenwork import Carried
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import StoreError
from wiredesk.store.clusters import rebuild_clusters, rebuild_document_facts, rebuild_novelty, refresh_clusters
from wiredesk.store.sql import id_bounds, id_table

_INDEX_FIELDS = ("min_chars", "num_perm", "bands", "shingle_words", "anchor_words", "anchor_window", "dense_anchor_tokens",
                 "seed", "min_tokens", "roles")

_PARAGRAPH_ROWS = """
        SELECT p.paragraph_id, p.document_id, d.doc_key, d.is_current, p.position, epoch_us(d.published_at), p.role,
               {text}, p.match_hash, coalesce(f.document_id, d.document_id), d.language, p.n_chars
        FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
        LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1
        WHERE p.paragraph_id IN (SELECT id FROM wanted) AND p.paragraph_id BETWEEN $lo AND $hi
        """
_WITH_TEXT = _PARAGRAPH_ROWS.format(text="p.text")
_WITHOUT_TEXT = _PARAGRAPH_ROWS.format(text="NULL")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def load_paragraphs(con, ids: Iterable[int], texts: bool = True) -> dict[int, IndexedParagraph]:
    """The rows verification and ordering need, for the given paragraph ids (``texts=False``: without their
    texts, which only paragraphs whose match tokens are made here or verified on them need).
    ``published_at`` comes back in UTC (read as microseconds: the instant, which is all ordering needs)."""
    wanted = id_table(ids)  # noqa: F841 (read by DuckDB's replacement scan)
    if not len(wanted["id"]):
        return {}
    rows = con.execute(_WITH_TEXT if texts else _WITHOUT_TEXT, id_bounds(wanted)).fetchall()
    return {r[0]: IndexedParagraph(r[0], r[1], r[2], r[3], r[4],
                                   None if r[5] is None else _EPOCH + timedelta(microseconds=r[5]),
                                   r[6], r[7], r[8], r[9], r[10], r[11]) for r in rows}


def load_facts(con, ids: Iterable[int]) -> StoredFacts:
    """Of the given paragraph ids, the stored ones, ascending, with their document's ``is_current``, their role,
    length and whether the index has them (re-indexing is a no-op): one read of a batch, as columns."""
    wanted = id_table(ids)  # noqa: F841
    got = con.execute(
        "SELECT p.paragraph_id, d.is_current, p.role, p.n_chars, x.paragraph_id IS NOT NULL AS indexed "
        "FROM paragraphs p JOIN documents d ON d.document_id = p.document_id LEFT JOIN (SELECT paragraph_id FROM "
        "dedup_paragraphs WHERE paragraph_id BETWEEN $lo AND $hi) x ON x.paragraph_id = p.paragraph_id "
        "WHERE p.paragraph_id IN (SELECT id FROM wanted) AND p.paragraph_id BETWEEN $lo AND $hi ORDER BY 1",
        id_bounds(wanted)).fetchnumpy()
    return StoredFacts(np.asarray(got["paragraph_id"], dtype=np.int64), np.asarray(got["is_current"], dtype=bool),
                       np.asarray(got["role"], dtype=object), np.asarray(got["n_chars"], dtype=np.int64),
                       np.asarray(got["indexed"], dtype=bool))


def insert_keys(con, ids: Sequence[int], batch: BatchKeys, n_tokens: Sequence[int], run_id: int,
                sketches: Sequence[bytes | None] | None = None) -> int:
    """Store the keys and token sketches of newly indexed paragraphs (``batch.owner`` and ``sketches``
    index ``ids``; a ``None`` sketch is stored as NULL); returns key rows written."""
    if not ids:
        return 0
    id_array = np.asarray(ids, dtype=np.int64)
    batch_keys = {"key": batch.keys, "paragraph_id": id_array[batch.owner]}  # noqa: F841
    blobs = np.empty(len(ids), dtype=object)
    blobs[:] = list(sketches) if sketches is not None else [None] * len(ids)
    seen = {  # noqa: F841
        "paragraph_id": id_array,
        "n_tokens": np.asarray(n_tokens, dtype=np.int32),
        "n_keys": np.bincount(batch.owner, minlength=len(ids)).astype(np.int32),
        "sketch": blobs,
    }
    con.execute("INSERT INTO dedup_keys SELECT key, paragraph_id FROM batch_keys")
    con.execute("INSERT INTO dedup_paragraphs (paragraph_id, n_tokens, n_keys, run_id, sketch) "
                "SELECT paragraph_id, n_tokens, n_keys, ?, sketch::BLOB FROM seen", [run_id])
    note_run_lowest(con, run_id, int(id_array.min()))
    return len(batch.keys)


def note_run_lowest(con, run_id: int, lowest: int) -> None:
    """Record that ``run_id`` indexed paragraph ``lowest`` (``dedup_runs`` keeps each run's lowest)."""
    con.execute("UPDATE dedup_runs SET lowest = least(lowest, ?) WHERE run_id = ?", [lowest, run_id])
    con.execute("INSERT INTO dedup_runs SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM dedup_runs WHERE run_id = ?)",
                [run_id, lowest, run_id])


def recount_run_lowest(con, run_id: int) -> None:
    """Recompute ``run_id``'s lowest indexed paragraph from ``dedup_paragraphs`` (after a reprocess gave some
    re-indexed paragraphs their old run back)."""
    con.execute("DELETE FROM dedup_runs WHERE run_id = ?", [run_id])
    con.execute("INSERT INTO dedup_runs SELECT run_id, min(paragraph_id) FROM dedup_paragraphs WHERE run_id = ? "
                "GROUP BY run_id", [run_id])


def load_sketches(con, ids: Iterable[int]) -> SketchTable:
    """The stored token sketches of the given paragraphs (those that have one), as one table."""
    wanted = id_table(ids)  # noqa: F841
    if not len(wanted["id"]):
        return SketchTable.empty()
    # no `sketch IS NOT NULL`: a filter on the column reads every stored sketch, the join only the wanted ones
    got = con.execute("SELECT d.paragraph_id, d.sketch FROM dedup_paragraphs d JOIN wanted w ON d.paragraph_id = w.id "
                      "WHERE d.paragraph_id BETWEEN $lo AND $hi", id_bounds(wanted)).fetchnumpy()
    return SketchTable.of(got["paragraph_id"], [None if b is None or b is np.ma.masked else b for b in got["sketch"]])


def window_start(con, since: datetime, batch: Iterable[int] = ()) -> int | None:
    """The lowest paragraph id indexed by a run started at ``since`` or later (``None``: no such paragraph):
    a look-up in ``dedup_runs`` (one row per run). Ids grow with ingestion, so the paragraphs at or above it
    are the window, and DuckDB skips the older row groups of ``dedup_keys`` by their min/max of
    ``paragraph_id``. ``batch``: the paragraph ids being linked, always in the window (nothing recent: the
    batch alone)."""
    lowest = con.execute(
        """SELECT min(r.lowest) FROM dedup_runs r
           WHERE r.run_id IN (SELECT run_id FROM runs WHERE started_at >= ?)""",
        [since],
    ).fetchone()[0]
    first = min(batch, default=None)
    return first if lowest is None else lowest if first is None else min(lowest, first)


def find_candidates(con, ids: Sequence[int], batch: BatchKeys, settings: DedupSettings,
                    lowest: int | None = None) -> np.ndarray:
    """Undirected candidate pairs as an ``(n, 2)`` array of ``(low_id, high_id)`` rows, sorted and unique: a
    batch paragraph and any stored paragraph (the batch included) sharing a band key or ``min_shared_keys``
    keys; per batch paragraph the ``max_candidates`` sharing most keys. ``lowest``: only stored paragraphs
    from this id up (the window; the batch is always in it)."""
    if not len(batch.keys):
        return np.zeros((0, 2), dtype=np.int64)
    floor = -(2**63) if lowest is None else min(lowest, min(ids))
    probe = {"key": batch.keys, "src": np.asarray(ids, dtype=np.int64)[batch.owner]}  # noqa: F841
    got = con.execute(
        """
        SELECT DISTINCT least(src, dst) AS a, greatest(src, dst) AS b FROM (
            SELECT b.src, k.paragraph_id AS dst, count(*) AS shared
            FROM probe b JOIN dedup_keys k ON k.key = b.key
            WHERE k.paragraph_id <> b.src AND k.paragraph_id >= $floor
            GROUP BY b.src, k.paragraph_id
            HAVING count(*) >= $min_shared OR bool_or(b.key >> 56 = $band_tag)
        )
        QUALIFY row_number() OVER (PARTITION BY src ORDER BY shared DESC, dst) <= $cap
        ORDER BY a, b
        """,
        {"min_shared": settings.min_shared_keys, "band_tag": BAND_TAG, "cap": settings.max_candidates,
         "floor": floor},
    ).fetchnumpy()
    return np.stack([np.asarray(got["a"], dtype=np.int64), np.asarray(got["b"], dtype=np.int64)], axis=1)


def load_current_links(con, ids: Iterable[int]) -> dict[tuple[int, str], Link]:
    """Stored near/partial links of the given paragraphs, keyed by ``(paragraph_id, link_class)``.

    Exact links are the exact stage's (whole clusters of equal text) and are left alone."""
    wanted = id_table(ids)  # noqa: F841
    rows = con.execute(
        """
        SELECT paragraph_id, duplicate_of, kind, similarity FROM duplicates
        WHERE paragraph_id IN (SELECT id FROM wanted) AND kind IN ('near', 'partial')
        ORDER BY paragraph_id, duplicate_of
        """
    ).fetchall()
    out: dict[tuple[int, str], Link] = {}
    for row in rows:
        link = Link(*row)
        out.setdefault((link.paragraph_id, link.link_class), link)
    return out


def write_links(con, new: Sequence[Link], replaced: Sequence[Link], method: str, run_id: int,
                dedup_settings: str | None = None) -> None:
    """Replace superseded links and insert new ones (in the caller's transaction), each in one statement.
    ``dedup_settings``: the fingerprint of the settings that decided them (``duplicates.dedup_settings``)."""
    if replaced:
        gone = {"paragraph_id": np.fromiter((link.paragraph_id for link in replaced), dtype=np.int64),  # noqa: F841
                "duplicate_of": np.fromiter((link.duplicate_of for link in replaced), dtype=np.int64)}
        con.execute("DELETE FROM duplicates USING gone g "
                    "WHERE duplicates.paragraph_id = g.paragraph_id AND duplicates.duplicate_of = g.duplicate_of")
    if not new:
        return
    kinds = np.empty(len(new), dtype=object)
    kinds[:] = [link.kind for link in new]
    links = {  # noqa: F841
        "paragraph_id": np.fromiter((link.paragraph_id for link in new), dtype=np.int64, count=len(new)),
        "duplicate_of": np.fromiter((link.duplicate_of for link in new), dtype=np.int64, count=len(new)),
        "kind": kinds,
        "similarity": np.fromiter((link.similarity for link in new), dtype=np.float64, count=len(new)),
    }
    con.execute(
        "INSERT INTO duplicates (paragraph_id, duplicate_of, kind, similarity, method, run_id, dedup_settings) "
        "SELECT paragraph_id, duplicate_of, kind, similarity, $method, $run_id, $settings FROM links",
        {"method": method, "run_id": run_id, "settings": dedup_settings},
    )


def forget_paragraphs(con, ids: Sequence[int]) -> list[int]:
    """Remove paragraphs (of superseded document versions) from the index and drop their near/partial links.

    Returns the paragraphs whose link pointed to one of them: they must be relinked."""
    if not ids:
        return []
    gone = id_table(ids)  # noqa: F841
    orphans = [r[0] for r in con.execute(
        """
        SELECT DISTINCT paragraph_id FROM duplicates
        WHERE kind IN ('near', 'partial') AND duplicate_of IN (SELECT id FROM gone)
          AND paragraph_id NOT IN (SELECT id FROM gone)
        ORDER BY 1
        """
    ).fetchall()]
    con.execute(
        "DELETE FROM duplicates WHERE kind IN ('near', 'partial') AND "
        "(paragraph_id IN (SELECT id FROM gone) OR duplicate_of IN (SELECT id FROM gone))"
    )
    con.execute("DELETE FROM dedup_keys WHERE paragraph_id IN (SELECT id FROM gone)")
    return orphans


def paragraphs_of_documents(con, document_ids: Sequence[int]) -> list[int]:
    if not document_ids:
        return []
    docs = {"id": np.asarray(document_ids, dtype=np.int64)}  # noqa: F841
    return [r[0] for r in con.execute(
        "SELECT paragraph_id FROM paragraphs WHERE document_id IN (SELECT id FROM docs) ORDER BY 1"
    ).fetchall()]


# -- index versioning ---------------------------------------------------------------------------------------

def index_settings_json(settings: DedupSettings) -> str:
    values = asdict(settings)
    return json.dumps({k: values[k] for k in _INDEX_FIELDS}, sort_keys=True)


def stored_signature_version(con) -> str | None:
    row = con.execute("SELECT signature_version FROM dedup_index").fetchone()
    return row[0] if row else None


def check_index_version(con, settings: DedupSettings, run_id: int | None = None, now: datetime | None = None) -> None:
    """Record the signature version on a fresh index; refuse to mix keys of two versions.

    Raises ``StoreError`` naming the fix (``rebuild_index``) when the stored keys were made with other
    index parameters.
    """
    stored = stored_signature_version(con)
    if stored is None:
        con.execute(
            "INSERT INTO dedup_index VALUES (?, ?, ?, ?)",
            [settings.signature_version, index_settings_json(settings), now or utcnow(), run_id],
        )
    elif stored != settings.signature_version:
        raise StoreError(
            f"the near-duplicate index was built with {stored!r} but the settings give "
            f"{settings.signature_version!r}; rebuild it (`wiredesk dedup-rebuild`) or restore the "
            "[dedup] index settings"
        )


def clear_index(con, settings: DedupSettings, run_id: int | None = None, now: datetime | None = None) -> None:
    """Drop every key and start a fresh index at the current signature version (links are kept)."""
    con.execute("DELETE FROM dedup_keys")
    con.execute("DELETE FROM dedup_paragraphs")
    con.execute("DELETE FROM dedup_runs")
    con.execute("DELETE FROM dedup_index")
    check_index_version(con, settings, run_id, now)


def all_paragraph_ids(con, after: int, limit: int) -> list[int]:
    """Paragraph ids of current documents above ``after``, ascending (for a chunked rebuild)."""
    rows = con.execute(
        """
        SELECT p.paragraph_id FROM paragraphs p JOIN documents d ON d.document_id = p.document_id
        WHERE d.is_current AND p.paragraph_id > ? ORDER BY p.paragraph_id LIMIT ?
        """,
        [after, limit],
    ).fetchall()
    return [r[0] for r in rows]


class DuckDBParagraphIndex:
    """The ``ParagraphIndex`` of ``wiredesk.dedup.near`` on a DuckDB connection, in its open transaction.
    ``now`` is recorded as the build time of a new index (default: the time it is built). ``touched`` collects
    the paragraphs whose links it wrote or dropped (their stored clusters are refreshed after the stage)."""

    def __init__(self, con, now: datetime | None = None):
        self._con = con
        self._now = now
        self.touched: set[int] = set()

    def check_version(self, settings: DedupSettings, run_id: int | None) -> None:
        check_index_version(self._con, settings, run_id, self._now)

    def paragraphs(self, ids: Iterable[int], texts: bool = True) -> dict[int, IndexedParagraph]:
        return load_paragraphs(self._con, ids, texts)

    def facts(self, ids: Iterable[int]) -> StoredFacts:
        return load_facts(self._con, ids)

    def insert_keys(self, ids: Sequence[int], keys: BatchKeys, n_tokens: Sequence[int], run_id: int,
                    sketches: Sequence[bytes | None]) -> int:
        return insert_keys(self._con, ids, keys, n_tokens, run_id, sketches)

    def sketches(self, ids: Iterable[int]) -> SketchTable:
        return load_sketches(self._con, ids)

    def candidates(self, ids: Sequence[int], keys: BatchKeys, settings: DedupSettings) -> np.ndarray:
        lowest = None
        if settings.window_days:
            since = (self._now or utcnow()) - timedelta(days=settings.window_days)
            lowest = window_start(self._con, since, ids)
        return find_candidates(self._con, ids, keys, settings, lowest)

    def current_links(self, ids: Iterable[int]) -> dict[tuple[int, str], Link]:
        return load_current_links(self._con, ids)

    def write_links(self, new: Sequence[Link], replaced: Sequence[Link], method: str, run_id: int,
                    dedup_settings: str | None) -> None:
        self.touched.update(link.paragraph_id for link in (*new, *replaced))
        write_links(self._con, new, replaced, method, run_id, dedup_settings)

    def forget(self, ids: Sequence[int]) -> list[int]:
        orphans = forget_paragraphs(self._con, ids)
        self.touched.update(ids)
        self.touched.update(orphans)
        return orphans

    def paragraphs_of_documents(self, document_ids: Sequence[int]) -> list[int]:
        return paragraphs_of_documents(self._con, document_ids)

    def clear(self, settings: DedupSettings, run_id: int | None) -> None:
        clear_index(self._con, settings, run_id, self._now)

    def paragraph_ids_after(self, after: int, limit: int) -> list[int]:
        return all_paragraph_ids(self._con, after, limit)


# -- the stage on a connection (the writer, reprocess and the tests call these) -----------------------------


def link_near(con, paragraph_ids: Iterable[int], settings: DedupSettings, run_id: int, *,
              superseded_documents: Sequence[int] = (), now: datetime | None = None,
              prefilter: bool = True, carried: Carried | None = None) -> NearResult:
    """Index the given (already stored) paragraphs and write their near/partial links (``dedup.near.link_near``;
    ``carried``: their token work made where they were cleaned), then refresh the stored clusters of every
    paragraph whose links changed (and of the paragraphs never computed)."""
    paragraph_ids = list(paragraph_ids)
    index = DuckDBParagraphIndex(con, now)
    result = near.link_near(index, paragraph_ids, settings, run_id, superseded_documents=superseded_documents,
                            prefilter=prefilter, carried=carried)
    # only what the links changed: the batch's paragraphs never computed are added by refresh_clusters itself,
    # and those computed already (by the exact stage) keep their answers unless their links changed
    started = time.perf_counter()
    refresh_clusters(con, index.touched)
    result.timings["clusters"] = time.perf_counter() - started
    return result


def relink(con, ids: Sequence[int], settings: DedupSettings, run_id: int) -> NearResult:
    """Link already indexed paragraphs again (``dedup.near.relink``); refresh their stored clusters (their
    links may have gone without a replacement)."""
    index = DuckDBParagraphIndex(con)
    result = near.relink(index, ids, settings, run_id)
    refresh_clusters(con, index.touched | set(ids))
    return result


def rebuild_index(con, settings: DedupSettings, run_id: int, chunk: int = 20_000, now: datetime | None = None) -> NearResult:
    """Recompute every key with ``settings`` and re-link, in the caller's transaction (``dedup.near.rebuild_index``);
    then every stored cluster is computed again from the links, the document facts the clusters show from
    ``documents`` and every document's novelty counts (a repair too: a damaged store's cycles are cut)."""
    result = near.rebuild_index(DuckDBParagraphIndex(con, now), settings, run_id, chunk)
    rebuild_document_facts(con)
    rebuild_clusters(con)
    rebuild_novelty(con)
    return result
