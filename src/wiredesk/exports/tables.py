"""Exports of wiredesk tables to Parquet, JSON Lines or CSV files, partitioned by publication date.

What it is: ``export_tables`` copies tables through a **read-only** ``Reader`` (the SQL, DuckDB's ``COPY ...
TO (PARTITION_BY ...)``, is ``wiredesk.store.exports``'s) into ``DEST/<table>/published_date=YYYY-MM-DD/`` (``published_date=undated``
when the date is unknown), and records what it wrote in a manifest file in the destination
(``wiredesk-export.json``, ``wiredesk.exports.manifest``). Two kinds of tables:

- *append* tables (``documents``, ``paragraphs``): their rows never change once stored (a changed
  article is a new ``documents`` row with the next ``version``). An export writes only rows with an
  id above the destination's high-water mark, into new files named by that id range, never touching
  files written before.
- *snapshot* tables (``duplicates``, ``events``, ``event_mentions``, ``entities``): derived rows
  that later runs rewrite (links move to an earlier copy, events regroup). An export writes the
  whole table again when its contents changed since the last export to this destination, and then
  removes the previous snapshot's files; when nothing changed it writes nothing.

What it is not: it never writes to the database. The state lives with the files it describes (the
manifest), so exporting needs only read access, and one database can feed many destinations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import ExportError
from wiredesk.exports.manifest import Manifest, TableState
from wiredesk.store.exports import FORMATS, TABLES
from wiredesk.store.reader import Reader

#: What ``wiredesk export`` writes when no ``--table`` is given.
DEFAULT_TABLES = tuple(TABLES)


@dataclass(frozen=True)
class TableExport:
    """What exporting one table did."""

    table: str
    format: str
    rows: int  # rows written now (0: nothing new)
    files: tuple[str, ...]  # files written now, relative to the destination
    mode: str  # "append" or "snapshot"
    high_water: int | None  # append tables: the highest id exported to this destination so far


def export_tables(
    reader: Reader,
    dest: str | Path,
    *,
    database: str,
    tables: Sequence[str] = DEFAULT_TABLES,
    fmt: str = "parquet",
    since: date | None = None,
    full: bool = False,
    now: datetime | None = None,
) -> list[TableExport]:
    """Export ``tables`` read through ``reader`` (read-only) into ``dest``; return what each did.

    ``since``: only rows published on or after this date (undated rows are left out); append
    tables still move their high-water mark past the rows skipped, so a later export without
    ``since`` does not bring them back (use ``full`` for that). ``full``: forget this destination's
    state for these tables, remove their files in this format and export everything again.
    ``database`` names the database in the manifest: a destination holds the export of one database.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} (known: {', '.join(FORMATS)})")
    unknown = [t for t in tables if t not in TABLES]
    if unknown:
        raise ExportError(f"unknown table {unknown[0]!r} for export (known: {', '.join(TABLES)})")
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    now = now or utcnow()
    reader.export_prepare()
    manifest = Manifest.load(dest)
    manifest.check_database(database, full=full)
    results = []
    for name in dict.fromkeys(tables):
        table = TABLES[name]
        state = manifest.table(name, fmt)
        if full or state.pending is not None:
            # 1. a crashed export left files the manifest does not vouch for; --full drops everything
            _remove_files(dest, name, fmt, None if full else state.pending)
        state = TableState() if full else replace(state, pending=None)
        run = _export_append if table.key else _export_snapshot
        result, state = run(reader, dest, table, fmt, since, state, manifest, now)
        manifest.set_table(name, fmt, state)
        manifest.save()
        results.append(result)
    return results


def _export_append(reader: Reader, dest, table, fmt, since, state: TableState, manifest, now):
    low = state.high_water or 0
    if low:
        # rows are append-only except for a reprocess, which re-derives documents and paragraphs in place:
        # adding new rows would leave the changed ones stale in files already written
        changed_by = reader.export_reprocessed_since(state.last_run)
        if changed_by is not None:
            raise ExportError(
                f"reprocess run {changed_by} changed stored {table.name} since the last export to {dest}: "
                "export them again with --full"
            )
    last_run = reader.export_last_run()
    high = reader.export_max_key(table)
    rows, files = 0, ()
    if high > low:
        stem = f"{table.name}_{low + 1:012d}-{high:012d}"
        state = state.with_pending(stem)
        manifest.set_table(table.name, fmt, state)
        manifest.save()  # 2. say what is being written before writing it (crash → removed next time)
        rows, files = reader.export_copy(dest, table, fmt, stem, since=since, ids=(low, high))
    state = state.advanced(high_water=max(high, low), rows=rows, files=len(files), now=now, last_run=last_run)
    return TableExport(table.name, fmt, rows, files, "append", state.high_water), state


def _export_snapshot(reader: Reader, dest, table, fmt, since, state: TableState, manifest, now):
    count, fingerprint = reader.export_fingerprint(table, since)
    fingerprint = f"{count}:{fingerprint}:{since}"
    if fingerprint == state.fingerprint:
        return TableExport(table.name, fmt, 0, (), "snapshot", None), state.advanced(now=now)
    stem = f"{table.name}_snapshot{state.exports + 1:06d}"
    state = state.with_pending(stem)
    manifest.set_table(table.name, fmt, state)
    manifest.save()
    rows, files = reader.export_copy(dest, table, fmt, stem, since=since) if count else (0, ())
    # 3. the new snapshot is complete: only now remove the previous one
    _remove_files(dest, table.name, fmt, None, keep=stem)
    state = state.advanced(rows=rows, files=len(files), now=now, fingerprint=fingerprint)
    return TableExport(table.name, fmt, rows, files, "snapshot", None), state


def _remove_files(dest: Path, table: str, fmt: str, stem: str | None, keep: str | None = None) -> None:
    """Remove ``table``'s exported files in ``fmt`` (only those of ``stem`` when given, never ``keep``'s)."""
    folder = dest / table
    if not folder.is_dir():
        return
    pattern = re.compile(rf"^{re.escape(stem) if stem else re.escape(table) + '_.*'}_\d+\.{FORMATS[fmt]}$")
    for f in folder.rglob(f"*.{FORMATS[fmt]}"):
        if pattern.match(f.name) and not (keep and f.name.startswith(keep + "_")):
            f.unlink()
    for d in sorted(folder.rglob("*"), reverse=True):  # empty partition folders left behind
        if d.is_dir() and not any(d.iterdir()):
            d.rmdir()
