"""robots.txt rules as RFC 9309 reads them, for the article pages the fetcher asks about.

``RobotsRules`` wraps protego (the parser Scrapy uses), which follows RFC 9309 where ``urllib.robotparser``
does not: the longest matching rule wins, whatever its order, and ``Allow`` wins a tie (so ``Disallow: /``
with ``Allow: /news/`` lets ``/news/a`` through); ``*`` matches any run of characters and ``$`` ends a
pattern (``Disallow: /*.pdf$``); the group of the most specific user agent applies, ``*`` otherwise.

What it is not: the fetch of robots.txt, its size limit or what a 4xx/5xx answer means
(``wiredesk.net.http.Fetcher``), nor the host delay ``Crawl-delay`` sets (``wiredesk.net.limits.HostGate``).
"""

from __future__ import annotations

import logging

from protego import Protego

log = logging.getLogger("wiredesk")


class RobotsRules:
    """The rules of one robots.txt. ``allows(url, token)`` and ``crawl_delay(token)``, where ``token`` is the
    product token of our user agent (``HttpSettings.robots_token``, e.g. ``wiredesk``)."""

    def __init__(self, text: str, origin: str = ""):
        try:
            self._rules: Protego | None = Protego.parse(text)
        except Exception as exc:  # a parser bug on a hostile file: be polite, fetch nothing from this origin
            log.warning("robots.txt of %s could not be read (%s: %s); its pages are not fetched",
                        origin or "a site", type(exc).__name__, exc)
            self._rules = None

    def allows(self, url: str, token: str) -> bool:
        """Whether ``token`` may fetch ``url``."""
        if self._rules is None:
            return False
        try:
            return self._rules.can_fetch(url, token)
        except Exception:  # as above: an unreadable rule refuses, never crashes the fetch
            return False

    def crawl_delay(self, token: str) -> float | None:
        """The ``Crawl-delay`` of ``token``'s group in seconds (None when it sets none)."""
        if self._rules is None:
            return None
        try:
            delay = self._rules.crawl_delay(token)
        except (TypeError, ValueError):
            return None
        return float(delay) if delay else None
