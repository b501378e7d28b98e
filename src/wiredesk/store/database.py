"""``Store``: a read-write wiredesk database, and the only way the rest of wiredesk writes (or reads for
writing) it.

Every query the pipeline needs is a method here; the SQL lives in this package's modules (``writer`` for a
batch, ``feeds`` for sources, ``rederive_reads`` and ``rederive`` for reprocess, ``search_index``, ``near_index``, ``stories`` and
``story_rebuild``), each given the
connection by ``Store`` and never handing it on. Open with ``Store.open(path)`` (creates and migrates the
database) and close it when the stage is done: between stages the file is free for readers
(``wiredesk.store.access``). Read-only access is ``wiredesk.store.reader.Reader``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from wiredesk.dedup.near import NearResult
from wiredesk.dedup.settings import DedupSettings
from wiredesk.domain.counts import BatchCounts, ReprocessCounts
from wiredesk.domain.errors import StoreError
from wiredesk.domain.lineage import code_versions as current_code_versions
from wiredesk.domain.models import Failure
from wiredesk.domain.retry import FailureRecord
from wiredesk.domain.settings import Settings
from wiredesk.domain.versions import PIPELINE_VERSION
from wiredesk.ops.faults import checkpoint
from wiredesk.sources.config import SourceConfig
from wiredesk.sources.entries import KnownEntries
from wiredesk.store import (feeds, rederive, rederive_reads, revisits, search_index, site_lines, source_health, stories,
                            writer)
from wiredesk.store.access import DatabaseBusyError, connect_retrying
from wiredesk.store.dbfile import NO_EXTENSIONS, closing_on_error, first_line, refuse_by_content, translate_error
from wiredesk.store.failures import known_failures
from wiredesk.store.migrate import migrate
from wiredesk.store.near_index import rebuild_index
from wiredesk.store.rederive import Rederived
from wiredesk.store.rederive_reads import StoredDocument
from wiredesk.store.search_index import RefreshResult
from wiredesk.store.sql import Transaction
from wiredesk.store.story_rebuild import Featurize, RebuildCounts, rebuild_stories


class Store:
    """A read-write wiredesk database. Open with ``Store.open(path)``; use as a context manager."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str):
        self._con = con
        self.path = path

    @classmethod
    def open(cls, path: str | Path, *, wait: float = Settings.db_write_wait_seconds) -> Store:
        """Open (creating if needed) and migrate the database at ``path``; while readers hold the file, wait
        up to ``wait`` seconds for them (``[database] write_wait_seconds``)."""
        path = str(path)
        created = False
        if path != ":memory:":
            parent = Path(path).parent
            if not parent.exists():
                raise StoreError(f"cannot create database {path}: folder {parent} does not exist")
            created = refuse_by_content(path) == "missing"  # not ours, empty or cut: refused before opening
        try:
            # readers may hold the file for a moment: wait for them (bounded), as they wait for us
            con = (connect_retrying(path, read_only=False, wait=wait) if path != ":memory:"
                   else duckdb.connect(path, config=dict(NO_EXTENSIONS)))
        except DatabaseBusyError:
            raise
        except duckdb.Error as exc:
            if created:  # e.g. a full disk cut the new file's header: an unopenable file would block every rerun
                _remove_new_database(path)
            raise translate_error(exc, path) or StoreError(f"cannot open database {path}: {first_line(exc)}") from exc
        with closing_on_error(con, path):
            migrate(con)
        return cls(con, path)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()
        # the boundary of the store: a full disk, a read-only folder or a damaged file becomes one line
        translated = translate_error(exc, self.path) if exc is not None else None
        if translated is not None:
            raise translated from exc

    # -- runs ---------------------------------------------------------------------------------------

    def start_run(self, inputs: Sequence[str], now: datetime, flow_run_id: str | None = None, *,
                  kind: str = "ingest", code_versions: dict | None = None) -> int:
        """Record a new run as ``running`` (and any run a crash left ``running`` as ``abandoned``).

        ``kind`` is ``ingest``, ``reprocess`` or ``dedup-rebuild``; ``code_versions`` (default
        ``wiredesk.domain.lineage.code_versions()``) is stored as JSON in ``runs.code_versions``."""
        con = self._con
        if self.path != ":memory:" and _has_pending_log(self.path):
            # a run starts by folding a write-ahead log left by an earlier process into the database file (a
            # full disk may have stopped that process's checkpoint): an index left half-applied by such a
            # log refused later deletes ("Failed to delete all rows from index") until a manual CHECKPOINT
            try:
                con.execute("CHECKPOINT")
            except duckdb.Error as exc:
                raise translate_error(exc, self.path) or StoreError(
                    f"cannot fold the write-ahead log into {self.path}: {first_line(exc)}") from exc
        with Transaction(con):
            con.execute(
                "UPDATE runs SET status = 'abandoned', error = 'the process ended before the run finished' "
                "WHERE status = 'running'"
            )
            run_id = self.next_run_id()
            con.execute(
                "INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs, flow_run_id, kind, code_versions) "
                "VALUES (?, ?, 'running', ?, ?, ?, ?, ?)",
                [run_id, now, PIPELINE_VERSION, list(inputs), flow_run_id, kind,
                 json.dumps(code_versions or current_code_versions(), sort_keys=True)],
            )
        return run_id

    def next_run_id(self) -> int:
        """The id the next run will get (a dry run names its rows with it and records nothing)."""
        return self._con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM runs").fetchone()[0]

    def finish_run(self, run_id: int, now: datetime, status: str = "completed", error: str | None = None) -> None:
        with Transaction(self._con):
            self._con.execute(
                "UPDATE runs SET finished_at = ?, status = ?, error = ? WHERE run_id = ?", [now, status, error, run_id]
            )

    # -- planning reads -----------------------------------------------------------------------------

    def known_raw_hashes(self, origins: Iterable[str]) -> dict[str, str]:
        """``origin -> raw_sha256`` last stored for each of ``origins`` that was seen before."""
        return writer.known_raw_hashes(self._con, origins)

    def site_lines(self, wanted: Sequence[tuple[str, int]]) -> dict[tuple[str, int], frozenset[int]]:
        """``{(host, run_id): match hashes}`` of short lines earlier runs stored on enough pages of the host
        (``wiredesk.store.site_lines``)."""
        return site_lines.site_lines(self._con, wanted)

    def known_failures(self, origins: Iterable[str]) -> dict[str, FailureRecord]:
        """The ``failures`` row of each of ``origins`` that is failing (``wiredesk.domain.retry``)."""
        return known_failures(self._con, origins)

    def due_revisits(self, now: datetime, budget: int, source_ids: Sequence[int] | None = None):
        """The revisits due by ``now``, ``budget`` per source, how many more were due, and the due pages without
        a current document (``store.revisits``)."""
        return revisits.due_revisits(self._con, now, budget, source_ids)

    def known_entries(self, keys: Iterable[str]) -> KnownEntries:
        """What is stored for these feed entry keys (``EntryKeys.all`` strings)."""
        return feeds.known_entries(self._con, keys)

    # -- writes -------------------------------------------------------------------------------------

    def write_batch(self, run_id: int, batch: writer.Batch, dedup: DedupSettings, now: datetime,
                    events_window_days: int = 30) -> BatchCounts:
        """Store one batch in one transaction and return what it did. Raises ``StoreError``; then
        nothing of the batch is stored."""
        with Transaction(self._con):
            counts = writer.write_batch(self._con, run_id, batch, dedup, now, events_window_days)
        checkpoint("store:committed")
        return counts

    def refresh_search_index(self, now: datetime, run_id: int | None = None) -> RefreshResult:
        """Bring the full-text index up to date with the current documents, in one transaction
        (``wiredesk.store.search_index``)."""
        with Transaction(self._con):
            return search_index.refresh_search_index(self._con, now, run_id)

    def rebuild_near_index(self, dedup: DedupSettings, run_id: int, now: datetime) -> NearResult:
        """Rebuild the near-duplicate index with ``dedup``'s index settings, in one transaction, as run ``run_id``."""
        with Transaction(self._con):
            return rebuild_index(self._con, dedup, run_id, now=now)

    # -- stories ------------------------------------------------------------------------------------

    def stories_of(self, document_ids: Iterable[int]) -> dict[int, int]:
        """document id -> story id (``wiredesk.store.stories.stories_of``; inside a batch's transaction the
        writer's steps call that function with their connection)."""
        return stories.stories_of(self._con, document_ids)

    def rebuild_stories(self, featurize: Featurize, run_id: int, *, chunk: int = 2000, progress=None,
                        window_days: int = 30, story_settings=None) -> RebuildCounts:
        """Delete every story and replay every document version in arrival order through ``featurize`` and
        the story decision, then group again the events of the documents whose story changed
        (``window_days``: the events' grouping gap), in one transaction (``wiredesk.store.story_rebuild``);
        ``story_settings``: the story layer's, defaults when None."""
        with Transaction(self._con, what="stories rebuild"):
            counts = rebuild_stories(self._con, featurize, run_id, chunk, progress, window_days, story_settings)
            writer.add_run_counters(self._con, run_id, {"documents_assigned": "documents", "stories_new": "stories_new",
                                                        "events_written": "events_written",
                                                        "event_candidates_cut": "event_candidates_cut"}, counts)
        return counts

    # -- sources (configuration: each call is its own small transaction) --------------------------------

    def list_sources(self, *, ids: Sequence[int] | None = None) -> list[feeds.SourceRow]:
        """All sources (or those with ``ids``), by name."""
        return feeds.list_sources(self._con, ids=ids)

    def source_signals(self) -> tuple[dict, dict]:
        """Per source: its pages not articles, by state; its entry dates and text lengths (``store.source_health``)."""
        return source_health.access_by_source(self._con), source_health.source_signals(self._con)

    def revisits_by_source(self, now: datetime) -> dict[int, tuple[int, int]]:
        """Per followed source: its pages whose revisit is due by ``now``, and all with one to come."""
        return revisits.revisits_by_source(self._con, now)

    def revisits_by_url_list(self, now: datetime) -> list[tuple[str, int, int]]:
        """Per URL list (by path) whose pages were scheduled: its pages due by ``now``, and all with one to come."""
        return revisits.revisits_by_url_list(self._con, now)

    def add_source(self, cfg: SourceConfig, added_by: str, now: datetime) -> tuple[int, str]:
        """Add a source (or re-enable a disabled one); returns (id, ``added`` | ``re-enabled``)."""
        return feeds.add_source(self._con, cfg, added_by, now)

    def remove_source(self, name_or_url: str) -> feeds.SourceRow | None:
        """Delete a source (its documents and entry keys stay); returns what was removed."""
        return feeds.remove_source(self._con, name_or_url)

    def sync_sources(self, configs: Iterable[SourceConfig], added_by: str, now: datetime) -> list[int]:
        """Make the stored sources match ``configs`` (by URL); returns their ids in order."""
        return feeds.sync_sources(self._con, configs, added_by, now)

    def describe_sources(self, details: Sequence[tuple[str, str | None, str | None]]) -> None:
        """Fill missing titles and site URLs of sources by URL (an OPML import's ``(url, title, html_url)``)."""
        return feeds.describe_sources(self._con, details)

    def prune_config_sources(self, keep_urls: Iterable[str]) -> list[str]:
        """Delete sources that came from the sources file but are no longer in it; returns their names."""
        return feeds.prune_config_sources(self._con, keep_urls)

    def register_urls(self, urls: Sequence[str], interval: timedelta, now: datetime) -> list[int]:
        """Ids of the sources for ``urls`` given to ``wiredesk run URL``, adding unknown ones as feeds."""
        return feeds.register_urls(self._con, urls, interval, now)

    # -- reprocess ----------------------------------------------------------------------------------

    def count_current_documents(self, since: datetime | None) -> int:
        """Current document versions ingested at or after ``since`` (all when ``None``)."""
        return self._con.execute(
            "SELECT count(*) FROM documents WHERE is_current AND (? IS NULL OR ingested_at >= ?)", [since, since]
        ).fetchone()[0]

    def select_documents(self, since: datetime | None, after: int, limit: int) -> list[int]:
        """Ids of current document versions above ``after`` (ascending), ingested at or after ``since``."""
        return rederive_reads.select_documents(self._con, since, after, limit)

    def document_lineage(self, ids: Sequence[int]) -> list[tuple]:
        """``(document_id, origin, kind, cleaner, supplied_meta, url)`` of the documents ``ids``."""
        return rederive_reads.document_lineage(self._con, ids)

    def load_documents(self, ids: Sequence[int], *, with_raw: bool) -> list[StoredDocument]:
        """The stored documents ``ids`` with their paragraphs (and raw bytes, if ``with_raw``)."""
        return rederive_reads.load_documents(self._con, ids, with_raw=with_raw)

    def write_rederived(self, run_id: int, docs: Sequence[StoredDocument], results: Sequence[Rederived], *,
                        relink_duplicates: bool, dedup: DedupSettings, failures: Sequence[Failure], now: datetime,
                        events_window_days: int = 30, dry_run: bool = False) -> ReprocessCounts:
        """Replace the derived rows of one re-derived batch in one transaction (rolled back when ``dry_run``)."""
        return rederive.write_rederived(self._con, run_id, docs, results, relink_duplicates=relink_duplicates,
                                        dedup=dedup, failures=failures, now=now,
                                        events_window_days=events_window_days, dry_run=dry_run)


def _has_pending_log(path: str) -> bool:
    try:
        return Path(path + ".wal").stat().st_size > 0
    except OSError:
        return False


def _remove_new_database(path: str) -> None:
    """Remove a database file this process just tried to create, and its WAL (nothing was stored in it)."""
    for leftover in (Path(path), Path(path + ".wal")):
        try:
            leftover.unlink()
        except OSError:
            pass
