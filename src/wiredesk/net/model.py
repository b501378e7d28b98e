"""What the HTTP client takes and gives: a request, its result, and one record per HTTP exchange. Values only.

``FetchRecord`` rows are the ``fetches`` log (``wiredesk.store.feeds`` writes them); ``FetchResult`` is what
``wiredesk.net.http.Fetcher.fetch`` returns for one URL (all its hops).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from wiredesk.domain.errors import FetchError


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP exchange, as logged in ``fetches``. ``error`` is a ``FetchError.reason`` or None."""

    url: str
    purpose: str
    started_at: datetime
    status: int | None
    bytes: int  # body bytes received on the wire
    duration: float
    error: str | None = None
    message: str | None = None
    redirect_to: str | None = None


@dataclass(frozen=True)
class FetchRequest:
    url: str
    purpose: str = "feed"
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one fetch (all its hops). ``body`` is decoded (gzip/deflate removed), not charset-decoded."""

    url: str
    purpose: str
    final_url: str
    status: int | None
    body: bytes | None = None
    content_type: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    error: FetchError | None = None
    records: tuple[FetchRecord, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def moved_permanently_to(self) -> str | None:
        """The final URL when every redirect hop was permanent (301/308) and the fetch succeeded."""
        hops = [r for r in self.records if r.redirect_to is not None and r.purpose == self.purpose]
        if hops and (self.ok or self.not_modified) and all(r.status in (301, 308) for r in hops):
            return self.final_url
        return None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")
