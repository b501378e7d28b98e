"""The report as one HTML page: sections, tables, notes, the charts' JSON and the JavaScript that draws them.

Pure: a ``Report`` (``wiredesk.report.build``) in, the page's text out. Everything the page needs is
inside it: plotly.js (from the plotly wheel, once), the country outlines (``wiredesk.report.geo``), the
style and a few lines of script to filter tables. Every text from the database is HTML-escaped, and JSON
in a ``<script>`` cannot close it. Nothing here links to, loads or names an address outside the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date, datetime
from html import escape
from typing import Any

from wiredesk.report.geo import preload_script

#: plotly.js configuration of every chart: no Plotly logo linking out, zoom with the wheel, resize with the page.
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": False}

_STYLE = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#222;background:#fff}
header{background:#1f2d3d;color:#fff;padding:18px 28px}header h1{margin:0 0 6px;font-size:24px}
header p{margin:2px 0;opacity:.85}nav{position:sticky;top:0;background:#f3f5f7;padding:8px 28px;
border-bottom:1px solid #dde;z-index:10}nav a{margin-right:18px;color:#1f4e79;text-decoration:none;font-weight:600}
main{padding:0 28px 40px;max-width:1300px}section{margin-top:28px;border-top:1px solid #e3e6ea}
h2{margin:18px 0 6px}p.lead{color:#555;margin:4px 0 12px}.chart{width:100%;min-height:300px;margin:8px 0}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:10px 14px;margin:10px 0}
.empty{background:#eef4fb;border-left:4px solid #2e86c1;padding:14px;margin:18px 0;font-size:16px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}th,td{padding:4px 8px;
border-bottom:1px solid #eee;text-align:left;vertical-align:top}th{background:#f7f7f9;position:sticky;top:0}
td.n{text-align:right;font-variant-numeric:tabular-nums}.state-ok{color:#1e8449}.state-failing{color:#c0392b;
font-weight:600}.state-disabled{color:#888}input.filter{padding:5px 8px;width:320px;margin:6px 0}
.mentions li{margin:4px 0}.mentions h4{margin:12px 0 4px}mark{background:#ffe58f}.scroll{max-height:560px;overflow:auto}
.figures{display:flex;gap:16px;flex-wrap:wrap}.figures>div{flex:1 1 480px}
"""

_SCRIPT = """
document.querySelectorAll('input.filter').forEach(function (box) {
  box.addEventListener('input', function () {
    var words = box.value.toLowerCase().split(/\\s+/).filter(Boolean);
    document.querySelectorAll('#' + box.dataset.table + ' tbody tr').forEach(function (tr) {
      var text = tr.textContent.toLowerCase();
      tr.style.display = words.every(function (w) { return text.indexOf(w) >= 0; }) ? '' : 'none';
    });
  });
});
"""


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside ``<script>``: dates as ISO text, no ``</`` to close the tag."""
    def default(v: Any) -> Any:
        if isinstance(v, (date, datetime)):
            return v.isoformat()
        return str(v)

    return json.dumps(value, default=default, separators=(",", ":")).replace("</", "<\\/").replace("<!--", "\\u003c!--")


def text(value: Any) -> str:
    """A cell's text, escaped: dates to the second, floats to two places, None as empty."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return escape(value.strftime("%Y-%m-%d %H:%M"))
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (list, tuple)):
        return escape(", ".join(str(v) for v in value))
    return escape(str(value))


Column = tuple[str, Callable[[dict], str], bool]  # heading, cell HTML of a row, numeric


def col(heading: str, key: str, numeric: bool = False) -> Column:
    return heading, lambda r: text(r.get(key)), numeric


def table(table_id: str, columns: Sequence[Column], rows: Sequence[dict], *, filter_box: bool = False) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h, _, _ in columns)
    body = "\n".join("<tr>" + "".join(f"<td class=\"n\">{cell(r)}</td>" if num else f"<td>{cell(r)}</td>"
                                      for _, cell, num in columns) + "</tr>" for r in rows)
    box = (f'<input class="filter" type="search" data-table="{table_id}" placeholder="filter: type words to keep '
           f'only the rows that have them">') if filter_box else ""
    return f'{box}<div class="scroll"><table id="{table_id}"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table></div>'


def note(message: str) -> str:
    return f'<p class="note">{escape(message)}</p>'


class Page:
    """The page under construction: sections in order and the charts they hold."""

    def __init__(self, title: str, subtitle: Sequence[str]):
        self.title = title
        self.subtitle = list(subtitle)
        self.sections: list[tuple[str, str, str]] = []  # id, heading, HTML
        self.figures: dict[str, dict] = {}
        self.banner = ""

    def chart(self, chart_id: str, figure: dict | None, missing: str) -> str:
        """The chart's place in the page, or the note ``missing`` when there is nothing to draw."""
        if figure is None:
            return note(missing)
        self.figures[f"chart-{chart_id}"] = figure
        return f'<div class="chart" id="chart-{chart_id}" data-chart="{chart_id}"></div>'

    def section(self, section_id: str, heading: str, lead: str, body: str) -> None:
        self.sections.append((section_id, heading, f'<p class="lead">{escape(lead)}</p>\n{body}'))

    def render(self, plotly_js: Callable[[], str]) -> str:
        """The whole page; ``plotly_js`` gives plotly.js's source (asked for only when there is a chart)."""
        nav = "".join(f'<a href="#{sid}">{escape(h)}</a>' for sid, h, _ in self.sections)
        body = "\n".join(f'<section id="{sid}"><h2>{escape(h)}</h2>\n{html}</section>' for sid, h, html in self.sections)
        scripts = ""
        if self.figures:
            scripts = (f"<script>{preload_script()}</script>\n<script>{plotly_js()}</script>\n"
                       f"<script>var WIREDESK_FIGURES = {script_json(self.figures)};\n"
                       f"var WIREDESK_CONFIG = {script_json(PLOTLY_CONFIG)};\n"
                       "Object.keys(WIREDESK_FIGURES).forEach(function (id) {\n"
                       "  var f = WIREDESK_FIGURES[id]; Plotly.newPlot(id, f.data, f.layout, WIREDESK_CONFIG);\n"
                       "});</script>")
        sub = "".join(f"<p>{escape(s)}</p>" for s in self.subtitle)
        return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{escape(self.title)}</title><style>{_STYLE}</style></head>\n"
                f"<body><header><h1>{escape(self.title)}</h1>{sub}</header><nav>{nav}</nav>\n<main>{self.banner}\n{body}\n"
                f"</main>\n{scripts}\n<script>{_SCRIPT}</script>\n</body></html>\n")
