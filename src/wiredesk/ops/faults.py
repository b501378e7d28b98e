"""A test seam for crash-consistency tests: named checkpoints where a fault can be injected.

``checkpoint("store:documents")`` marks a point in a run (a stage starting, a step inside the batch
transaction, the moment after a commit). It does nothing unless the environment variable
``WIREDESK_FAULT`` names that point when the process starts::

    WIREDESK_FAULT=POINT:HIT:ACTION      e.g.  store:near:2:kill   clean:1:raise

- ``POINT``: a checkpoint name (``POINTS`` lists them all);
- ``HIT``: act on the HIT-th time the point is reached in this process (1 = the first);
- ``ACTION``: ``kill`` sends SIGKILL to this process (no cleanup, no ``finally``: a power cut, the OOM
  killer); ``raise`` raises ``InjectedFault`` (a bug in a stage).

What it is: the means for ``tests/reliability`` to stop a real ``wiredesk run`` at every stage and step
(docs/reliability.md). What it is not: a feature. With the variable unset (every normal run) a
checkpoint is one comparison of a module constant and changes nothing. The hit counter is the one
piece of module state, kept here on purpose: a checkpoint is called from deep inside stages that have
no other way to share it, and it exists only in a process started for a fault test.

``injected(spec)`` does the same inside one process for the duration of a ``with`` block (tests that
inject exceptions in-process, where starting a process per case would cost seconds each).

``WIREDESK_FAULT_TRACE=FILE`` appends each checkpoint reached to FILE, one name a line: how a harness
learns how often a run reaches each point, to spread its kills over all of them.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

#: Every checkpoint in the code, in the order a run reaches them (feeds after files). A test that
#: names a point not listed here is a mistake in the test (``parse_fault`` refuses it).
POINTS = (
    "run:discovered",        # files discovered, no run row yet
    "run:started",           # run row committed as 'running'
    "files:loaded",          # a batch of files read
    "plan:done",             # a batch of items (files or feed articles) planned against item_state
    "clean:item",            # before cleaning each item in the main process
    "clean:done",            # a batch cleaned
    "events:done",           # a batch's event mentions extracted
    "stories:features",      # a batch's story features extracted
    "store:begin",           # batch transaction open, nothing written
    "store:raw",             # raw_pages written
    "store:documents",       # documents and paragraphs written
    "store:state",           # item_state written
    "store:exact",           # exact-duplicate links rewritten
    "store:near",            # near-duplicate index and links written
    "store:stories",         # the new versions' stories assigned
    "store:events",          # event mentions stored and events regrouped
    "store:feeds",           # feed state, entry keys and fetch log written
    "store:counters",        # failures and run counters written, COMMIT next
    "store:committed",       # the batch is committed, the caller has not heard of it yet
    "feeds:prepared",        # sources synced and chosen
    "feeds:fetched",         # a group of feeds fetched (state not yet stored)
    "feeds:collected",       # its new articles downloaded
    "run:finishing",         # every batch stored, run row not yet 'completed'
)

ENV = "WIREDESK_FAULT"
TRACE_ENV = "WIREDESK_FAULT_TRACE"
_ACTIONS = ("kill", "raise")


class InjectedFault(RuntimeError):
    """The exception ``raise`` injects. Deliberately not a ``WiredeskError``: it stands for a bug, so it
    must travel the paths an unexpected exception travels."""


def parse_fault(spec: str) -> tuple[str, int, str]:
    """``"store:near:2:kill"`` → ``("store:near", 2, "kill")``; ``ValueError`` naming what is wrong."""
    point, _, rest = spec.rpartition(":")
    point, _, hit = point.rpartition(":")
    action = rest
    if point not in POINTS:
        raise ValueError(f"{ENV}: unknown checkpoint {point!r} (known: {', '.join(POINTS)})")
    if not hit.isdigit() or int(hit) < 1:
        raise ValueError(f"{ENV}: hit must be a number from 1, got {hit!r}")
    if action not in _ACTIONS:
        raise ValueError(f"{ENV}: action must be one of {_ACTIONS}, got {action!r}")
    return point, int(hit), action


_SPEC = parse_fault(os.environ[ENV]) if os.environ.get(ENV) else None
_TRACE = os.environ.get(TRACE_ENV) or None
_ACTIVE = _SPEC is not None or _TRACE is not None
_hits: dict[str, int] = {}


def checkpoint(point: str) -> None:
    """Mark ``point``; inject the configured fault when this is its configured hit (test seam only)."""
    if not _ACTIVE:
        return
    if _TRACE is not None:
        with open(_TRACE, "a", encoding="utf-8") as trace:
            trace.write(point + "\n")
    if _SPEC is None or _SPEC[0] != point:
        return
    _hits[point] = n = _hits.get(point, 0) + 1
    if n != _SPEC[1]:
        return
    if _SPEC[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    raise InjectedFault(f"injected fault at {point} (hit {n})")


@contextmanager
def injected(spec: str) -> Iterator[None]:
    """Inject the fault ``spec`` (``POINT:HIT:ACTION``, as in ``WIREDESK_FAULT``) in this process while
    the block runs; hits are counted from the start of the block."""
    global _SPEC, _ACTIVE
    saved = _SPEC, _ACTIVE, dict(_hits)
    _SPEC, _ACTIVE = parse_fault(spec), True
    _hits.clear()
    try:
        yield
    finally:
        _SPEC, _ACTIVE = saved[0], saved[1]
        _hits.clear()
        _hits.update(saved[2])
