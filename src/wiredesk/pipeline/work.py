"""What a pool worker does to one item, with no database in reach: clean it (``clean_one``) and say what
the story layer reads of the article (``story_document``).

Its own module so that a worker process (``wiredesk.pipeline.scaleout.process_items``) imports the
cleaner, the event extractor and the story features and nothing of the store: no DuckDB, which a worker
never uses (about a tenth of a second of each worker's start-up). ``wiredesk.pipeline.stages`` uses the
same functions for the batches cleaned in the run's own process.
"""

from __future__ import annotations

import logging

from wiredesk.clean.access import classify_access
from wiredesk.clean.cleaner import HtmlCleaner, clean_item
from wiredesk.clean.siterules import SiteRules
from wiredesk.domain.errors import SURVIVABLE_ERRORS
from wiredesk.domain.models import Article, Failure, InputItem
from wiredesk.domain.settings import CleanSettings
from wiredesk.domain.urls import is_http_url
from wiredesk.stories import StoryDocument

log = logging.getLogger("wiredesk")


def clean_one(item: InputItem, settings: CleanSettings, site_rules: SiteRules = SiteRules()) -> Article | Failure:
    """Clean one item (HTML with the site rule of its host, if ``site_rules`` has one); a survivable error becomes a ``Failure`` (of these bytes) instead of an exception.
    A web page that yields no article may yield one later (a consent wall, a page built by script): its
    failure may pass; a file's will not until its bytes change.

    A web page (HTML from an http(s) origin) is also read for its access state (``wiredesk.clean.access``):
    a consent wall, paywall stub, bot check or empty page is never an article; it fails at stage ``access``
    with its state as the reason, and may pass (it is fetched again later, within the retry attempts)."""
    web_page = item.kind == "html" and is_http_url(item.origin)
    try:
        cleaner = HtmlCleaner(favor_precision=settings.favor_precision, include_tables=settings.include_tables,
                              site_rules=site_rules)
        article: Article | None = clean_item(item, cleaner)
    except SURVIVABLE_ERRORS as exc:
        if not (web_page and exc.reason == "no_text"):
            return Failure(item.origin, "clean", exc.reason, str(exc), content=item.raw_sha256,
                           may_pass=is_http_url(item.origin))
        article = None
    except Exception as exc:  # a bug or a hostile page must cost one item, not the run
        log.exception("unexpected error cleaning %s", item.origin)
        return Failure(item.origin, "clean", "unexpected", f"{type(exc).__name__}: {exc}", content=item.raw_sha256)
    if not web_page:
        return article  # type: ignore[return-value]  (only a web page's cleaning leaves it None)
    access = classify_access(item.content, article.text if article is not None else "")
    if article is None or not access.is_article:
        state = "empty" if access.is_article else access.state  # no text kept is no article, whatever it looks like
        return Failure(item.origin, "access", state, access.reason, content=item.raw_sha256, may_pass=True)
    return article


def story_document(article: Article) -> StoryDocument:
    """What the story layer reads of an article: the values its document row stores (id filled by the store)."""
    return StoryDocument(0, article.text, title=article.title, language=article.language,
                         published_at=article.published_at, outlet=article.source)
