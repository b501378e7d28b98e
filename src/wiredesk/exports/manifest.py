"""The export manifest: what an export destination holds, kept in ``DEST/wiredesk-export.json``.

What it is: per (table, format), the high-water mark of append tables, the fingerprint of the last
snapshot, counters, and ``pending``: the name stem of files an export is writing right now. An export
records ``pending`` *before* it writes and clears it after, so files left by a crash are known and
removed by the next export (which then writes them again).

Why a file in the destination and not a table in the database: the export then needs the database
read-only (it can run from any reader, also on a copy of the database), the state travels and is
deleted with the files it describes, and one database can feed several destinations independently.

What it is not: it never reads the database.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path

from wiredesk.domain.errors import ExportError

MANIFEST_NAME = "wiredesk-export.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class TableState:
    """The export state of one table in one format in one destination."""

    high_water: int | None = None  # append tables: the highest id exported
    fingerprint: str | None = None  # snapshot tables: row count and content hash of the last snapshot
    exports: int = 0  # exports that wrote files
    rows: int = 0  # rows written, all exports together
    files: int = 0
    updated_at: str | None = None
    pending: str | None = None  # stem of files being written; set only while (or if a crash hit) an export writes
    last_run: int = 0  # the newest run in the database when this table was last exported

    def with_pending(self, stem: str) -> "TableState":
        return replace(self, pending=stem)

    def advanced(self, *, now: datetime, high_water: int | None = None, rows: int = 0, files: int = 0,
                 fingerprint: str | None = None, last_run: int | None = None) -> "TableState":
        """The state after an export finished; an export that wrote (``pending`` was set) counts once."""
        return replace(
            self,
            high_water=self.high_water if high_water is None else high_water,
            fingerprint=fingerprint or self.fingerprint,
            exports=self.exports + (1 if self.pending else 0),
            rows=self.rows + rows,
            files=self.files + files,
            updated_at=now.isoformat(),
            pending=None,
            last_run=self.last_run if last_run is None else last_run,
        )


@dataclass
class Manifest:
    """The manifest of one destination folder. ``load``, change with ``set_table``, ``save``."""

    path: Path
    database: str | None = None
    tables: dict[str, TableState] = field(default_factory=dict)

    @classmethod
    def load(cls, dest: Path) -> "Manifest":
        path = dest / MANIFEST_NAME
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("manifest_version") != MANIFEST_VERSION:
                raise ValueError(f"manifest_version {data.get('manifest_version')!r}")
            tables = {k: TableState(**v) for k, v in data.get("tables", {}).items()}
        except (OSError, ValueError, TypeError) as exc:
            raise ExportError(f"{path}: not a wiredesk export manifest ({exc}); export to another folder") from exc
        return cls(path, data.get("database"), tables)

    def check_database(self, database: str, *, full: bool) -> None:
        """A destination holds the export of one database: high-water marks mean nothing elsewhere."""
        if self.database not in (None, database) and not full:
            raise ExportError(
                f"{self.path.parent} holds an export of {self.database}, not {database}: "
                "export to another folder (or pass --full to start this one over)"
            )
        self.database = database

    def table(self, table: str, fmt: str) -> TableState:
        return self.tables.get(f"{table}.{fmt}", TableState())

    def set_table(self, table: str, fmt: str, state: TableState) -> None:
        self.tables[f"{table}.{fmt}"] = state

    def save(self) -> None:
        """Write atomically (temporary file, then rename): a crash leaves the old or the new manifest."""
        data = {
            "manifest_version": MANIFEST_VERSION,
            "database": self.database,
            "tables": {k: asdict(v) for k, v in sorted(self.tables.items())},
        }
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, self.path)
