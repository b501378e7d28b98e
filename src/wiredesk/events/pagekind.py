"""Whether a document reports news: the page-kind gate of event extraction. Pure.

An events table is only worth querying when its mentions come from pages that tell happenings: a video
*game* review, a recipe *beating* butter, a product page, a wiki or a forum give trigger words in another
sense or in no time at all. ``page_kind(doc)`` decides from what the document carries, in this order:

1. **what the page declares** (``DocumentInput.page_types``: og:type and schema.org types,
   ``wiredesk.clean.pagetypes``): a news type (``NewsArticle``, ``ReportageNewsArticle``, ``LiveBlogPosting``,
   og:type ``news``...) makes it news; a type of something else (``Recipe``, ``Product``, ``VideoGame``,
   ``Review``, ``Event``, ``HowTo``, ``FAQPage``, ``JobPosting``, og:type ``product``, ``video.movie``,
   ``book``, ``profile``...) makes it no news. Generic types (``Article``, ``BlogPosting``, ``WebPage``,
   og:type ``article``) say nothing: news and recipes use them alike;
2. **its address** (``DocumentInput.url``): a path of a recipe, a product, a shop, a wiki, a forum, the
   questions of a Q&A site, documentation, or a host that is one (GitHub, Stack Exchange, a fandom wiki);
3. **its text**: news is told in the third person, in the past, with reporting verbs ("said", "according
   to", "told"), days and months ("on Tuesday", "Nov. 18") and past forms of happenings ("won", "killed",
   "arrested"); a page addressed to its reader ("you", "your": how-tos, advice,
   instructions) or told in the first person ("I", "my": diaries, fiction, personal blogs) with none of
   those is no news. A text with too few words to judge passes.

A document with no evidence either way (a plain-text file, a feed item's page that declares nothing, an
ECB+ news text) is news: the gate removes pages it has a reason to remove, never by default. The decision
says why (``PageKind.reason``, counted by a run: ``runs.event_documents_not_news``).

What this is not: a topic classifier (sports, business and entertainment news are news) or a quality
judgement; an opinion piece that reports happenings in the third person passes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

#: Settings values of ``events.pages``: "news" reads only documents this gate calls news; "all" reads every one.
PAGE_SETTINGS = ("news", "all")

#: schema.org types (lower case) of a news report.
NEWS_TYPES = frozenset({
    "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "backgroundnewsarticle", "askpublicnewsarticle",
    "liveblogposting", "og:news", "og:news.article", "og:newsarticle"})
#: schema.org and Open Graph types (lower case) of pages that are something else than a report.
OTHER_TYPES = frozenset({
    "product", "productgroup", "productmodel", "offer", "aggregateoffer", "recipe", "howto", "howtosection",
    "videogame", "game", "movie", "tvseries", "tvepisode", "book", "musicalbum", "musicrecording", "musicplaylist",
    "softwareapplication", "mobileapplication", "webapplication", "review", "criticreview", "reviewnewsarticle",
    "employerreview", "course", "faqpage", "qapage", "question", "jobposting", "profilepage", "realestatelisting",
    "searchresultspage", "checkoutpage", "itempage", "apireference", "techarticle", "scholarlyarticle",
    "medicalscholarlyarticle", "dataset", "discussionforumposting",
    "og:product", "og:product.item", "og:product.group", "og:video.movie", "og:video.tv_show", "og:video.episode",
    "og:book", "og:books.book", "og:music.song", "og:music.album", "og:music.playlist", "og:game",
    "og:game.achievement", "og:profile", "og:business.business", "og:restaurant.restaurant", "og:place",
    "og:event"})
#: Types of things a report can carry beside it (a sidebar's conference listings, the shop of the story): they
#: make a page no news only when it declares no article of any kind.
LISTED_TYPES = frozenset({
    "event", "musicevent", "sportsevent", "festival", "exhibitionevent", "businessevent", "place", "localbusiness",
    "restaurant", "hotel", "store", "touristattraction"})
#: Types of an article of any kind (news or not): with one of them, ``LISTED_TYPES`` say nothing.
ARTICLE_TYPES = frozenset({"article", "blogposting", "report", "og:article", "socialmediaposting", "newsarticle"})
#: Path segments (lower case, whole) of pages that are no reports.
OTHER_PATHS = frozenset({
    "recipe", "recipes", "product", "products", "shop", "store", "cart", "wiki", "forum", "forums", "thread",
    "threads", "questions", "docs", "documentation", "manual", "faq", "help", "privacy", "privacy-policy", "terms",
    "about", "about-us", "fiction", "chapter", "glossary", "dictionary", "words"})
#: Hosts (or their parents) whose pages are no reports.
OTHER_HOSTS = ("github.com", "gitlab.com", "stackexchange.com", "stackoverflow.com", "fandom.com",
               "wikipedia.org", "wiktionary.org", "readthedocs.io", "royalroad.com", "wattpad.com")

_WORD = re.compile(r"[A-Za-z0-9\u2019']+")
#: A quotation: between curly double quotes, or straight ones, within one paragraph.
_QUOTED = re.compile(r"\u201c[^\u201d\n]{0,2000}\u201d|\"[^\"\n]{0,2000}\"")
_REPORTING = frozenset({"said", "says", "told", "announced", "reported", "confirmed", "according", "spokesman",
                        "spokeswoman", "spokesperson", "officials", "police", "stated", "added"})
_DAYS = frozenset({"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "yesterday",
                   "tonight", "today", "january", "february", "april", "june", "july", "august", "september",
                   "october", "november", "december", "jan", "feb", "apr", "jun", "jul", "aug", "sept", "oct", "nov",
                   "dec"})
#: Past forms that tell a happening (not "beat", which recipes use too).
_HAPPENED = frozenset({"won", "scored", "killed", "died", "arrested", "charged", "sentenced", "elected", "resigned",
                       "injured", "crashed", "announced", "launched"})
_YOU = frozenset({"you", "your", "you're", "you\u2019re", "yours", "yourself", "you'll", "you\u2019ll",
                  "you've", "you\u2019ve"})
_ME = frozenset({"i", "my", "me", "i'm", "i\u2019m", "i've", "i\u2019ve", "myself", "i'd", "i\u2019d", "mine"})
#: Fewer words than this and the text is not judged (a brief, a headline and a paragraph).
MIN_WORDS = 120
#: Per 100 words: a page addressed to its reader, or told in the first person, reaches this ...
PERSONAL_RATE = 1.5
#: ... and a report has at least this many reporting words and days per 100 words.
REPORT_RATE = 0.6


@dataclass(frozen=True)
class PageKind:
    """The gate's decision on one document: ``news`` or not, and why (``"type Recipe"``, ``"url /wiki/"``,
    ``"text: addressed to the reader"``, ``"no evidence"``...). ``cause`` is the kind of evidence that decided:
    ``type``, ``url``, ``text`` or ``none``. ``text_report``: the text was judged and reads as a report
    (reporting words and days at ``REPORT_RATE`` or more), a structured answer that does not depend on the
    reason's wording; False for a page decided by its type or address, or too short to judge."""

    news: bool
    reason: str
    text_report: bool = False

    @property
    def cause(self) -> str:
        return self.reason.split(" ", 1)[0].rstrip(":") if self.reason != "no evidence" else "none"


def page_kind(doc) -> PageKind:
    """Whether the document (a ``DocumentInput``: ``page_types``, ``url``, ``text``) reports news."""
    # 1. what the page declares: a news type wins over any other the page also declares
    types = [t.lower() for t in doc.page_types]
    news_type = next((t for t in doc.page_types if t.lower() in NEWS_TYPES), None)
    if news_type:
        return PageKind(True, f"type {news_type}")
    other = next((t for t in doc.page_types if t.lower() in OTHER_TYPES or (
        t.lower().startswith("og:") and "review" in t.lower())), None)  # og:type "trustpilot:review"
    if other is None and not ARTICLE_TYPES & set(types):
        other = next((t for t in doc.page_types if t.lower() in LISTED_TYPES), None)
    if other:
        return PageKind(False, f"type {other}")
    # 2. its address
    where = _other_url(doc.url)
    if where:
        return PageKind(False, f"url {where}")
    # 3. its text
    text = doc.text
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < MIN_WORDS:
        return PageKind(True, "no evidence")
    per100 = 100.0 / len(words)
    report = sum(w in _REPORTING or w in _DAYS or w in _HAPPENED for w in words) * per100
    # who the text speaks to and as whom, outside quotations: a report quotes people saying "I" and "you"
    told = [w.lower() for w in _WORD.findall(_QUOTED.sub(" ", text))]
    you = sum(w in _YOU for w in told) * per100
    me = sum(w in _ME for w in told) * per100
    if report < REPORT_RATE and you >= PERSONAL_RATE:
        return PageKind(False, "text: addressed to the reader")
    if report < REPORT_RATE and me >= PERSONAL_RATE:
        return PageKind(False, "text: told in the first person")
    if report >= REPORT_RATE:
        return PageKind(True, "text: a report", text_report=True)
    return PageKind(True, "no evidence")


def _other_url(url: str | None) -> str | None:
    """The host or path segment that makes ``url`` a page of something else than a report, or None."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    for h in OTHER_HOSTS:
        if host == h or host.endswith("." + h):
            return h
    if host.startswith("wiki."):
        return host
    for seg in parts.path.lower().split("/"):
        if seg in OTHER_PATHS:
            return f"/{seg}/"
    return None
