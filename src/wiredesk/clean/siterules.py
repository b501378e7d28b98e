"""Per-site extraction rules: CSS selectors, keyed by host, that say which part of a page is the article
(``keep``) and which parts never are (``drop``), for the sites where generic extraction goes wrong.

A rule is read from the ``[site_rules]`` table of the settings file (``parse_site_rules``; docs/cleaning.md,
Site rules) and checked there, once: an invalid selector is a ``ConfigError`` naming the host and the
selector, never a traceback in the middle of a run. A rule for ``example.com`` applies to ``example.com``
and every subdomain of it (``www.`` is ignored on both sides); the most specific rule wins.

The cleaner (``wiredesk.clean.cleaner.HtmlCleaner``) applies the rule of an item's host
(``wiredesk.clean.sitepages``):

1. ``drop_matches``: every element a drop selector matches is removed from the page (its trailing text
   stays) before anything else reads it;
2. ``keep_matches``: the elements the keep selectors match, outermost first in page order, are the article
   body; they are read directly (``keep_blocks``: HTML read as trafilatura's output tree is, by
   ``wiredesk.clean.textblocks.tree_blocks``) instead of by trafilatura's extraction, which still reads the page's metadata. When they match nothing with text, the page gets the
   generic extraction, and the document records why (``SITE_RULE_OUTCOMES``).

A rule is part of the cleaner's version for the documents of its host (``SiteRule.version``: the host and a
digest of its selectors), so ``wiredesk reprocess --outdated`` re-derives exactly the documents whose rule was
added, changed or removed. Selectors are kept as strings (settings travel to pool workers, compiled XPath
objects do not pickle) and compiled once per process.

This module is light on purpose (the settings import it; cssselect and lxml load only when there are rules).
Not here: reading the settings file (``wiredesk.domain.settings``), applying a rule to a page
(``wiredesk.clean.sitepages``) or the extraction itself.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from wiredesk.domain.errors import ConfigError

#: What a site rule did to a document (``documents.site_rule``; NULL when no rule applies to its host):
#: ``keep``: the body is what the keep selectors matched; ``generic``: the rule only drops, the pruned page
#: had the generic extraction; ``keep_unmatched``: the keep selectors matched no text, so the page had the
#: generic extraction (with the drop selectors applied): the rule needs a look.
SITE_RULE_OUTCOMES = ("keep", "generic", "keep_unmatched")

_RULE_KEYS = ("keep", "drop")
# a bare host name: no scheme, path, port, user or spaces
_HOST_NAME = re.compile(r"[^\s/:@?#\[\]]+")


def rule_host(host: str | None) -> str | None:
    """A host as rules are keyed: lower case, no port, no trailing dot, no leading ``www.``, international
    names in their ASCII form (``bücher.example`` and ``xn--bcher-kva.example`` are one host)."""
    if not host:
        return None
    host = host.strip().lower().rsplit("@", 1)[-1]
    if host.startswith("["):  # an IPv6 literal keeps its colons
        host = host.split("]", 1)[0] + "]"
    else:
        host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:  # not a valid international name: matched as written
            pass
    return host[4:] if host.startswith("www.") else host or None


@dataclass(frozen=True)
class SiteRule:
    """The selectors of one host (already checked): ``keep`` chooses the article body, ``drop`` removes."""

    host: str
    keep: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()

    @property
    def digest(self) -> str:
        """12 hex digits of SHA-256 over the host and its selectors, in the order given."""
        text = json.dumps({"host": self.host, "keep": list(self.keep), "drop": list(self.drop)}, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    @property
    def version(self) -> str:
        """What the rule adds to the cleaner's version of its host's documents: ``site/HOST@DIGEST``."""
        return f"site/{self.host}@{self.digest}"


@dataclass(frozen=True)
class SiteRules:
    """All the site rules of the settings, at most one per host."""

    rules: tuple[SiteRule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.rules)

    def for_host(self, host: str | None) -> SiteRule | None:
        """The rule for ``host`` (a URL's host, any case, with or without ``www.``): its own, else that of its
        nearest parent domain that has one, else None."""
        host = rule_host(host)
        if not host or not self.rules:
            return None
        by_host = {r.host: r for r in self.rules}
        parts = host.split(".")
        if host.replace(".", "").isdigit() or ":" in host:  # an IP address has no subdomains
            parts = [host]
        for i in range(len(parts)):
            if (rule := by_host.get(".".join(parts[i:]))) is not None:
                return rule
        return None

    @property
    def fingerprint(self) -> str:
        """One digest of every rule (``runs.code_versions``; "" without rules)."""
        if not self.rules:
            return ""
        return hashlib.sha256(",".join(sorted(r.version for r in self.rules)).encode()).hexdigest()[:12]


def parse_site_rules(data: Any, section: str = "site_rules") -> SiteRules:
    """The ``[site_rules]`` table: one sub-table per host with ``keep`` and/or ``drop``, lists of CSS selectors.

    Raises ``ConfigError`` naming the host and the key or selector: a host that is not a bare host name, two
    entries for one host (``www.x.com`` and ``x.com``), an unknown key, a rule with no selector, a selector
    that is not a string or that CSS (as cssselect reads it) refuses.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"[{section}] must be a table of hosts, e.g. [{section}.\"example.com\"]")
    rules: dict[str, SiteRule] = {}
    for key, value in data.items():
        where = f"{section}.{json.dumps(key, ensure_ascii=False)}"
        host = rule_host(key)
        if not host or not _HOST_NAME.fullmatch(key):
            raise ConfigError(f"[{where}]: {key!r} is not a host name (write it as example.com: no scheme, path or port)")
        if not isinstance(value, dict):
            raise ConfigError(f"[{where}] must be a table with keep and/or drop, lists of CSS selectors")
        unknown = sorted(set(value) - set(_RULE_KEYS))
        if unknown:
            raise ConfigError(f"[{where}]: unknown key(s) {unknown} (a site rule takes keep and drop)")
        found = {}
        for name in _RULE_KEYS:
            selectors = value.get(name, [])
            if not isinstance(selectors, list) or not all(isinstance(s, str) for s in selectors):
                raise ConfigError(f"[{where}]: {name} must be a list of CSS selectors (strings), got {selectors!r}")
            for selector in selectors:
                check_selector(selector, f"{where}.{name}")
            found[name] = tuple(selectors)
        if not found["keep"] and not found["drop"]:
            raise ConfigError(f"[{where}]: the rule has no selector (give keep, drop or both)")
        if host in rules:
            raise ConfigError(f"[{where}]: a second rule for host {host!r} (www. is ignored)")
        rules[host] = SiteRule(host, found["keep"], found["drop"])
    return SiteRules(tuple(rules[h] for h in sorted(rules)))


def check_selector(selector: str, where: str) -> None:
    """Raise ``ConfigError`` (naming ``where`` and the selector) unless ``selector`` compiles."""
    from cssselect import SelectorError  # lazy on purpose: only settings with site rules load lxml and cssselect

    if not selector.strip():
        raise ConfigError(f"{where}: an empty CSS selector")
    try:
        compiled(selector)
    except (SelectorError, ValueError) as exc:  # lxml's XPath compile errors are ValueErrors (XPathSyntaxError)
        raise ConfigError(f"{where}: invalid CSS selector {selector!r}: {exc}") from None


@functools.cache
def compiled(selector: str):
    """The selector compiled to lxml XPath for HTML (names case-insensitive), once per process."""
    from lxml.cssselect import CSSSelector  # lazy on purpose: only settings with site rules load lxml and cssselect

    return CSSSelector(selector, translator="html")
