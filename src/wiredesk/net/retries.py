"""When asking again may help: the statuses and errors that may pass, and how long to wait before asking.

Used by the fetcher for its retries within one fetch (``wiredesk.net.http``) and by the feed stage to say
whether a page that failed may succeed in a later run (``wiredesk.domain.retry``). Pure.
"""

from __future__ import annotations

from wiredesk.net.model import FetchResult

#: Statuses worth asking again: rate limited, or a server/gateway error that may pass (not 501).
TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


#: A page a feed links to may not be there yet (the feed is often published before the page reaches every
#: server): worth asking in a later run, a bounded number of times.
NOT_YET = frozenset({404})


def result_may_pass(result: FetchResult) -> bool:
    """Whether a failed fetch may succeed in a later run with nothing changed on our side: a timeout, a
    refused or cut connection, a rate limit or a server error (``TRANSIENT_STATUSES``), a page not there yet
    (``NOT_YET``). Refusals (robots, address, size, content type) and other statuses (410, 501) will not."""
    err = result.error
    if err is None:
        return False
    return err.reason in ("timeout", "connect", "protocol") or (
        err.reason == "status" and err.status in TRANSIENT_STATUSES | NOT_YET)


def retry_delay(attempt: int, backoff: float, retry_after: str | None, max_retry_after: float = 30.0) -> float:
    """Seconds before retry ``attempt + 1``: ``backoff * 2**attempt``, or ``Retry-After`` seconds when
    the server says so (capped at ``max_retry_after``, ``http.max_retry_after``)."""
    delay = backoff * (2 ** attempt)
    if retry_after and retry_after.strip().isdigit():
        delay = max(delay, min(float(retry_after.strip()), max_retry_after))
    return delay
