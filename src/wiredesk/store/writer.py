"""The single writer: the only code that writes wiredesk's tables.

A batch (documents, paragraphs, exact-duplicate links, raw inputs, per-item state, failures and the
run's counters) is written in ONE transaction: it all lands, or the database stays exactly as it was.
Writing is idempotent: an item whose bytes were already stored, or whose cleaned content is unchanged,
adds no document; so a rerun, or a rerun after a crash, stores nothing twice and loses nothing.

Not here: deciding what is a duplicate (``wiredesk.dedup``), cleaning, or any Prefect code. Callers
pass data, never SQL; every value reaches DuckDB as a bound parameter.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from wiredesk.dedup.exact import ParagraphRef, exact_links
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import StoreError
from wiredesk.domain.lineage import meta_to_json
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.normalize import content_hash, match_hash
from wiredesk.domain.settings import DedupSettings
from wiredesk.domain.versions import EXACT_DEDUP_VERSION, PARAGRAPHS_VERSION, PIPELINE_VERSION
from wiredesk.events.model import Extraction
from wiredesk.ops.faults import checkpoint
from wiredesk.store.access import WRITE_WAIT_SECONDS, DatabaseBusyError, connect_retrying
from wiredesk.store.events import regroup_events, store_extractions
from wiredesk.store.feeds import FeedBatch, write_feed_batch  # issue 3
from wiredesk.store.migrate import migrate
from wiredesk.store.near_links import NearResult, link_near, rebuild_index

_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_SQL_TYPE = re.compile(r"[A-Z]+(\[\])?")

RAW_CODEC = "zlib"
# Level 3: on the AEB pages 2.3x faster than the default 6 for 11% larger output (4.5x vs 5.1x smaller than raw).
RAW_LEVEL = 3


@dataclass(frozen=True)
class Batch:
    """One batch to store: cleaned items with their articles, items planned as unchanged, failures."""

    cleaned: tuple[tuple[InputItem, Article], ...] = ()
    unchanged: tuple[InputItem, ...] = ()
    failures: tuple[Failure, ...] = ()
    #: event extraction of the cleaned articles, by ``doc_key`` (``wiredesk.events``; empty when disabled)
    events: tuple[Extraction, ...] = ()
    #: issue 3: feed sources' state, entry keys and fetch log produced with these items
    feeds: "FeedBatch | None" = None


@dataclass
class BatchCounts:
    """What storing one batch did. Added up over batches into the run's summary."""

    documents_new: int = 0
    documents_updated: int = 0
    items_unchanged: int = 0
    items_failed: int = 0
    paragraphs_new: int = 0
    duplicates_new: int = 0
    event_mentions_new: int = 0
    events_written: int = 0
    paragraphs_by_role: Counter = field(default_factory=Counter)

    def add(self, other: "BatchCounts") -> None:
        for name in ("documents_new", "documents_updated", "items_unchanged", "items_failed", "paragraphs_new", "duplicates_new",
                     "event_mentions_new", "events_written"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.paragraphs_by_role.update(other.paragraphs_by_role)


def insert_columns(con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, tuple[str, list]]) -> None:
    """Bulk insert column lists (``name -> (SQL type, values)``) with one statement of zipped unnests.

    Much faster than ``executemany`` and still fully parameterized: ``table`` and column names are
    constants of this module, never input.
    """
    names = list(columns)
    # The statement is built from the table, column and type names: refuse anything that is not a plain
    # identifier, so no string can ever reach SQL text through here (tests/test_sql_surface.py).
    bad = [x for x in (table, *names) if not _IDENTIFIER.fullmatch(x)] + [
        t for t, _ in columns.values() if not _SQL_TYPE.fullmatch(t)]
    if bad:
        raise StoreError(f"insert_columns: not a plain SQL identifier or type: {bad!r}")
    if not names or not columns[names[0]][1]:
        return
    select = ", ".join(f"unnest(${i + 1}::{columns[n][0]}[])" for i, n in enumerate(names))
    con.execute(f"INSERT INTO {table} ({', '.join(names)}) SELECT {select}", [columns[n][1] for n in names])


class Store:
    """A read-write wiredesk database. Open with ``Store.open(path)``; use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> "Store":
        """Open (creating if needed) and migrate the database at ``path``."""
        path = str(path)
        created = False
        if path != ":memory:":
            parent = Path(path).parent
            if not parent.exists():
                raise StoreError(f"cannot create database {path}: folder {parent} does not exist")
            created = not Path(path).exists()
        try:
            # readers may hold the file for a moment: wait for them (bounded), as they wait for us
            con = connect_retrying(path, read_only=False, wait=WRITE_WAIT_SECONDS) if path != ":memory:" else duckdb.connect(path)
        except DatabaseBusyError:
            raise
        except duckdb.Error as exc:
            if created:  # e.g. a full disk cut the new file's header: an unopenable file would block every rerun
                _remove_new_database(path)
            raise StoreError(f"cannot open database {path}: {exc}") from exc
        try:
            migrate(con)
        except Exception:
            con.close()
            raise
        return cls(con, path)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- runs ---------------------------------------------------------------------------------------

    def start_run(self, inputs: Sequence[str], now: datetime, flow_run_id: str | None = None, *,
                  kind: str = "ingest", code_versions: dict | None = None) -> int:
        """Record a new run as ``running`` (and any run a crash left ``running`` as ``abandoned``).

        ``kind`` is ``ingest``, ``reprocess`` or ``dedup-rebuild``; ``code_versions`` (default
        ``wiredesk.domain.lineage.code_versions()``) is stored as JSON in ``runs.code_versions`` (issue 6)."""
        import json

        from wiredesk.domain.lineage import code_versions as current_versions
        with self._transaction():
            self.con.execute(
                "UPDATE runs SET status = 'abandoned', error = 'the process ended before the run finished' "
                "WHERE status = 'running'"
            )
            run_id = self.con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]
            self.con.execute(
                "INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs, flow_run_id, kind, code_versions) "
                "VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
                [run_id, now, PIPELINE_VERSION, list(inputs), flow_run_id, kind,
                 json.dumps(code_versions or current_versions(), sort_keys=True)],
            )
        return run_id

    def finish_run(self, run_id: int, now: datetime, status: str = "completed", error: str | None = None) -> None:
        with self._transaction():
            self.con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, error = ? WHERE run_id = ?", [now, status, error, run_id]
            )

    def refresh_search_index(self, now: datetime, run_id: int | None = None) -> "RefreshResult":
        """Issue 6: bring the full-text index up to date with the current documents, in one transaction
        (``wiredesk.store.search_index``)."""
        from wiredesk.store.search_index import refresh_search_index

        with self._transaction():
            return refresh_search_index(self.con, now, run_id)

    def record_failures(self, run_id: int, failures: Iterable[Failure], now: datetime) -> None:
        """Record failures outside a batch (e.g. files that could not even be discovered)."""
        with self._transaction():
            self._insert_failures(run_id, list(failures), now)

    # -- planning reads -----------------------------------------------------------------------------

    def known_raw_hashes(self, origins: Iterable[str]) -> dict[str, str]:
        """``origin -> raw_sha256`` last stored for each of ``origins`` that was seen before."""
        origins = list(origins)
        if not origins:
            return {}
        rows = self.con.execute(
            "SELECT origin, raw_sha256 FROM item_state WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [origins]
        ).fetchall()
        return dict(rows)

    # -- the batch write ----------------------------------------------------------------------------

    def write_batch(self, run_id: int, batch: Batch, dedup: DedupSettings, now: datetime,
                    events_window_days: int = 30) -> BatchCounts:
        """Store one batch in one transaction and return what it did. Raises ``StoreError``; then
        nothing of the batch is stored."""
        with self._transaction():
            counts = self._write_batch(run_id, batch, dedup, now, events_window_days)
        checkpoint("store:committed")
        return counts

    def _write_batch(self, run_id: int, batch: Batch, dedup: DedupSettings, now: datetime,
                     events_window_days: int = 30) -> BatchCounts:
        con = self.con
        checkpoint("store:begin")
        counts = BatchCounts(items_failed=len(batch.failures))
        origins = [item.origin for item, _ in batch.cleaned]
        known = self.known_raw_hashes(origins)
        keys = sorted({article.doc_key for _, article in batch.cleaned})
        current = {
            key: (doc_id, version, chash)
            for key, doc_id, version, chash in con.execute(
                "SELECT doc_key, document_id, version, content_hash FROM documents "
                "WHERE is_current AND doc_key IN (SELECT unnest(?::VARCHAR[]))",
                [keys],
            ).fetchall()
        }
        next_doc = con.execute("SELECT coalesce(max(document_id), 0) + 1 FROM documents").fetchone()[0]
        next_par = con.execute("SELECT coalesce(max(paragraph_id), 0) + 1 FROM paragraphs").fetchone()[0]

        docs: dict[str, list] = {k: [] for k in _DOCUMENT_COLUMNS}
        pars: dict[str, list] = {k: [] for k in _PARAGRAPH_COLUMNS}
        raws: dict[str, InputItem] = {}
        states: dict[str, tuple] = {}
        superseded: list[int] = []
        new_paragraph_ids: list[int] = []
        dedup_hashes: set[int] = set()
        roles = set(dedup.roles)

        for item, article in batch.cleaned:
            if known.get(item.origin) == item.raw_sha256:  # stored meanwhile: idempotent
                counts.items_unchanged += 1
                continue
            known[item.origin] = item.raw_sha256
            raws.setdefault(item.raw_sha256, item)
            text = article.text
            chash = content_hash(text)
            cur = current.get(article.doc_key)
            if cur is not None and cur[2] == chash:
                # new bytes, same content (an ad or a timestamp changed): remember the bytes, no new version
                counts.items_unchanged += 1
                states[item.origin] = (item.raw_sha256, article.doc_key, cur[0])
                continue
            doc_id, next_doc = next_doc, next_doc + 1
            version = cur[1] + 1 if cur else 1
            if cur:
                superseded.append(cur[0])
                counts.documents_updated += 1
            else:
                counts.documents_new += 1
            current[article.doc_key] = (doc_id, version, chash)
            states[item.origin] = (item.raw_sha256, article.doc_key, doc_id)
            for name, value in (
                ("document_id", doc_id), ("doc_key", article.doc_key), ("version", version), ("is_current", True),
                ("url", article.url), ("title", article.title), ("authors", list(article.authors)),
                ("source", article.source), ("published_at", article.published_at), ("language", article.language),
                ("text", text), ("content_hash", chash), ("origin", item.origin), ("kind", item.kind),
                ("raw_sha256", item.raw_sha256), ("cleaner", article.cleaner), ("pipeline_version", PIPELINE_VERSION),
                ("run_id", run_id), ("ingested_at", now),
                ("derived_run_id", run_id), ("supplied_meta", meta_to_json(item.meta)),  # issue 6: lineage
            ):
                docs[name].append(value)
            for p in article.paragraphs:
                h = match_hash(p.text)
                for name, value in (
                    ("paragraph_id", next_par), ("document_id", doc_id), ("position", p.position), ("role", p.role),
                    ("text", p.text), ("attached_to", p.attached_to), ("match_hash", h), ("n_chars", len(p.text)),
                    ("derived_by", PARAGRAPHS_VERSION), ("run_id", run_id),
                ):
                    pars[name].append(value)
                new_paragraph_ids.append(next_par)
                counts.paragraphs_by_role[p.role] += 1
                if p.role in roles and len(p.text) >= dedup.min_chars:
                    dedup_hashes.add(h)
                next_par += 1
        counts.paragraphs_new = len(new_paragraph_ids)

        # 1. raw bytes (compressed), only those not stored yet
        stored_raw = set()
        if raws:
            stored_raw = {
                r[0]
                for r in con.execute(
                    "SELECT raw_sha256 FROM raw_pages WHERE raw_sha256 IN (SELECT unnest(?::VARCHAR[]))", [list(raws)]
                ).fetchall()
            }
        fresh = [item for sha, item in raws.items() if sha not in stored_raw]
        insert_columns(con, "raw_pages", {
            "raw_sha256": ("VARCHAR", [i.raw_sha256 for i in fresh]),
            "origin": ("VARCHAR", [i.origin for i in fresh]),
            "kind": ("VARCHAR", [i.kind for i in fresh]),
            "size_bytes": ("BIGINT", [len(i.raw) for i in fresh]),
            "codec": ("VARCHAR", [RAW_CODEC] * len(fresh)),
            "data": ("BLOB", [zlib.compress(i.raw, RAW_LEVEL) for i in fresh]),
            "run_id": ("BIGINT", [run_id] * len(fresh)),
            "stored_at": ("TIMESTAMPTZ", [now] * len(fresh)),
        })
        checkpoint("store:raw")

        # 2. documents and paragraphs; older versions stop being current
        if superseded:
            con.execute("UPDATE documents SET is_current = false WHERE document_id IN (SELECT unnest(?::BIGINT[]))", [superseded])
            dedup_hashes.update(
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT match_hash FROM paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[]))",
                    [superseded],
                ).fetchall()
            )
        insert_columns(con, "documents", {k: (_DOCUMENT_COLUMNS[k], v) for k, v in docs.items()})
        insert_columns(con, "paragraphs", {k: (_PARAGRAPH_COLUMNS[k], v) for k, v in pars.items()})
        checkpoint("store:documents")

        # 3. per-item state, committed with the data it describes
        unchanged_origins = [i.origin for i in batch.unchanged]
        counts.items_unchanged += len(unchanged_origins)
        if unchanged_origins:
            con.execute(
                "UPDATE item_state SET last_seen_run = ? WHERE origin IN (SELECT unnest(?::VARCHAR[]))",
                [run_id, unchanged_origins],
            )
        if states:
            origins_changed = list(states)
            con.execute("DELETE FROM item_state WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [origins_changed])
            insert_columns(con, "item_state", {
                "origin": ("VARCHAR", origins_changed),
                "raw_sha256": ("VARCHAR", [states[o][0] for o in origins_changed]),
                "doc_key": ("VARCHAR", [states[o][1] for o in origins_changed]),
                "document_id": ("BIGINT", [states[o][2] for o in origins_changed]),
                "last_seen_run": ("BIGINT", [run_id] * len(origins_changed)),
                "last_changed_run": ("BIGINT", [run_id] * len(origins_changed)),
            })
        checkpoint("store:state")

        # 4. exact-duplicate links of every cluster this batch touched, recomputed whole
        fresh_ids = set(new_paragraph_ids)
        counts.duplicates_new = self._relink_exact(sorted(dedup_hashes), superseded, fresh_ids, dedup, run_id)
        checkpoint("store:exact")

        # 5. near-duplicate and partial links against everything stored (wiredesk.store.near_links)
        near = link_near(con, new_paragraph_ids, dedup, run_id, superseded_documents=superseded)
        counts.duplicates_new += sum(1 for link in near.new_links if link.paragraph_id in fresh_ids)
        checkpoint("store:near")

        # 6. event mentions of the new versions, then their events regrouped (wiredesk.store.events)
        new_doc_ids = {key: doc_id for key, doc_id in zip(docs["doc_key"], docs["document_id"])}
        counts.event_mentions_new = store_extractions(con, run_id, new_doc_ids, batch.events)
        if batch.events or superseded:
            counts.events_written = regroup_events(con, run_id, sorted(new_doc_ids.values()), superseded,
                                                   events_window_days)
        checkpoint("store:events")

        # 7. feed sources' state, entry keys and fetch log, with the documents they produced
        if batch.feeds is not None:
            write_feed_batch(con, run_id, batch.feeds)
            checkpoint("store:feeds")

        # 8. failures and the run's counters
        self._insert_failures(run_id, list(batch.failures), now)
        con.execute(
            "UPDATE runs SET items_seen = items_seen + ?, documents_new = documents_new + ?, "
            "documents_updated = documents_updated + ?, items_unchanged = items_unchanged + ?, "
            "items_failed = items_failed + ?, paragraphs_new = paragraphs_new + ?, duplicates_new = duplicates_new + ?, "
            "event_mentions_new = event_mentions_new + ?, events_written = events_written + ? "
            "WHERE run_id = ?",
            [
                len(batch.cleaned) + len(batch.unchanged) + len(batch.failures), counts.documents_new,
                counts.documents_updated, counts.items_unchanged, counts.items_failed, counts.paragraphs_new,
                counts.duplicates_new, counts.event_mentions_new, counts.events_written, run_id,
            ],
        )
        checkpoint("store:counters")
        return counts

    def rebuild_near_index(self, dedup: DedupSettings) -> "NearResult":
        """Rebuild the near-duplicate index with ``dedup``'s index settings, as its own recorded run (issue 4)."""
        run_id = self.start_run(["dedup-rebuild"], utcnow(), kind="dedup-rebuild")
        try:
            with self._transaction():
                result = rebuild_index(self.con, dedup, run_id)
        except Exception as exc:
            self.finish_run(run_id, utcnow(), "failed", f"{type(exc).__name__}: {exc}")
            raise
        self.finish_run(run_id, utcnow())
        return result

    def _relink_exact(self, hashes: list[int], superseded: list[int], new_ids: set[int], dedup: DedupSettings, run_id: int) -> int:
        """Replace the exact links of the clusters with these match hashes; return links from new paragraphs."""
        con = self.con
        if superseded:
            # paragraphs of superseded versions leave every exact cluster
            con.execute(
                "DELETE FROM duplicates WHERE kind = 'exact' AND (paragraph_id IN (SELECT paragraph_id FROM paragraphs "
                "WHERE document_id IN (SELECT unnest(?::BIGINT[]))) OR duplicate_of IN (SELECT paragraph_id FROM "
                "paragraphs WHERE document_id IN (SELECT unnest(?::BIGINT[]))))",
                [superseded, superseded],
            )
        if not hashes:
            return 0
        rows = con.execute(
            "SELECT p.paragraph_id, p.match_hash, d.published_at, p.document_id, p.position, "
            "coalesce(f.document_id, p.document_id) "  # ties broken on the first version (links keep direction)
            "FROM paragraphs p JOIN documents d USING (document_id) "
            "LEFT JOIN documents f ON f.doc_key = d.doc_key AND f.version = 1 "
            "WHERE d.is_current AND p.match_hash IN (SELECT unnest(?::BIGINT[])) "
            "AND p.role IN (SELECT unnest(?::VARCHAR[])) AND p.n_chars >= ?",
            [hashes, list(dedup.roles), dedup.min_chars],
        ).fetchall()
        refs = [ParagraphRef(*r) for r in rows]
        members = [r.paragraph_id for r in refs]
        con.execute(
            "DELETE FROM duplicates WHERE kind = 'exact' AND paragraph_id IN (SELECT unnest(?::BIGINT[]))", [members]
        )
        links = exact_links(refs)
        insert_columns(con, "duplicates", {
            "paragraph_id": ("BIGINT", [lk.paragraph_id for lk in links]),
            "duplicate_of": ("BIGINT", [lk.duplicate_of for lk in links]),
            "kind": ("VARCHAR", [lk.kind for lk in links]),
            "similarity": ("DOUBLE", [lk.similarity for lk in links]),
            "method": ("VARCHAR", [EXACT_DEDUP_VERSION] * len(links)),
            "run_id": ("BIGINT", [run_id] * len(links)),
            "dedup_settings": ("VARCHAR", [dedup.fingerprint] * len(links)),
        })
        return sum(1 for lk in links if lk.paragraph_id in new_ids)

    def _insert_failures(self, run_id: int, failures: list[Failure], now: datetime) -> None:
        insert_columns(self.con, "failures", {
            "run_id": ("BIGINT", [run_id] * len(failures)),
            "origin": ("VARCHAR", [f.origin for f in failures]),
            "stage": ("VARCHAR", [f.stage for f in failures]),
            "reason": ("VARCHAR", [f.reason for f in failures]),
            "message": ("VARCHAR", [f.message for f in failures]),
            "failed_at": ("TIMESTAMPTZ", [now] * len(failures)),
        })

    def _transaction(self):
        return _Transaction(self.con)


def _remove_new_database(path: str) -> None:
    """Remove a database file this process just tried to create, and its WAL (nothing was stored in it)."""
    for leftover in (Path(path), Path(path + ".wal")):
        try:
            leftover.unlink()
        except OSError:
            pass


class _Transaction:
    """BEGIN ... COMMIT, or ROLLBACK on any error (DuckDB errors become ``StoreError``)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            try:
                self.con.execute("COMMIT")
            except duckdb.Error as err:
                raise StoreError(f"commit failed: {err}") from err
            return False
        try:
            self.con.execute("ROLLBACK")
        except duckdb.Error:
            pass  # the transaction is already aborted; the original error is what matters
        if isinstance(exc, duckdb.Error):
            raise StoreError(f"database write failed, batch rolled back: {exc}") from exc
        return False


_DOCUMENT_COLUMNS = {
    "document_id": "BIGINT", "doc_key": "VARCHAR", "version": "INTEGER", "is_current": "BOOLEAN",
    "url": "VARCHAR", "title": "VARCHAR", "authors": "VARCHAR[]", "source": "VARCHAR",
    "published_at": "TIMESTAMPTZ", "language": "VARCHAR", "text": "VARCHAR", "content_hash": "VARCHAR",
    "origin": "VARCHAR", "kind": "VARCHAR", "raw_sha256": "VARCHAR", "cleaner": "VARCHAR",
    "pipeline_version": "VARCHAR", "run_id": "BIGINT", "ingested_at": "TIMESTAMPTZ",
    "derived_run_id": "BIGINT", "supplied_meta": "VARCHAR",
}
_PARAGRAPH_COLUMNS = {
    "paragraph_id": "BIGINT", "document_id": "BIGINT", "position": "INTEGER", "role": "VARCHAR",
    "text": "VARCHAR", "attached_to": "INTEGER", "match_hash": "BIGINT", "n_chars": "INTEGER",
    "derived_by": "VARCHAR", "run_id": "BIGINT",
}
