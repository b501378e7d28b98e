"""Country outlines for the event map, shipped with wiredesk so the report draws them with no network.

plotly.js draws a ``scattergeo`` map on a TopoJSON file it fetches from its CDN
(``config.topojsonURL``, default ``https://cdn.plot.ly/un/``) unless ``window.PlotlyGeoAssets.topojson``
already holds it under the map's name (``world_110m``: scope and resolution). ``preload_script`` puts it
there, before plotly.js loads, from ``data/world-atlas-countries-110m.json``: Natural Earth's 1:110m
country boundaries (public domain) as packaged by the npm package world-atlas 2.0.2
(``data/LICENSE-world-atlas.txt``). That file has the objects ``countries`` and ``land``, so the map shows
land and borders only (``wiredesk.report.figures.event_map`` turns the other layers off).
"""

from __future__ import annotations

from importlib.resources import files

#: The name plotly.js gives a world map at 1:110m: ``{scope}_{resolution}m``.
TOPOJSON_NAME = "world_110m"
_DATA = "world-atlas-countries-110m.json"


def countries_topojson() -> str:
    """The TopoJSON text of the country outlines."""
    return (files("wiredesk.report") / "data" / _DATA).read_text(encoding="utf-8")


def preload_script() -> str:
    """JavaScript that hands plotly.js the outlines, so it never fetches them. Run before plotly.js."""
    outlines = countries_topojson().replace("</", "<\\/")  # JSON that cannot close its <script>
    return (f"window.PlotlyGeoAssets = window.PlotlyGeoAssets || {{topojson: {{}}}};\n"
            f"window.PlotlyGeoAssets.topojson[{TOPOJSON_NAME!r}] = {outlines};")
