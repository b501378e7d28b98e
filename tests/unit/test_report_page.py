"""The HTML report's pure parts: text from the database cannot break out of the page, charts are drawn only
when there is data, and the run artifact's Markdown keeps its tables whole."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

from wiredesk.report import figures
from wiredesk.report.build import render_report
from wiredesk.report.geo import TOPOJSON_NAME, countries_topojson, preload_script
from wiredesk.report.markdown import run_additions_markdown
from wiredesk.report.page import script_json

HOSTILE = "</script><script>alert(1)</script><!-- <b>bold</b>"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)


def _rows(**overrides):
    rows = {
        "totals": {"documents": 1, "outlets": 1, "first_day": date(2026, 1, 2), "last_day": date(2026, 1, 2), "events": 1,
                   "runs": 0, "documents_in_database": 1, "has_stories": False},
        "documents_by_outlet_day": [{"source": HOSTILE, "day": date(2026, 1, 2), "documents": 3}],
        "stories_by_day": [], "copy_edges": [], "novelty_by_outlet": [],
        "events": [{"event_id": "ev_1", "event_class": "PROTEST", "actor_name": HOSTILE, "target_name": None,
                    "place_name": "Baghdad", "place_country": "IRQ", "place_latitude": 33.3, "place_longitude": 44.4,
                    "date_start": date(2026, 1, 2), "date_end": date(2026, 1, 2), "date_precision": "day", "killed": None,
                    "wounded": None, "num_mentions": 1, "num_documents": 1, "num_sources": 1, "confidence": 0.9,
                    "outlets": HOSTILE}],
        "event_mentions": [{"mention_id": 7, "event_id": "ev_1", "source": HOSTILE, "title": HOSTILE,
                            "published_at": NOW, "sentence": "Crowds marched in Baghdad.", "trigger": "marched",
                            "trigger_offset": 7, "confidence": 0.9}],
        "event_places": [{"event_class": "PROTEST", "place_name": "Baghdad", "place_country": "IRQ",
                          "place_latitude": 33.3, "place_longitude": 44.4, "events": 1, "mentions": 1, "max_sources": 1,
                          "first_day": date(2026, 1, 2), "last_day": date(2026, 1, 2)}],
        "sources_health": [], "fetches_by_day": [], "runs": [], "failure_reasons": [],
    }
    rows.update(overrides)
    return rows


def test_text_from_the_database_is_escaped_in_html_and_in_script_json():
    html = render_report(_rows(), since=None, until=None, database="x.duckdb", now=NOW, plotly_js=lambda: "/*plotly*/")
    assert HOSTILE not in html
    assert "alert(1)</script>" not in html  # neither as markup nor inside the charts' JSON
    assert "&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert 'Crowds <mark>marched</mark> in Baghdad.' in html and 'id="mention-7"' in html
    payload = script_json({"t": HOSTILE})
    assert "</" not in payload and "<!--" not in payload and json.loads(payload) == {"t": HOSTILE}


def test_plotly_js_is_asked_for_only_when_a_chart_is_drawn():
    asked = []
    empty = _rows(documents_by_outlet_day=[], events=[], event_mentions=[], event_places=[],
                  totals={**_rows()["totals"], "documents": 0, "events": 0})
    html = render_report(empty, since=date(2030, 1, 1), until=None, database="x", now=NOW,
                         plotly_js=lambda: asked.append(1) or "")
    assert asked == [] and "Nothing was published, found or run from 2030-01-01 on" in html
    render_report(_rows(), since=None, until=None, database="x", now=NOW, plotly_js=lambda: asked.append(1) or "")
    assert asked == [1]


def test_no_figure_without_data_and_the_map_has_a_trace_per_class_sized_by_events():
    assert figures.documents_per_day([]) is None and figures.copy_graph([], []) is None
    assert figures.run_chart([]) is None and figures.feed_activity([]) is None and figures.story_timeline([]) is None
    assert figures.event_map([]) is None
    place = _rows()["event_places"][0]
    fig = figures.event_map([place, {**place, "events": 4}, {**place, "event_class": "ASSAULT", "place_name": "Sirte"}])
    assert [(t["name"], len(t["lat"])) for t in fig["data"]] == [("ASSAULT", 1), ("PROTEST", 2)]
    small, big = fig["data"][1]["marker"]["size"]
    assert small < big and "<b>4 PROTEST</b> in Baghdad, IRQ" in fig["data"][1]["text"][1]
    # the map turns off the layers the shipped outlines do not have, which plotly.js would fail to draw
    shipped = set(json.loads(countries_topojson())["objects"])
    assert shipped == {"countries", "land"}
    geo = fig["layout"]["geo"]
    assert all(not geo[f"show{layer}"] for layer in ("coastlines", "ocean", "lakes", "rivers", "subunits"))
    assert geo["scope"] == "world" and geo["resolution"] == 110 and TOPOJSON_NAME == "world_110m"
    assert preload_script().count(TOPOJSON_NAME) == 1


def test_the_biggest_outlets_are_drawn_one_by_one_and_the_rest_summed():
    rows = [{"source": f"o{i:02}", "day": date(2026, 1, 1 + i % 3), "documents": 100 - i} for i in range(30)]
    fig = figures.documents_per_day(rows)
    names = [t["name"] for t in fig["data"]]
    assert len(names) == figures.MAX_OUTLETS + 2 and figures.OTHER in names and names[-1] == "outlets publishing"
    assert sum(sum(t["y"]) for t in fig["data"][:-1]) == sum(r["documents"] for r in rows)


def test_copy_arrows_point_from_the_first_publisher_and_self_copies_are_rings():
    edges = [{"from_source": "AP", "to_source": "Sun", "paragraphs": 4},
             {"from_source": "Sun", "to_source": "Sun", "paragraphs": 2}]
    fig = figures.copy_graph(edges, [{"source": "Sun", "novel_share": 0.5}])
    (arrow,) = fig["layout"]["annotations"]
    nodes = fig["data"][1]
    at = dict(zip(nodes["text"], zip(nodes["x"], nodes["y"])))
    assert (arrow["ax"], arrow["ay"]) == (at["AP"][0] * 0.93, at["AP"][1] * 0.93)  # the tail at the first publisher
    assert (arrow["x"], arrow["y"]) == (at["Sun"][0] * 0.93, at["Sun"][1] * 0.93)
    assert dict(zip(nodes["text"], nodes["marker"]["line"]["width"])) == {"AP": 1, "Sun": 4}
    assert "2 repeated from its own articles" in nodes["hovertext"][nodes["text"].index("Sun")]


def test_the_run_artifact_section_keeps_its_tables_whole():
    md = run_additions_markdown(3, {"outlets": [{"source": "A|B", "new": 2, "updated": 1}],
                                    "events": [], "copies": [{"from_source": "A", "to_source": "B\nC", "paragraphs": 5}]},
                                date(2026, 12, 6))
    assert "## What run 3 added" in md and "| A\\|B | 2 | 1 |" in md and "| A | B C | 5 |" in md
    assert "`wiredesk report --since 2026-12-06 -o report.html`" in md
    empty = run_additions_markdown(4, {"outlets": [], "events": [], "copies": []}, None)
    assert "No document." in empty and "`wiredesk report -o report.html`" in empty
