"""`wiredesk report`: the HTML report of a real database (the seeds, plus feeds from a local server), read as
HTML and drawn by a real headless Chromium with every request but the file itself refused."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs

import wiredesk
from wiredesk.cli import main

from conftest import SEEDS
from conftest import query as q
from support.browser import chromium_binary, open_page
from support.localserver import static

SECTIONS = ["stories", "copies", "events", "feeds", "runs"]
WORDS = "The council met on Tuesday to discuss the harbour project, which has divided residents for years. " * 3


class _Markup(HTMLParser):
    """Every element's id, every link and resource reference of a page, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # tag, attribute, value
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("src", "href", "action", "srcset", "poster", "data", "formaction") or (
                    name == "style" and "url(" in (value or "")):
                self.refs.append((tag, name, value or ""))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def parse(html: str) -> _Markup:
    m = _Markup()
    m.feed(html)
    return m


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("report") / "seeds.duckdb"
    assert main(["run", str(SEEDS), "--db", str(db), "--no-prefect"]) == 0
    return db


@pytest.fixture
def feeds_db(server, tmp_path) -> Path:
    """The seeds, a feed of three articles and a feed that answers 500, each through `wiredesk run`."""
    db = tmp_path / "feeds.duckdb"
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\n", "text/plain"))
    items = "".join(f"<item><title>Harbour {i}</title><link>{server.url(f'/a/{i}')}</link><guid>h{i}</guid>"
                    f"<pubDate>Wed, 01 Jan 2020 1{i}:00:00 GMT</pubDate></item>" for i in range(3))
    server.route("/feed", static(f"<rss version='2.0'><channel><title>Local</title>{items}</channel></rss>".encode()))
    for i in range(3):
        server.route(f"/a/{i}", static(f"<html><body><article><h1>Harbour {i}</h1><p>Story {i}. {WORDS}</p>"
                                       f"<p>{WORDS}</p></article></body></html>".encode(), "text/html; charset=utf-8"))
    server.route("/broken", static(b"<rss><channel><item><title>x", "application/rss+xml", status=500))
    config = tmp_path / "wiredesk.toml"
    config.write_text('[http]\nallow_networks = ["127.0.0.1/32"]\nper_host_delay = 0\ntotal_timeout = 10\n'
                      f'[feeds]\nsources_file = "{tmp_path / "none.toml"}"\n[ingest]\nworkers = 1\n')
    assert main(["run", str(SEEDS), "--db", str(db), "--no-prefect"]) == 0
    assert main(["run", server.url("/feed"), server.url("/broken"), "--db", str(db), "--config", str(config),
                 "--no-prefect"]) == 0
    return db


def report(db: Path, out: Path, *args: str) -> str:
    assert main(["report", "--db", str(db), "-o", str(out), *args]) == 0
    return out.read_text(encoding="utf-8")


def outside_plotly(html: str) -> str:
    """The page without the plotly.js bundle (inlined verbatim from the wheel, once)."""
    bundle = get_plotlyjs()
    assert html.count(bundle) <= 1
    return html.replace(bundle, "")


def test_the_seeds_report_has_every_section_their_outlets_events_and_sentences(seeds_db, tmp_path, capsys):
    html = report(seeds_db, tmp_path / "r.html")
    assert "wrote" in capsys.readouterr().out
    page = parse(html)
    assert set(SECTIONS) <= page.ids
    for source, in q(seeds_db, "SELECT DISTINCT source FROM documents"):
        assert source in html
    # every event of the seeds is a row of the events table, reported by most outlets first
    rows = re.search(r'<table id="t-events">.*?<tbody>(.*?)</tbody>', html, re.S).group(1).count("<tr>")
    assert rows == q(seeds_db, "SELECT count(*) FROM events")[0][0]
    # each sentence link leads to a sentence in the page, which is a real mention's sentence
    links = [v[1:] for tag, attr, v in page.refs if attr == "href" and v.startswith("#mention-")]
    assert links and all(link in page.ids for link in links)
    first = int(links[0].removeprefix("mention-"))
    sentence = q(seeds_db, "SELECT sentence FROM event_mentions WHERE mention_id = ?", [first])[0][0]
    assert sentence.split()[0] in html
    # charts: the story timeline, documents per day, the copy graph, novel text, the map, the runs
    for chart in ("chart-stories", "chart-documents", "chart-copies", "chart-novelty", "chart-events-map", "chart-runs"):
        assert f'id="{chart}"' in html


def test_stories_are_a_timeline_when_the_database_has_the_story_layer(seeds_db, tmp_path):
    html = report(seeds_db, tmp_path / "r.html")
    has_stories = q(seeds_db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'stories'")[0][0]
    if has_stories:
        (title,) = q(seeds_db, "SELECT title FROM stories ORDER BY n_documents DESC, story_id LIMIT 1")[0]
        assert 'id="chart-stories"' in html and title[:40] in html and "no story layer" not in html
    else:  # a database from before the story layer: documents per outlet and day, and a note saying why
        assert 'id="chart-stories"' not in html and "This database has no story layer yet" in html
    assert 'id="chart-documents"' in html


def test_the_report_refers_to_nothing_outside_the_file(seeds_db, tmp_path):
    html = report(seeds_db, tmp_path / "r.html")
    page = parse(html)
    external = [r for r in page.refs if not r[2].startswith("#")]
    assert external == [], "every link is an anchor inside the page"
    assert get_plotlyjs() in html  # plotly.js inlined, once
    rest = outside_plotly(html)
    assert not re.search(r"(https?:)?//[\w.-]+\.\w", rest), "no address outside the plotly.js bundle"
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|url\(", rest, re.I)
    assert '"world_110m"' in rest or "'world_110m'" in rest  # the country outlines are handed to plotly.js


def test_an_empty_database_gives_a_report_that_says_so(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    db = tmp_path / "empty.duckdb"
    assert main(["run", str(empty), "--db", str(db), "--no-prefect"]) in (0, 1)
    html = report(db, tmp_path / "r.html")
    assert "This database has no documents yet" in html
    assert "No document was published in this window." in html
    assert "WIREDESK_FIGURES" in html  # its one run is still drawn
    assert set(SECTIONS) <= parse(html).ids


def test_a_window_with_nothing_in_it_says_so_and_draws_no_chart(seeds_db, tmp_path):
    html = report(seeds_db, tmp_path / "r.html", "--since", "2031-01-01", "--until", "2031-12-31")
    assert "Nothing was published, found or run from 2031-01-01 to 2031-12-31" in html
    assert "No event was extracted" in html and "No run started in this window." in html
    assert get_plotlyjs() not in html and len(html) < 100_000  # no chart, no plotly.js


def test_the_window_keeps_what_was_published_in_it(seeds_db, tmp_path):
    inside = report(seeds_db, tmp_path / "in.html", "--since", "2019-12-31", "--until", "2019-12-31")
    assert "2 documents from 2 outlets" in inside
    before = report(seeds_db, tmp_path / "before.html", "--until", "2019-12-30")
    assert "0 documents from 0 outlets" in before


def test_bad_windows_and_missing_databases_are_one_line_errors(seeds_db, tmp_path, capsys):
    assert main(["report", "--db", str(seeds_db), "--since", "2020-02-01", "--until", "2020-01-01",
                 "-o", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err.startswith("wiredesk: error: --since 2020-02-01 is after --until")
    assert main(["report", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "r.html")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["report", "--since", "last tuesday"])
    assert not (tmp_path / "r.html").exists()


def test_the_python_api_writes_the_same_report(seeds_db, tmp_path):
    out = wiredesk.write_report(seeds_db, tmp_path / "api.html")
    assert out == tmp_path / "api.html" and 'id="chart-events-map"' in out.read_text(encoding="utf-8")


def test_feed_health_lists_each_source_with_its_state_and_reason(feeds_db, tmp_path):
    html = report(feeds_db, tmp_path / "r.html")
    table = re.search(r'<table id="t-sources">.*?</table>', html, re.S).group(0)
    assert '<span class="state-failing">failing</span></td><td>127.0.0.1/broken' in table
    assert '<span class="state-ok">ok</span></td><td>127.0.0.1/feed' in table
    figs = json.loads(re.search(r"var WIREDESK_FIGURES = (\{.*?\});\n", html).group(1))
    bars = [t for t in figs["chart-feeds"]["data"] if t["type"] == "bar"]
    assert {t["name"]: sum(t["y"]) for t in bars} == {"127.0.0.1/broken": 0, "127.0.0.1/feed": 3}  # three new articles
    failed = next(t for t in figs["chart-feeds"]["data"] if t["name"] == "failed requests")
    assert sum(failed["y"]) >= 1  # the 500s of the broken feed
    assert "status" in re.search(r'<table id="t-failures">.*?</table>', html, re.S).group(0)


# -- in a real browser -------------------------------------------------------------------------------

#: Per chart: plotly's traces, the points they hold, and the drawn SVG shapes (the map's countries included).
CHARTS_JS = """JSON.stringify(Array.from(document.querySelectorAll('.chart')).map(function (el) {
  var points = (el.data || []).reduce(function (n, t) {
    return n + ((t.x || t.lat || t.y || []).length || 0); }, 0);
  return {id: el.id, traces: (el.data || []).length, points: points,
          svg: el.querySelectorAll('svg.main-svg').length,
          shapes: el.querySelectorAll('.plot path, .layer path, .bars path, .scatterlayer path, .geo path, .annotation path').length,
          height: el.getBoundingClientRect().height};
}))"""


@pytest.fixture(scope="module")
def chromium() -> str:
    binary, why = chromium_binary()
    if not binary:
        pytest.skip(f"no headless browser for the report test: {why}")
    return binary


def test_the_report_renders_in_chromium_with_every_chart_drawn_and_nothing_fetched(chromium, feeds_db, tmp_path):
    path = tmp_path / "report.html"
    html = report(feeds_db, path)
    expected = set(re.findall(r'<div class="chart" id="([\w-]+)"', html))
    assert expected == {"chart-stories", "chart-documents", "chart-copies", "chart-novelty", "chart-events-map",
                        "chart-feeds", "chart-runs"}
    with open_page(chromium, path) as page:
        page.wait_for(f"document.querySelectorAll('.chart svg.main-svg').length >= {len(expected)}", timeout=60)
        # the country borders and land are drawn, from the outlines inside the file
        page.wait_for("['countries', 'land'].every(function (k) { var p = document.querySelector('.layer.' + k + ' path');"
                      " return p && (p.getAttribute('d') || '').length > 1000; })", timeout=30)
        page.pump(1.0)
        charts = json.loads(page.evaluate(CHARTS_JS))
        assert {c["id"] for c in charts} == expected
        for c in charts:
            assert c["traces"] > 0 and c["points"] > 0 and c["svg"] > 0 and c["shapes"] > 0 and c["height"] > 100, c
        # the sentence links lead somewhere on the page
        assert page.evaluate("Array.from(document.querySelectorAll('a[href^=\"#mention-\"]'))"
                             ".every(function (a) { return !!document.getElementById(a.hash.slice(1)); })")
        # the table filter keeps only the rows with the words typed
        shown = page.evaluate("""(function () { var box = document.querySelector('input[data-table="t-events"]');
            box.value = 'PROTEST'; box.dispatchEvent(new Event('input'));
            return Array.from(document.querySelectorAll('#t-events tbody tr')).filter(function (tr) {
              return tr.style.display !== 'none'; }).map(function (tr) { return tr.cells[0].textContent; }); })()""")
        assert shown and set(shown) == {"PROTEST"}
        assert page.errors == []
        assert page.blocked == [], "the report asked for something outside the file"
        assert page.requested and all(u.startswith("file:") for u in page.requested)
