"""Storage of feed sources, their state, the fetch log and entry identity (tables of migration 0004).

The only SQL for feeds. Source management (``add_source``, ``remove_source``, ``sync_sources``,
``register_urls``) writes in its own small transaction: it is configuration. The state a run produces
(``FeedBatch``: source states, entry keys, fetch records) is written by ``write_feed_batch`` *inside*
``Store.write_batch``'s transaction, together with the documents it describes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import duckdb

from wiredesk.domain.errors import ConfigError
from wiredesk.net.model import FetchRecord
from wiredesk.sources.config import SourceConfig, default_name
from wiredesk.sources.entries import ENTRIES_VERSION, EntryKeys, EntryRecord, KnownEntries
from wiredesk.sources.revisits import RevisitBatch
from wiredesk.sources.schedule import SourceState
from wiredesk.store.sql import Transaction, insert_columns

_STATE_COLUMNS = ("feed_url", "etag", "last_modified", "next_fetch_at", "last_fetch_at", "last_success_at",
                  "last_status", "consecutive_failures", "last_error", "disabled_reason", "title", "site_url")
_CONFIG_COLUMNS = ("name", "url", "kind", "interval_seconds", "tags", "enabled", "full_articles")


@dataclass(frozen=True)
class SourceRow:
    """A source as stored: its id, configuration, state and who added it."""

    source_id: int
    config: SourceConfig
    state: SourceState
    added_by: str


@dataclass(frozen=True)
class FeedBatch:
    """Feed state produced with one batch of items; committed in the batch's transaction."""

    states: tuple[tuple[int, SourceState], ...] = ()
    entries: tuple[tuple[int, EntryRecord], ...] = ()  # (source_id, record)
    fetches: tuple[tuple[int | None, FetchRecord], ...] = ()  # (source_id, record)
    #: (source_id, page origin, record): entries whose page was fetched (or failed to be): remembered unless
    #: the page is failing and will be tried again (``failures.retry_at`` set), so a later run plans it again
    pending: tuple[tuple[int, str, EntryRecord], ...] = ()
    #: feed URLs fetched and parsed now: a failure row they had is cleared (they are not failing any more)
    recovered: tuple[str, ...] = ()
    #: (source_id or None for a URL list, source name or list path, filter rule, entries): dropped before fetching
    dropped: tuple[tuple[int | None, str, str, int], ...] = ()
    #: pages revisited with this batch (``wiredesk.pipeline.revisits``): moved to their next slot with its documents
    revisits: RevisitBatch | None = None


def _config_values(cfg: SourceConfig) -> list:
    return [cfg.name, cfg.url, cfg.kind, int(cfg.interval.total_seconds()), list(cfg.tags), cfg.enabled,
            cfg.full_articles]


def _row(r: tuple) -> SourceRow:
    (source_id, name, url, kind, interval_s, tags, enabled, full, added_by, *state) = r
    cfg = SourceConfig(name=name, url=url, kind=kind, interval=timedelta(seconds=interval_s), tags=tuple(tags or ()),
                       enabled=enabled, full_articles=full)
    return SourceRow(source_id, cfg, SourceState(**dict(zip(_STATE_COLUMNS, state, strict=True))), added_by)


_SELECT = (f"SELECT source_id, {', '.join(_CONFIG_COLUMNS)}, added_by, {', '.join(_STATE_COLUMNS)} FROM sources")


def list_sources(con: duckdb.DuckDBPyConnection, *, ids: Sequence[int] | None = None) -> list[SourceRow]:
    """All sources (or those with ``ids``), by name."""
    if ids is None:
        return [_row(r) for r in con.execute(_SELECT + " ORDER BY name").fetchall()]
    return [_row(r) for r in con.execute(_SELECT + " WHERE source_id IN (SELECT unnest(?::BIGINT[])) ORDER BY name",
                                         [list(ids)]).fetchall()]


def _find(con: duckdb.DuckDBPyConnection, name: str | None, url: str | None) -> SourceRow | None:
    r = con.execute(_SELECT + " WHERE name = ? OR url = ? ORDER BY source_id LIMIT 1", [name, url]).fetchone()
    return _row(r) if r else None


def _insert(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, added_by: str, now: datetime) -> int:
    source_id = con.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()[0]
    con.execute(f"INSERT INTO sources (source_id, {', '.join(_CONFIG_COLUMNS)}, added_by, added_at) "
                f"VALUES (?, {', '.join('?' * len(_CONFIG_COLUMNS))}, ?, ?)",
                [source_id, *_config_values(cfg), added_by, now])
    return source_id


def add_source(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, added_by: str, now: datetime) -> tuple[int, str]:
    """Add a source; returns (id, what happened: ``added`` | ``re-enabled``).

    A source that exists with the same URL and was disabled (e.g. by a 410) is re-enabled with a fresh
    failure count; any other clash of name or URL is a ``ConfigError``.
    """
    with Transaction(con, what="source"):  # a failed COMMIT (a full disk) is a StoreError, never a second error
        existing = _find(con, cfg.name, cfg.url)
        if existing is None:
            result = (_insert(con, cfg, added_by, now), "added")
        elif existing.config.url == cfg.url and (existing.state.disabled or not existing.config.enabled):
            con.execute("UPDATE sources SET enabled = true, disabled_reason = NULL, consecutive_failures = 0, "
                        "next_fetch_at = NULL WHERE source_id = ?", [existing.source_id])
            result = (existing.source_id, "re-enabled")
        else:
            clash = "URL" if existing.config.url == cfg.url else "name"
            raise ConfigError(f"a source with this {clash} already exists: {existing.config.name} ({existing.config.url})")
    return result


def remove_source(con: duckdb.DuckDBPyConnection, name_or_url: str) -> SourceRow | None:
    """Delete a source (its documents and entry keys stay); returns what was removed."""
    row = _find(con, name_or_url, name_or_url)
    if row is not None:
        con.execute("DELETE FROM sources WHERE source_id = ?", [row.source_id])
    return row


def sync_sources(con: duckdb.DuckDBPyConnection, configs: Iterable[SourceConfig], added_by: str,
                 now: datetime) -> list[int]:
    """Make the stored sources match ``configs`` (by URL): insert new ones, update the configuration
    columns of known ones, keep their state. Returns their ids in order."""
    ids = []
    with Transaction(con, what="sources"):
        for cfg in configs:
            existing = _find(con, None, cfg.url)
            if existing is None:
                clash = _find(con, cfg.name, None)
                if clash is not None:
                    raise ConfigError(f"source name {cfg.name!r} is already used by {clash.config.url}")
                ids.append(_insert(con, cfg, added_by, now))
            else:
                if existing.config != cfg:
                    con.execute(f"UPDATE sources SET {', '.join(c + ' = ?' for c in _CONFIG_COLUMNS)} WHERE source_id = ?",
                                [*_config_values(cfg), existing.source_id])
                ids.append(existing.source_id)
    return ids


def known_entries(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> KnownEntries:
    """What is stored for these entry keys (``EntryKeys.all`` strings)."""
    keys = sorted(set(keys))
    if not keys:
        return KnownEntries()
    rows = con.execute("SELECT entry_key, doc_key, fingerprint FROM feed_entries "
                       "WHERE entry_key IN (SELECT unnest(?::VARCHAR[]))", [keys]).fetchall()
    none = EntryKeys(None, None, None)
    return KnownEntries({k: EntryRecord(doc, none, fp) for k, doc, fp in rows})


def _retrying(con: duckdb.DuckDBPyConnection, origins: list[str]) -> set[str]:
    if not origins:
        return set()
    return {r[0] for r in con.execute("SELECT origin FROM failures WHERE retry_at IS NOT NULL AND origin IN "
                                      "(SELECT unnest(?::VARCHAR[]))", [origins]).fetchall()}


def write_feed_batch(con: duckdb.DuckDBPyConnection, run_id: int, batch: FeedBatch) -> None:
    """Write source states, entry keys and fetch records. Call inside the batch's transaction, after its
    failures (a pending entry whose page is failing with a retry to come is not remembered)."""
    for source_id, st in batch.states:
        con.execute(f"UPDATE sources SET {', '.join(c + ' = ?' for c in _STATE_COLUMNS)}, last_run_id = ? "
                    "WHERE source_id = ?",
                    [*(getattr(st, c) for c in _STATE_COLUMNS), run_id, source_id])
    if batch.recovered:
        con.execute("DELETE FROM failures WHERE origin IN (SELECT unnest(?::VARCHAR[]))", [list(batch.recovered)])
    retrying = _retrying(con, sorted({origin for _, origin, _ in batch.pending}))
    waiting_sources = sorted({sid for sid, origin, _ in batch.pending if origin in retrying})
    if waiting_sources:
        # the feed must be fetched in full next time: with its validators an unchanged feed answers 304
        # and the entry would never be planned again (state ahead of the data it describes)
        con.execute("UPDATE sources SET etag = NULL, last_modified = NULL "
                    "WHERE source_id IN (SELECT unnest(?::BIGINT[]))", [waiting_sources])
    remembered = [*batch.entries, *((sid, rec) for sid, origin, rec in batch.pending if origin not in retrying)]
    rows: dict[str, tuple[str, str, int]] = {}
    for source_id, rec in remembered:
        for key in rec.keys.all:
            rows[key] = (rec.doc_key, rec.fingerprint, source_id)
    if rows:
        keys = list(rows)
        con.execute(
            "INSERT INTO feed_entries (entry_key, doc_key, fingerprint, source_id, first_seen_run, last_seen_run, derived_by) "
            "SELECT unnest($1::VARCHAR[]), unnest($2::VARCHAR[]), unnest($3::VARCHAR[]), unnest($4::BIGINT[]), $5, $5, $6 "
            "ON CONFLICT (entry_key) DO UPDATE SET doc_key = excluded.doc_key, fingerprint = excluded.fingerprint, "
            "last_seen_run = excluded.last_seen_run",
            [keys, [rows[k][0] for k in keys], [rows[k][1] for k in keys], [rows[k][2] for k in keys], run_id,
             ENTRIES_VERSION])
    if batch.dropped:
        insert_columns(con, "dropped_entries", {
            "run_id": ("BIGINT", [run_id] * len(batch.dropped)),
            "source_id": ("BIGINT", [d[0] for d in batch.dropped]),
            "source": ("VARCHAR", [d[1] for d in batch.dropped]),
            "rule": ("VARCHAR", [d[2] for d in batch.dropped]),
            "entries": ("INTEGER", [d[3] for d in batch.dropped]),
        })
    if batch.fetches:
        recs = [r for _, r in batch.fetches]
        insert_columns(con, "fetches", {
            "run_id": ("BIGINT", [run_id] * len(recs)),
            "source_id": ("BIGINT", [sid for sid, _ in batch.fetches]),
            "url": ("VARCHAR", [r.url for r in recs]),
            "purpose": ("VARCHAR", [r.purpose for r in recs]),
            "started_at": ("TIMESTAMPTZ", [r.started_at for r in recs]),
            "status": ("INTEGER", [r.status for r in recs]),
            "bytes": ("BIGINT", [r.bytes for r in recs]),
            "duration_ms": ("DOUBLE", [r.duration * 1000 for r in recs]),
            "error": ("VARCHAR", [r.error for r in recs]),
            "message": ("VARCHAR", [r.message for r in recs]),
            "redirect_to": ("VARCHAR", [r.redirect_to for r in recs]),
        })


def register_urls(con: duckdb.DuckDBPyConnection, urls: Sequence[str], interval: timedelta,
                  now: datetime) -> list[int]:
    """Ids of the sources for ``urls`` (given to ``wiredesk run URL``), adding unknown ones as feeds
    (``added_by = 'run'``) so that their state carries over to the next run. Known ones keep their settings."""
    ids = []
    with Transaction(con, what="sources"):
        for url in urls:
            existing = _find(con, None, url)
            if existing is not None:
                ids.append(existing.source_id)
                continue
            name = default_name(url)
            if _find(con, name, None) is not None:
                name = url
            ids.append(_insert(con, SourceConfig(name=name, url=url, interval=interval), "run", now))
    return ids


def describe_sources(con: duckdb.DuckDBPyConnection, details: Sequence[tuple[str, str | None, str | None]]) -> None:
    """Fill the title and site URL of the sources with these URLs (``(url, title, site_url)``, from an OPML
    list) where none is known yet: what the feed itself says, once fetched, wins."""
    for url, title, site_url in details:
        con.execute("UPDATE sources SET title = coalesce(title, ?), site_url = coalesce(site_url, ?) WHERE url = ?",
                    [title, site_url, url])


def prune_config_sources(con: duckdb.DuckDBPyConnection, keep_urls: Iterable[str]) -> list[str]:
    """Delete sources that came from the sources file but are no longer in it; returns their names.
    Their documents and entry keys stay."""
    keep = sorted(set(keep_urls))
    rows = con.execute("SELECT name FROM sources WHERE added_by = 'config' AND url NOT IN (SELECT unnest(?::VARCHAR[]))",
                       [keep]).fetchall()
    if rows:
        con.execute("DELETE FROM sources WHERE added_by = 'config' AND url NOT IN (SELECT unnest(?::VARCHAR[]))", [keep])
    return [r[0] for r in rows]
