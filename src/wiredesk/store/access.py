"""Who may open the database, and when: the run lock and DuckDB connections that wait for their turn.

DuckDB lets one process hold a database file read-write, and while it does no other process can open
it, not even read-only; several processes may hold it read-only at once, and then nobody can write.
wiredesk lives with that in two ways:

1. **One run per database** (``RunLock``): a run (``wiredesk run``, a scheduled flow run,
   ``dedup-rebuild``) holds an advisory ``fcntl.flock`` on ``<db>.lock`` for its whole length and
   writes who it is into the file (pid, command, run id, since). A second run waits for it up to a
   bound, or stops at once with ``RunLockedError`` naming the holder. The kernel drops the lock when
   the holder dies, so a crash never leaves a stale lock (the file's text is then just history).
2. **Short connections** (``connect_retrying``): the pipeline opens the database per stage (per batch,
   per feed group) and closes it after, so between two commits the file is free; readers
   (``open_readonly``: ``wiredesk query``, ``stats``, ``status``, ``wiredesk.connect``) and the writer
   retry opening while the other side holds the file, for a bounded time, then fail with a clear error.

Not here: what is written (``writer``), schema (``migrate``). Linux/macOS only (``fcntl``).
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import DatabaseBusyError, RunLockedError, StoreError

#: How long readers wait for a batch commit to finish before giving up (seconds).
READ_WAIT_SECONDS = 30.0
_LOCK_CONFLICT = "Could not set lock on file"
#: Seconds a run retries the lock even when told not to wait (a status probe holds it for microseconds).
_PROBE_GRACE = 0.5


def is_lock_conflict(exc: BaseException) -> bool:
    """True when DuckDB refused to open a file because another process holds it."""
    return isinstance(exc, duckdb.IOException) and _LOCK_CONFLICT in str(exc)


def connect_retrying(path: str, *, read_only: bool, wait: float, config: dict | None = None,
                     clock: Callable[[], float] = time.monotonic,
                     sleep: Callable[[float], None] = time.sleep) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect`` that retries while another process holds the file, for at most ``wait`` s.

    A run opens and closes the file once per stage, so the gaps between its holds are short. Two
    things keep a reader from missing them for long (measured in BENCHMARKS.md, *Concurrency*):
    a waiting reader retries every 20 ms, and it announces itself with a shared ``flock`` on
    ``<db>.readers``, which a writer about to open checks: while readers wait, the writer lets them
    go first (for at most ``WRITER_YIELD_SECONDS``). Other DuckDB errors are raised at once.
    """
    deadline = clock() + max(0.0, wait)
    turnstile = None
    try:
        if not read_only and path != ":memory:":
            _let_waiting_readers_in(path, clock, sleep)
        while True:
            try:
                return duckdb.connect(path, read_only=read_only, config=dict(config or {}))
            except duckdb.Error as exc:
                if not is_lock_conflict(exc):
                    raise
                if clock() >= deadline:
                    holder = str(exc).split("Conflicting lock is held in", 1)[-1].split(". See")[0].strip()
                    side = "reading" if read_only else "writing"
                    raise DatabaseBusyError(
                        f"{path} stayed busy for {wait:.0f}s (held by {holder}); not opened for {side}. "
                        "A reader that keeps its connection open (a notebook) blocks runs: close it "
                        "when done, see docs/operations.md#concurrency") from exc
            if read_only and turnstile is None:
                turnstile = _announce_reader(path)
            sleep(min(0.02 if read_only else 0.1, max(0.0, deadline - clock())))
    finally:
        if turnstile is not None:
            turnstile.close()  # drops the shared flock


#: The longest a writer lets waiting readers go first before it opens the database anyway.
WRITER_YIELD_SECONDS = 2.0


def _readers_path(path: str) -> Path:
    return Path(f"{path}.readers")


def _announce_reader(path: str):  # noqa: ANN202
    """A shared flock on ``<db>.readers`` while this reader waits (None if the folder is read-only)."""
    try:
        f = _readers_path(path).open("a+")
    except OSError:
        return None
    fcntl.flock(f.fileno(), fcntl.LOCK_SH)
    return f


def _let_waiting_readers_in(path: str, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
    """Before the writer opens: while some reader holds the shared turnstile lock, wait (bounded)."""
    rp = _readers_path(path)
    if not rp.exists():
        return
    with rp.open("a+") as f:
        until = clock() + WRITER_YIELD_SECONDS
        while clock() < until:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                sleep(0.02)
                continue
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
            return


# -- the run lock -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockHolder:
    """Who holds (or last held) a run lock, as written in the lock file."""

    pid: int
    command: str
    since: str
    host: str = ""
    run_id: int | None = None

    def describe(self) -> str:
        run = f"run {self.run_id}, " if self.run_id is not None else ""
        return f"{run}pid {self.pid} on {self.host or '?'}, {self.command}, since {self.since}"


def locked_error(db_path: str | Path, waited: float = 0.0) -> RunLockedError:
    """The one-line error for a database whose run lock is held, naming the holder."""
    holder = read_holder(db_path)
    who = holder.describe() if holder else "another process"
    after = f" after waiting {waited:.0f}s" if waited else ""
    return RunLockedError(f"{db_path} is in use by another run ({who}){after}; "
                          "wait for it with --wait SECONDS, or try again later")


def lock_path(db_path: str | Path) -> Path:
    return Path(f"{db_path}.lock")


def read_holder(db_path: str | Path) -> LockHolder | None:
    """The holder recorded in ``<db>.lock``, or None when there is no readable record."""
    try:
        data = json.loads(lock_path(db_path).read_text(encoding="utf-8") or "null")
        return LockHolder(int(data["pid"]), str(data["command"]), str(data["since"]), str(data.get("host", "")),
                          data.get("run_id"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def lock_is_held(db_path: str | Path) -> bool:
    """True while some process holds the run lock of ``db_path`` (tested without taking it for long)."""
    path = lock_path(db_path)
    if not path.exists():
        return False
    with path.open("a+") as f:
        try:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(f.fileno(), fcntl.LOCK_UN)
        return False


class RunLock:
    """The advisory lock that lets one run at a time write a database. A context manager.

    ``wait`` seconds: 0 fails at once when the lock is held; otherwise polls until it is free or the
    time is up. ``:memory:`` databases need no lock.
    """

    def __init__(self, db_path: str | Path, command: str, *, wait: float = 0.0,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.db_path = str(db_path)
        self.command = command
        self.wait = wait
        self._clock, self._sleep = clock, sleep
        self._file = None
        self._holder: LockHolder | None = None

    def acquire(self) -> RunLock:
        if self.db_path == ":memory:":
            return self
        path = lock_path(self.db_path)
        if not path.parent.is_dir():
            raise StoreError(f"cannot create database {self.db_path}: folder {path.parent} does not exist")
        f = path.open("a+", encoding="utf-8")
        # even "no wait" rides over the instant `wiredesk status` probes the lock (lock_is_held)
        deadline = self._clock() + max(_PROBE_GRACE, self.wait)
        while True:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if self._clock() >= deadline:
                    f.close()
                    raise locked_error(self.db_path, self.wait) from None
                self._sleep(min(0.1, max(0.0, deadline - self._clock())))
        self._file = f
        self._holder = LockHolder(os.getpid(), self.command, utcnow().strftime("%Y-%m-%d %H:%M:%S UTC"),
                                  socket.gethostname())
        self._write()
        return self

    def note_run(self, run_id: int) -> None:
        """Record the run id in the lock file, so a second run's message can name it."""
        if self._file is not None and self._holder is not None:
            self._holder = LockHolder(**{**self._holder.__dict__, "run_id": run_id})
            self._write()

    def _write(self) -> None:
        f = self._file
        f.seek(0)
        f.truncate()
        f.write(json.dumps(self._holder.__dict__))
        f.flush()

    def release(self) -> None:
        # The file stays (deleting it would race with a process that just opened it); the kernel
        # releases the flock when the file is closed, or when the process dies.
        if self._file is not None:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- readers ------------------------------------------------------------------------------------------


#: DuckDB settings for connections that run SQL typed by a user (``wiredesk query``). Read-only mode
#: alone still lets SQL write *other* files (``COPY ... TO``, ``ATTACH`` a new database, ``EXPORT
#: DATABASE``), read any file (``read_csv('/etc/passwd')``) or install extensions; these settings turn
#: all file and network access off and lock the configuration so ``SET`` cannot turn it back on.
#: (tests/integration/test_sql_surface.py proves each one; docs/reliability.md "SQL surface".)
SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,
}


def open_readonly(path: str | Path, wait: float = READ_WAIT_SECONDS, *, sandbox: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection to an existing wiredesk database; ``StoreError`` with a clear reason if not.

    While a run commits a batch the file is held by the writer: this waits up to ``wait`` seconds for
    the commit to end (``DatabaseBusyError`` after that). Close the connection when done: while it is
    open, runs cannot write.

    ``sandbox=True`` also applies ``SANDBOX_CONFIG``: the connection can read this database and nothing
    else, and write nothing at all (for SQL that comes from a user).
    """
    p = Path(path)
    if not p.is_file():
        raise StoreError(f"no database at {p} (run `wiredesk run` first, or pass --db)")
    try:
        return connect_retrying(str(p), read_only=True, wait=wait, config=dict(SANDBOX_CONFIG) if sandbox else None)
    except DatabaseBusyError:
        raise
    except duckdb.Error as exc:
        raise StoreError(f"cannot open {p} read-only: {exc}") from exc
