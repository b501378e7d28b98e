"""Access states: is a fetched page the article, or something served in its place? Pure, no I/O.

A page answered with status 200 may still not be the article: a cookie-consent wall (OneTrust, Didomi,
Quantcast Choice, Usercentrics, Sourcepoint...), a paywall stub (a teaser and "subscribe to continue"), a
bot check (Cloudflare, Akamai, DataDome, PerimeterX, Imperva), an error page served as 200 (a soft 404) or
an empty script shell. ``classify_access(html, text)`` reads the page's HTML and the text the cleaner kept of
it and says which (``AccessState``), with a short reason naming what it saw.

The rules, in order (the first that holds decides):

1. **blocked**: a bot-check or block page: its title or text is a challenge's own ("Just a moment...",
   "Access Denied ... Reference #", "Request unsuccessful. Incapsula incident ID") or a challenge's markup
   (``_cf_chl_opt``, ``captcha-delivery.com``, ``px-captcha``) on a page with little text;
2. **consent**: the kept text is itself a consent notice ("we and our partners ... cookies ... accept"), or
   a consent manager's markup on a page with little text;
3. **paywall**: a subscription call ("subscribe to continue reading", "réservé aux abonnés", ...) or
   ``isAccessibleForFree: false`` on a page whose kept text is short (a metered article that is served in
   full is an article);
4. **empty**: an error page ("page not found" as title or heading, with little text), or too little text;
5. else **article**.

"Little text" is counted in words of the kept text; the thresholds are tuned on one half of the labelled
set in ``bench/data/access`` and reported on the other (``bench/eval_access.py``). Real articles carry
consent managers' scripts and subscription teasers all the time: markup alone never decides against a
page with the text of an article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wiredesk.domain.versions import ACCESS_VERSION

__all__ = ["ACCESS_VERSION", "STATES", "AccessState", "classify_access"]

STATES = ("article", "consent", "paywall", "blocked", "empty")

#: Below this many words of kept text a page has "little text" (challenge, consent and error pages).
LITTLE_TEXT_WORDS = 120
#: A page whose kept text is a consent notice is one up to this many words (a long article may quote one).
CONSENT_TEXT_WORDS = 400
#: A page with a subscription call and at most this many words is a paywall stub.
PAYWALL_TEXT_WORDS = 220
#: A page with paywall markup but no subscription call is a stub up to this many words.
PAYWALL_MARKUP_WORDS = 60
#: Fewer words than this is no article at all.
MIN_ARTICLE_WORDS = 12
#: With fewer kept words than this, the page's own visible words are read for the wording of a wall.
FEW_WORDS = 25


@dataclass(frozen=True)
class AccessState:
    """What a fetched page is: ``state`` (one of ``STATES``) and ``reason``, what decided it."""

    state: str
    reason: str

    @property
    def is_article(self) -> bool:
        return self.state == "article"


def _rx(*phrases: str) -> re.Pattern[str]:
    return re.compile("|".join(phrases), re.IGNORECASE)


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_WORD = re.compile(r"\w+")

# 1. bot checks and blocks: page titles and texts of the challenges themselves
_BLOCK_TITLE = _rx(r"^\s*just a moment\.*\s*$", r"attention required!? \| cloudflare", r"^\s*access denied\s*$",
                   r"^\s*pardon our interruption", r"are you a (?:robot|human)\??", r"^\s*security check",
                   r"^\s*one more step", r"^\s*request rejected", r"^\s*403 forbidden", r"^\s*forbidden\s*$",
                   r"ddos-guard", r"^\s*human verification", r"^\s*bot verification", r"^\s*un instant",
                   r"^\s*einen moment", r"^\s*zugriff verweigert", r"^\s*acc[eè]s refus[ée]")
_BLOCK_TEXT = _rx(r"checking (?:if the site connection is secure|your browser before accessing)",
                  r"enable javascript and cookies to continue", r"sorry, you have been blocked",
                  r"you don't have permission to access .{0,200} on this server", r"reference #\d+\.[0-9a-f]+",
                  r"incapsula incident id", r"request unsuccessful\. incapsula", r"press (?:&|and|&amp;) hold to confirm",
                  r"access to this page has been denied", r"verify(?:ing)? (?:that )?you are (?:a )?human",
                  r"the request could not be satisfied", r"please complete the security check",
                  r"unusual (?:traffic|activity) from your (?:computer|network)", r"performance (?:&|and|&amp;) security by cloudflare",
                  r"ray id: [0-9a-f]{8,}", r"why have i been blocked", r"please enable js and disable any ad blocker")
_BLOCK_MARKUP = _rx(r"_cf_chl_opt", r"cf-browser-verification", r"cf-challenge", r"/cdn-cgi/challenge-platform/h/",
                    r"captcha-delivery\.com", r"px-captcha", r"_incapsula_resource", r"errors\.edgesuite\.net",
                    r"challenges\.cloudflare\.com/turnstile", r"geo\.captcha-delivery", r"perimeterx",
                    r"awswaf", r"ddos-guard\.net")

# 2. consent: notices' own wording (the kept text) and consent managers' markup
_CONSENT_TEXT = _rx(r"we (?:and our (?:\d+ )?partners )?(?:use|store and/or access|process) (?:cookies|information on a device|your (?:personal )?data)",
                    r"we value your privacy", r"(?:accept|agree to|reject) all(?: cookies)?\b", r"cookie (?:settings|preferences|policy)",
                    r"manage (?:your )?(?:options|preferences|choices|consent)", r"before you continue",
                    r"(?:wir|diese website) (?:verwenden|nutzen|nutzt|verwendet) cookies", r"alle akzeptieren", r"zustimmen und weiter",
                    r"nous (?:et nos partenaires )?(?:utilisons|stockons)", r"accepter (?:et|&) fermer", r"tout accepter",
                    r"utilizziamo (?:i )?cookie", r"accetta tutti", r"utilizamos cookies", r"aceptar todo",
                    r"używamy (?:plików )?cookies", r"akceptuj(?:ę)? wszystk", r"personali[sz]ed ads and content",
                    r"precise geolocation data", r"consent (?:to|for) (?:the use of|cookies)", r"legitimate interest")
#: a consent manager's banner rendered in the served page (its script alone is on most articles: not a sign)
_CONSENT_MARKUP = _rx(r"""id=["'](?:onetrust-banner-sdk|didomi-notice|qc-cmp2-container|usercentrics-root|CybotCookiebotDialog|"""
                      r"""sp_message_container_\w*|truste-consent-track|cmpbox)["']""", r"consent\.(?:yahoo|google)\.com",
                      r"""class=["'][^"']*(?:qc-cmp2-summary|didomi-popup-notice|fc-consent-root)""")

# 3. paywalls: subscription calls in many languages, and the schema.org flag
_PAYWALL_TEXT = _rx(r"subscribe (?:now )?to (?:continue|keep) reading", r"(?:this|the) (?:article|story|content) is (?:only )?(?:available |reserved )?(?:for|to) (?:subscribers|members)",
                    r"(?:already|are you) a subscriber\?", r"to (?:continue|keep) reading,? (?:please )?(?:subscribe|log in|sign in|become)",
                    r"subscribers only", r"exclusive (?:content )?for subscribers", r"unlock (?:this|full) (?:article|access)",
                    r"you(?:'ve| have) reached your (?:free )?(?:article )?limit", r"start your (?:free )?trial",
                    r"nur für (?:abonnenten|abonnentinnen)", r"jetzt weiterlesen mit", r"\b(?:sz|faz|welt|spiegel|zeit|bild)\s?plus\b",
                    r"weiterlesen mit (?:\w+ )?abo", r"artikel (?:ist )?(?:nur )?für abonnenten",
                    r"r[ée]serv[ée] aux abonn[ée]s", r"la suite est r[ée]serv[ée]e", r"abonnez-vous pour lire",
                    r"riservato agli abbonati", r"contenido (?:exclusivo )?para suscriptores", r"hazte suscriptor",
                    r"dla (?:subskrybentów|prenumeratorów)", r"dostępny (?:tylko )?dla", r"premium (?:article|content) for members")
_PAYWALL_MARKUP = _rx(r"""["']isAccessibleForFree["']\s*:\s*["']?false""", r"""class=["'](?:[^"']*\s)?paywall[\s"']""",
                      r"tp-container-inner",
                      r"piano-(?:paywall|offer)", r"""id=["']paywall""")

# 4. error pages served as 200
#: anchored or error-specific: a short news brief may well be titled "Dow drops 500 points" or "Missing hiker
#: not found" (a heading or title that merely contains such words never makes a brief an error page)
_ERROR_TITLE = _rx(r"\b404\b", r"page not found", r"^\W*not found\b", r"page (?:does not|doesn't) exist",
                   r"(?:page|article|content) (?:is )?no longer available",
                   r"seite nicht gefunden", r"seite (?:existiert|gibt es) nicht", r"page introuvable", r"cette page n'existe",
                   r"pagina non trovata", r"página no encontrada", r"strona nie (?:została )?znalezion", r"nie znaleziono",
                   r"^\s*error\b", r"server error", r"^\W*(?:error )?50[03]\b", r"^\W*oops\b.*\b(?:wrong|error|not|page|missing)\b")


def _visible(fragment: str) -> str:
    return " ".join(_TAGS.sub(" ", fragment).split())


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def _words(text: str) -> int:
    """Words of ``text``; in Chinese, Japanese and Korean, two characters count as one word."""
    return len(_WORD.findall(text)) + len(_CJK.findall(text)) // 2


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    m = pattern.search(text)
    return " ".join(m.group(0).split())[:80] if m else None


def classify_access(html: str, text: str) -> AccessState:
    """The access state of a fetched page from its ``html`` and the body ``text`` the cleaner kept ("" when it
    kept none). See the module docstring for the rules."""
    html = html or ""
    text = text or ""
    words = _words(text)
    little = words < LITTLE_TEXT_WORDS
    m = _TITLE.search(html[:200000])
    title = _visible(m.group(1)) if m else ""
    h1 = _H1.search(html)
    heading = _visible(h1.group(1)) if h1 else ""
    # the page's own visible words when the cleaner kept nothing: challenge and consent pages often have no
    # "main text" at all, and their wording is what gives them away
    page_text = text if words >= FEW_WORDS else _visible(re.sub(
        r"<(script|style|noscript)\b.*?</\1>", " ", html, flags=re.IGNORECASE | re.DOTALL))
    # 1. blocked
    hit = _first(_BLOCK_TITLE, title)
    if hit and little:
        return AccessState("blocked", f"challenge page title: {hit!r}")
    hit = _first(_BLOCK_TEXT, page_text)
    if hit and little:
        return AccessState("blocked", f"challenge text: {hit!r}")
    hit = _first(_BLOCK_MARKUP, html)
    if hit and little:
        return AccessState("blocked", f"challenge markup {hit!r} and {words} words of text")
    # 2. consent
    consent_hits = {h.lower() for h in _CONSENT_TEXT.findall(page_text)}
    if len(consent_hits) >= 2 and words <= CONSENT_TEXT_WORDS:
        return AccessState("consent", f"the page's text is a consent notice ({', '.join(sorted(consent_hits)[:3])})")
    hit = _first(_CONSENT_MARKUP, html)
    if hit and (words < FEW_WORDS or (consent_hits and little)):
        return AccessState("consent", f"consent banner {hit!r} and {words} words of text")
    # 3. paywall
    if words <= PAYWALL_TEXT_WORDS:  # only then is the whole page's text read: most articles are longer
        hit = _first(_PAYWALL_TEXT, page_text if words < FEW_WORDS else _visible(html))
        if hit:
            return AccessState("paywall", f"subscription call {hit!r} and {words} words of text")
    hit = _first(_PAYWALL_MARKUP, html)
    if hit and words <= PAYWALL_MARKUP_WORDS:
        return AccessState("paywall", f"paywall markup {hit!r} and {words} words of text")
    # 4. error pages and empty pages
    for label, value in (("title", title), ("heading", heading)):
        hit = _first(_ERROR_TITLE, value)
        if hit and little:
            return AccessState("empty", f"error page: {label} says {value[:60]!r}, {words} words of text")
    if words < MIN_ARTICLE_WORDS:
        return AccessState("empty", f"{words} words of text" if words else "no article text")
    return AccessState("article", f"{words} words of text")
