"""What a database file is, told before wiredesk writes anything in it or beside it, and what a failed
DuckDB operation on it means for the user.

A run is given a path; what lies there may be a wiredesk database, nothing yet, or something else: an
SQLite file (DuckDB would try to download its ``sqlite_scanner`` extension to read it), another program's
DuckDB database (wiredesk would write its schema into it), a file cut short by a copy or a full disk, or a
folder wiredesk may not write in. ``check_database_file`` tells them apart from the file's first 12 KiB
(DuckDB's headers) and, for a DuckDB file, one read-only look at its tables, and refuses all but the first
two with one line, before the run lock file is created beside it. ``translate_error`` turns the DuckDB
errors of a damaged file, a full disk or a read-only folder met later into the same kind of line.

Nothing here writes, deletes or repairs a file: wiredesk never changes a file it did not create.
"""

from __future__ import annotations

import errno
import os
import re
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from wiredesk.domain.errors import (DamagedDatabaseError, DiskFullError, NotWiredeskDatabaseError, StoreError,
                                    UnwritableDatabaseError)

#: Settings of every connection wiredesk opens: never download or load an extension on its own (an
#: SQLite file would otherwise make DuckDB fetch ``sqlite_scanner`` from the network, outside the guard).
NO_EXTENSIONS = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}

_SQLITE_MAGIC = b"SQLite format 3\x00"
_DUCKDB_MAGIC = b"DUCK"  # at offset 8 of the main header
_HEADER = 4096  # DuckDB: a main header, then two database headers, 4 KiB each
_WHAT_TO_DO = "restore it from a backup, or start a new database with --db NEW.duckdb"


def _block_size(head: bytes) -> int | None:
    """The block size of a DuckDB file, from its newer database header; None when the headers cannot be
    read that way (another storage layout: the size check is then left to DuckDB)."""
    if len(head) < 3 * _HEADER:
        return None
    newer = max((struct.unpack_from("<6Q", head, offset) for offset in (_HEADER, 2 * _HEADER)), key=lambda h: h[1])
    block_size = newer[5]
    if not (4096 <= block_size <= 1 << 30 and block_size & (block_size - 1) == 0):
        return None
    return block_size


def _has_wal(p: Path) -> bool:
    try:
        return Path(f"{p}.wal").stat().st_size > 0
    except OSError:
        return False


def sniff(path: str | Path) -> str:
    """``missing``, ``empty``, ``sqlite``, ``duckdb``, ``truncated`` or ``other``. Reads at most 12 KiB.

    ``truncated``: a DuckDB file whose size is not its three 4 KiB headers plus whole blocks, with no
    write-ahead log beside it. DuckDB writes and shortens the file by whole blocks; a checkpoint that a full
    disk interrupted leaves a part of a block at the end *and* the log it was folding in (DuckDB replays the
    log on the next open and overwrites that part: not damage). Without a log, a size between two block
    boundaries is a file cut by an interrupted copy. (A cut that lands exactly on a boundary passes here;
    DuckDB's own "Could not read enough bytes" then reaches ``translate_error``.)
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        with p.open("rb") as f:
            head = f.read(3 * _HEADER)
    except FileNotFoundError:
        return "missing"
    except IsADirectoryError:
        return "other"
    if size == 0:
        return "empty"
    if head.startswith(_SQLITE_MAGIC):
        return "sqlite"
    if head[8:12] != _DUCKDB_MAGIC:
        return "other"
    block_size = _block_size(head)
    if block_size is not None and (size < 3 * _HEADER or (size - 3 * _HEADER) % block_size) and not _has_wal(p):
        return "truncated"
    return "duckdb"


def refuse_by_content(path: str | Path, *, sizes: bool = True) -> str:
    """Raise the one-line error for a file that is not a usable DuckDB database; else return its kind
    (``missing`` or ``duckdb``). ``sizes=False`` leaves out the check of a cut file (readers: a writer in
    another process may be extending the file at this very moment; DuckDB's read errors say it anyway)."""
    kind, p = sniff(path), Path(path)
    if kind == "truncated" and sizes:
        time.sleep(0.2)  # a writer extending the file writes whole blocks: look again once it has
        kind = sniff(path)
    if kind == "sqlite":
        raise NotWiredeskDatabaseError(
            f"{p} is an SQLite database, not a wiredesk one (wiredesk uses DuckDB): give --db a new file name "
            "or a wiredesk database (the file was not opened or changed)")
    if kind == "empty":
        raise NotWiredeskDatabaseError(f"{p} is an empty file, not a database: remove it or give --db another "
                                       "name (the file was not changed)")
    if kind == "other":
        raise NotWiredeskDatabaseError(f"{p} is not a DuckDB database: give --db a new file name or a wiredesk "
                                       "database (the file was not opened or changed)")
    if kind == "truncated" and sizes:
        raise DamagedDatabaseError(f"{p} is damaged: its size ends inside a block (cut short by an interrupted "
                                   f"copy or a full disk); {_WHAT_TO_DO} (wiredesk did not change it)")
    return "duckdb" if kind == "truncated" else kind


def has_foreign_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the database holds tables or views but no ``schema_migrations``: another program's."""
    names = {r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()").fetchall()}
    return bool(names) and "schema_migrations" not in names


def foreign_error(path: str | Path) -> NotWiredeskDatabaseError:
    return NotWiredeskDatabaseError(
        f"{path} is a DuckDB database that wiredesk did not make (it has no schema_migrations table): "
        "give --db a new file name or a wiredesk database (the file was not changed)")


def check_database_file(path: str | Path) -> None:
    """Refuse, before anything is written in or beside it, a file a run must not write: not DuckDB,
    damaged, another program's DuckDB database, or in a folder wiredesk cannot write in. A missing file
    (a new database) and a wiredesk database pass. A database another process holds open for writing is
    passed over here (``migrate`` checks it again before writing)."""
    p = Path(path)
    if str(path) == ":memory:":
        return
    folder = p.parent
    if not folder.is_dir():
        raise StoreError(f"cannot create database {p}: folder {folder} does not exist")
    kind = refuse_by_content(p)
    if not os.access(folder, os.W_OK) or (kind != "missing" and not os.access(p, os.W_OK)):
        what = f"folder {folder}" if not os.access(folder, os.W_OK) else f"file {p}"
        raise UnwritableDatabaseError(
            f"cannot write {p}: the {what} is read-only (a run writes the database, its write-ahead log and a "
            "lock file beside it); copy it to a writable folder, or read it with `wiredesk query`/`stats`")
    if kind == "missing":
        return
    try:
        con = duckdb.connect(str(p), read_only=True, config=dict(NO_EXTENSIONS))
    except duckdb.Error as exc:
        if "Could not set lock" in str(exc):
            return  # held open for writing by another process: the run lock and migrate deal with that
        raise translate_error(exc, p) or StoreError(f"cannot open database {p}: {first_line(exc)}") from exc
    try:
        if has_foreign_tables(con):
            raise foreign_error(p)
    except duckdb.Error as exc:
        raise translate_error(exc, p) or StoreError(f"cannot read database {p}: {first_line(exc)}") from exc
    finally:
        con.close()


# -- errors met while using the file --------------------------------------------------------------------

_DAMAGE = re.compile(r"Could not read enough bytes|Corrupt database file|checksum|not a valid DuckDB database file",
                     re.IGNORECASE)
_DISK_FULL = re.compile(r"No space left on device|File too large|Disk quota exceeded", re.IGNORECASE)
_READ_ONLY = re.compile(r"Permission denied|Read-only file system", re.IGNORECASE)
_FILE_IN_MESSAGE = re.compile(r'file "([^"]+)"')


def first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def mount_point(path: str | Path) -> Path:
    """The mount point of the file system ``path`` is on (``/`` at worst)."""
    p = Path(os.path.abspath(path))
    while not p.exists():
        p = p.parent
    while not os.path.ismount(p):
        p = p.parent
    return p


def disk_full_error(path: str | Path, detail: str) -> DiskFullError:
    """The one line for a write that did not fit: which file, which file system, how much is free."""
    m = _FILE_IN_MESSAGE.search(detail)
    target = Path(m.group(1)) if m else Path(path)
    where = mount_point(target)
    try:
        st = os.statvfs(where)
        free = f"{st.f_bavail * st.f_frsize / 2**20:.1f} MiB free"
    except OSError:
        free = "free space unknown"
    cause = ("the process's file-size limit (ulimit -f)" if "File too large" in detail
             else f"the file system at {where} is full ({free})")
    return DiskFullError(
        f"could not write {target}: {cause}; free some space and run again: batches already committed are kept "
        "and the next run completes the rest")


def translate_error(exc: BaseException, path: str | Path) -> StoreError | None:
    """The one-line error for a DuckDB (or OS) error that means a full disk, a read-only place or a
    damaged file, naming the file; None for any other error (a bug stays a traceback)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return disk_full_error(exc.filename or path, f'{exc.strerror}: file "{exc.filename or path}"')
    text = str(exc)
    if isinstance(exc, StoreError) and exc.__cause__ is not None:
        text = f"{text} {exc.__cause__}"
    if _DISK_FULL.search(text):
        return disk_full_error(path, text)
    if _READ_ONLY.search(text):
        return UnwritableDatabaseError(f"cannot write {path}: {first_line(exc)}; copy it to a writable folder, "
                                       "or read it with `wiredesk query`/`stats`")
    if _DAMAGE.search(text) and not isinstance(exc, (DamagedDatabaseError, DiskFullError)):
        return DamagedDatabaseError(f"{path} is damaged ({first_line(exc)}); {_WHAT_TO_DO} "
                                    "(wiredesk does not repair or delete it)")
    return None


@contextmanager
def closing_on_error(con: duckdb.DuckDBPyConnection, path: str | Path) -> Iterator[None]:
    """The first steps on a connection just opened (a check, the migrations): any error inside closes ``con``
    and leaves as ``translate_error`` says (one line for a damaged file, a full disk, a read-only folder),
    else as it was."""
    try:
        yield
    except BaseException as exc:
        con.close()
        translated = translate_error(exc, path)
        if translated is not None:
            raise translated from exc
        raise
