"""Many fetches at once: one queue per host, a budget, and hosts that keep timing out slowed and then left.

``dispatch`` starts the requests in their given order, but a request starts only when its host has a free
slot and the run has one (``http.per_host_concurrency``, ``http.max_concurrency``): a host with many slow
pages holds its own slots, never the others' (a shared pool of threads that each waited for a host's turn
let one slow host hold every thread while the other hosts' requests queued behind it).

Three things end a request's chance in this fetch without failing it (its result's error is ``deferred``,
the server never saw it or saw it cut by us, and the caller leaves the item for the next run):

1. the budget: no request starts once ``stop_at`` is near, and one in flight is cut at ``stop_at``
   (``Fetcher.fetch``), so the whole fetch ends by ``stop_at`` (plus one socket operation);
2. a host whose requests time out ``slow_after`` times in a row gets one request at a time (slowed);
3. after ``give_up_after`` timeouts in a row the host gets no more requests in this fetch (backed off).

Not here: the fetch itself (``wiredesk.net.http.Fetcher``), or which URLs to fetch.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from wiredesk.domain.errors import FetchError
from wiredesk.domain.urls import host_of
from wiredesk.net.model import FetchRequest, FetchResult

#: No request starts with less than this many seconds of budget left (it would only be cut).
MIN_SECONDS_TO_START = 1.0


@dataclass(frozen=True)
class DispatchLimits:
    """The bounds of one ``dispatch``: slots overall and per host, and when a slow host is slowed and left."""

    max_concurrency: int
    per_host: int
    slow_after: int
    give_up_after: int


@dataclass
class HostHealth:
    """Timeouts in a row per host in this fetch, and the slots that leaves each host."""

    limits: DispatchLimits
    timeouts: dict[str, int] = field(default_factory=dict)

    def record(self, host: str, result: FetchResult) -> None:
        reason = result.error.reason if result.error else None
        if reason == "timeout":
            self.timeouts[host] = self.timeouts.get(host, 0) + 1
        elif reason != "deferred":  # any answer, even an error status, shows the host is responding
            self.timeouts[host] = 0

    def slots(self, host: str) -> int:
        n = self.timeouts.get(host, 0)
        if n >= self.limits.give_up_after:
            return 0
        if n >= self.limits.slow_after:
            return 1
        return max(1, self.limits.per_host)

    def gave_up(self, host: str) -> bool:
        return self.slots(host) == 0


def deferred(request: FetchRequest, why: str) -> FetchResult:
    """The result of a request not made in this fetch: no exchange, nothing logged, tried next run."""
    return FetchResult(request.url, request.purpose, request.url, None, error=FetchError("deferred", why))


def dispatch(requests: Sequence[FetchRequest], fetch_one: Callable[[FetchRequest], FetchResult],
             limits: DispatchLimits, *, stop_at: float | None, clock: Callable[[], float]) -> list[FetchResult]:
    """Fetch ``requests`` with ``fetch_one`` on up to ``limits.max_concurrency`` threads; results in input
    order (see the module docstring for what starts when, and what is deferred)."""
    results: list[FetchResult | None] = [None] * len(requests)
    queues: dict[str, deque[int]] = {}
    for i, req in enumerate(requests):
        queues.setdefault(host_of(req.url), deque()).append(i)
    health = HostHealth(limits)
    in_flight: dict[str, int] = {}
    pending: dict[Future, tuple[int, str]] = {}
    workers = max(1, min(limits.max_concurrency, len(requests)))
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wiredesk-fetch")
    try:
        while True:
            out_of_time = stop_at is not None and stop_at - clock() < MIN_SECONDS_TO_START
            # start what may start, earliest request first, while slots are free
            while len(pending) < limits.max_concurrency and not out_of_time:
                ready = [(q[0], host) for host, q in queues.items()
                         if q and in_flight.get(host, 0) < health.slots(host)]
                if not ready:
                    break
                index, host = min(ready)
                queues[host].popleft()
                in_flight[host] = in_flight.get(host, 0) + 1
                pending[pool.submit(fetch_one, requests[index])] = (index, host)
            if not pending:
                break
            done, _ = wait(list(pending), timeout=None if stop_at is None else max(0.05, stop_at - clock()),
                           return_when=FIRST_COMPLETED)
            for future in done:
                index, host = pending.pop(future)
                in_flight[host] -= 1
                results[index] = future.result()
                health.record(host, results[index])
    except BaseException:
        # interrupted (a task timeout, Ctrl-C): return now, drop queued fetches; those in flight end on
        # their own deadlines instead of holding the caller until then
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    for host, queue in queues.items():
        why = (f"{host} timed out {limits.give_up_after} times in a row: its pages wait for the next run"
               if health.gave_up(host) else "the fetch budget of this run ran out: fetched by the next run")
        for index in queue:
            results[index] = deferred(requests[index], why)
    return [r for r in results if r is not None]
