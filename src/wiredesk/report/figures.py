"""The report's charts as Plotly figures: plain ``{"data": [...], "layout": {...}}`` dicts, one function each.

Pure: rows in (as ``wiredesk.store.report_queries`` returns them), a figure out, or None when there is
nothing to draw (the page then says so). Building the JSON directly instead of through
``plotly.graph_objects`` keeps a 10,000-document report fast; plotly.js validates what it draws. Not here:
the page (``wiredesk.report.page``) and the map's country outlines (``wiredesk.report.geo``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

Figure = dict[str, Any]

#: Outlets drawn one by one in a chart; the rest are summed up as "other outlets".
MAX_OUTLETS = 12
#: Outlets in the copy graph (the ones with most copied paragraphs in or out).
MAX_GRAPH_OUTLETS = 24
OTHER = "other outlets"
#: Red (all copied) to green (all novel) for the share of novel text.
NOVELTY_SCALE = [[0, "#c0392b"], [0.5, "#f1c40f"], [1, "#27ae60"]]
#: A day in milliseconds: plotly.js's unit on a date axis (the width of a day's bar, a tick a day).
DAY_MS = 86_400_000
_FONT = {"family": "system-ui, -apple-system, 'Segoe UI', sans-serif", "size": 12}


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title, "x": 0, "xanchor": "left"}, "font": _FONT,
            "paper_bgcolor": "white", "plot_bgcolor": "#fafafa", "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
            "hovermode": "closest", **extra}


def _day_axis(days: list[str], **extra: Any) -> dict[str, Any]:
    """A date axis over ``days`` (ISO text) with a day of room each side, so one day is a day wide, not a
    millisecond."""
    first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
    axis = {"type": "date", "range": [str(first - timedelta(days=1)), str(last + timedelta(days=1))],
            "tickformat": "%b %-d, %Y" if (last - first).days < 60 else "%b %Y", **extra}
    return {**axis, "dtick": DAY_MS} if (last - first).days <= 14 else axis


def _top(rows: list[dict], key: str, weight: str, n: int) -> list[str]:
    totals: dict[str, float] = defaultdict(float)
    for r in rows:
        totals[r[key]] += r[weight] or 0
    return [k for k, _ in sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def documents_per_day(rows: list[dict]) -> Figure | None:
    """Stacked bars of documents per day by outlet (the biggest outlets, then the rest), and the number of
    outlets publishing that day as a line on the right axis."""
    if not rows:
        return None
    top = set(_top(rows, "source", "documents", MAX_OUTLETS))
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    outlets: dict[str, set] = defaultdict(set)
    for r in rows:
        day = str(r["day"])
        per[r["source"] if r["source"] in top else OTHER][day] += r["documents"]
        outlets[day].add(r["source"])
    days = sorted(outlets)
    data = [{"type": "bar", "name": name, "x": days, "y": [per[name].get(d, 0) for d in days], "width": 0.8 * DAY_MS,
             "hovertemplate": "%{x}<br>" + name.replace("%", "%%") + ": %{y} documents<extra></extra>"}
            for name in [*sorted(top), *([OTHER] if OTHER in per else [])]]
    data.append({"type": "scatter", "mode": "lines+markers", "name": "outlets publishing", "x": days,
                 "y": [len(outlets[d]) for d in days], "yaxis": "y2", "line": {"color": "black", "width": 1.5},
                 "hovertemplate": "%{x}: %{y} outlets<extra></extra>"})
    return {"data": data, "layout": _layout(
        "Documents per day by outlet", barmode="stack", xaxis=_day_axis(days, title={"text": "day"}),
        yaxis={"title": {"text": "documents"}},
        yaxis2={"title": {"text": "outlets"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2})}


def story_timeline(rows: list[dict]) -> Figure | None:
    """The biggest stories as a timeline: one row per story, one bubble per day sized by its documents."""
    if not rows:
        return None
    stories: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        stories[r["story_id"]].append(r)
    biggest = max(r["documents"] for r in rows)
    data = []
    for story_id, days in stories.items():
        title = (days[0]["title"] or f"story {story_id}")
        label = f"{story_id}: {title[:60]}{'…' if len(title) > 60 else ''}"
        data.append({
            "type": "scatter", "mode": "lines+markers", "name": label,
            "x": [str(d["day"]) for d in days], "y": [label] * len(days),
            "marker": {"size": [8 + 30 * math.sqrt(d["documents"] / biggest) for d in days]},
            "customdata": [[d["documents"], d["outlets"], d["sources"]] for d in days],
            "hovertemplate": "%{x}: %{customdata[0]} documents from %{customdata[1]} outlets<br>%{customdata[2]}"
                             "<extra>%{y}</extra>"})
    return {"data": data, "layout": _layout(
        "The biggest stories, day by day", showlegend=False, height=max(300, 60 + 36 * len(stories)),
        xaxis=_day_axis([str(r["day"]) for r in rows], title={"text": "day"}),
        yaxis={"autorange": "reversed", "automargin": True, "type": "category"})}


def _circle(names: list[str]) -> dict[str, tuple[float, float]]:
    n = len(names)
    return {name: (math.cos(2 * math.pi * i / n + math.pi / 2), math.sin(2 * math.pi * i / n + math.pi / 2))
            for i, name in enumerate(names)}


def copy_graph(edges: list[dict], novelty: list[dict]) -> Figure | None:
    """Outlets on a circle, an arrow from the outlet that had a paragraph first to each outlet that
    repeated it, as thick as the paragraphs copied; an outlet repeating itself is a ring around its dot.
    Node colour: the outlet's share of novel text."""
    if not edges:
        return None
    volume: dict[str, int] = defaultdict(int)
    for e in edges:
        volume[e["from_source"]] += e["paragraphs"]
        volume[e["to_source"]] += e["paragraphs"]
    names = [k for k, _ in sorted(volume.items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_GRAPH_OUTLETS]]
    pos = _circle(names)
    share = {r["source"]: r["novel_share"] for r in novelty}
    shown = [e for e in edges if e["from_source"] in pos and e["to_source"] in pos]
    heaviest = max(e["paragraphs"] for e in shown)
    annotations, mid_x, mid_y, mid_text, self_copies = [], [], [], [], defaultdict(int)
    for e in shown:
        a, b = e["from_source"], e["to_source"]
        if a == b:
            self_copies[a] += e["paragraphs"]
            continue
        (x0, y0), (x1, y1) = pos[a], pos[b]
        annotations.append({"x": x1 * 0.93, "y": y1 * 0.93, "ax": x0 * 0.93, "ay": y0 * 0.93, "xref": "x", "yref": "y",
                            "axref": "x", "ayref": "y", "showarrow": True, "arrowhead": 2, "arrowsize": 1,
                            "arrowwidth": 1 + 5 * e["paragraphs"] / heaviest, "arrowcolor": "rgba(70,90,140,0.55)",
                            "text": ""})
        mid_x.append((x0 + x1) / 2 * 0.93)
        mid_y.append((y0 + y1) / 2 * 0.93)
        mid_text.append(f"{a} → {b}: {e['paragraphs']} paragraphs copied")
    node_text = [f"{n}<br>{volume[n]} copied paragraphs in or out"
                 + (f"<br>{self_copies[n]} repeated from its own articles" if self_copies.get(n) else "")
                 + (f"<br>novel text: {share[n]:.0%}" if share.get(n) is not None else "") for n in names]
    data = [
        {"type": "scatter", "mode": "markers", "name": "copies", "x": mid_x, "y": mid_y, "text": mid_text,
         "hoverinfo": "text", "marker": {"size": 10, "color": "rgba(70,90,140,0.25)"}, "showlegend": False},
        {"type": "scatter", "mode": "markers+text", "name": "outlets", "x": [pos[n][0] for n in names],
         "y": [pos[n][1] for n in names], "text": names, "textposition": "top center", "hovertext": node_text,
         "hoverinfo": "text", "showlegend": False,
         "marker": {"size": [14 + 26 * math.sqrt(volume[n] / max(volume.values())) for n in names],
                    "color": [share.get(n) if share.get(n) is not None else 0 for n in names],
                    "cmin": 0, "cmax": 1, "colorscale": NOVELTY_SCALE, "showscale": True,
                    "line": {"width": [4 if self_copies.get(n) else 1 for n in names], "color": "#456"},
                    "colorbar": {"title": {"text": "novel text"}, "tickformat": ".0%"}}},
    ]
    axis = {"visible": False, "range": [-1.45, 1.45]}
    return {"data": data, "layout": _layout("Who copies whom: arrows from the first publisher", annotations=annotations,
                                            xaxis=axis, yaxis={**axis, "scaleanchor": "x"}, height=560)}


def novelty_bars(rows: list[dict]) -> Figure | None:
    """Per outlet, the share of its body text that is its own (not copied from an earlier document)."""
    rows = [r for r in rows if r["novel_share"] is not None]
    if not rows:
        return None
    return {"data": [{"type": "bar", "orientation": "h", "name": "novel share", "y": [r["source"] for r in rows],
                      "x": [r["novel_share"] for r in rows],
                      "customdata": [[r["documents"], r["n_novel_chars"], r["n_chars"]] for r in rows],
                      "hovertemplate": "%{y}: %{x:.0%} novel<br>%{customdata[0]} documents, "
                                       "%{customdata[1]} of %{customdata[2]} characters<extra></extra>",
                      "marker": {"color": [r["novel_share"] for r in rows], "colorscale": NOVELTY_SCALE, "cmin": 0, "cmax": 1}}],
            "layout": _layout("Share of novel text per outlet", height=max(260, 80 + 22 * len(rows)),
                              xaxis={"range": [0, 1], "tickformat": ".0%"}, yaxis={"automargin": True, "type": "category"})}


def event_map(places: list[dict]) -> Figure | None:
    """Geocoded events on country outlines: a bubble per class and place, as big as its events, one trace
    per event class (click the legend to filter)."""
    if not places:
        return None
    by_class: dict[str, list[dict]] = defaultdict(list)
    for p in places:
        by_class[p["event_class"]].append(p)
    biggest = max(p["events"] for p in places)

    def hover(cls: str, p: dict) -> str:
        days = str(p["first_day"] or "date unknown") + (f" – {p['last_day']}" if p["last_day"] != p["first_day"] else "")
        return (f"<b>{p['events']} {cls}</b> in {p['place_name']}, {p['place_country'] or '?'}<br>{days}<br>"
                f"{p['mentions']} mentions, up to {p['max_sources']} outlets")

    data = [{"type": "scattergeo", "mode": "markers", "name": cls, "lat": [p["place_latitude"] for p in ps],
             "lon": [p["place_longitude"] for p in ps], "text": [hover(cls, p) for p in ps], "hoverinfo": "text",
             "marker": {"size": [7 + 22 * math.sqrt(p["events"] / biggest) for p in ps], "opacity": 0.75,
                        "line": {"width": 0.5, "color": "white"}}}
            for cls, ps in sorted(by_class.items())]
    return {"data": data, "layout": _layout(
        "Where the events happened", height=520, margin={"l": 0, "r": 0, "t": 50, "b": 0},
        geo={"scope": "world", "resolution": 110, "projection": {"type": "natural earth"}, "showland": True,
             "landcolor": "#e8e8e0", "showcountries": True, "countrycolor": "#999", "countrywidth": 0.6,
             "showcoastlines": False, "showocean": False, "bgcolor": "#f2f6fa", "showlakes": False,
             "showrivers": False, "showsubunits": False, "showframe": False, "fitbounds": False,
             "lataxis": {"range": [-58, 84]}, "lonaxis": {"range": [-180, 180]}})}


def feed_activity(rows: list[dict]) -> Figure | None:
    """New items per day by source (bars) and failed requests per day (line)."""
    if not rows:
        return None
    top = set(_top(rows, "source", "new_items", MAX_OUTLETS))
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    failed: dict[str, int] = defaultdict(int)
    for r in rows:
        day = str(r["day"])
        per[r["source"] if r["source"] in top else OTHER][day] += r["new_items"]
        failed[day] += r["failed"]
    days = sorted(failed)
    data = [{"type": "bar", "name": name, "x": days, "y": [per[name].get(d, 0) for d in days], "width": 0.8 * DAY_MS,
             "hovertemplate": "%{x}<br>" + name.replace("%", "%%") + ": %{y} new items<extra></extra>"}
            for name in [*sorted(top), *([OTHER] if OTHER in per else [])]]
    data.append({"type": "scatter", "mode": "lines+markers", "name": "failed requests", "x": days,
                 "y": [failed[d] for d in days], "line": {"color": "#c0392b"}, "yaxis": "y2",
                 "hovertemplate": "%{x}: %{y} failed requests<extra></extra>"})
    return {"data": data, "layout": _layout(
        "New items per day by source", barmode="stack", xaxis=_day_axis(days), yaxis={"title": {"text": "new items"}},
        yaxis2={"title": {"text": "failed requests"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2})}


def run_chart(rows: list[dict]) -> Figure | None:
    """Per run: new and updated documents and failed items (bars), and how long it took (line)."""
    if not rows:
        return None
    x = [f"run {r['run_id']}" for r in rows]
    hover = [f"run {r['run_id']} ({r['kind']}, {r['status']}) started {str(r['started_at'])[:19]}" for r in rows]

    def bars(name: str, key: str, color: str) -> dict:
        return {"type": "bar", "name": name, "x": x, "y": [r[key] or 0 for r in rows], "marker": {"color": color},
                "text": hover, "hovertemplate": "%{text}<br>%{y} " + name + "<extra></extra>"}

    data = [bars("documents new", "documents_new", "#2e86c1"), bars("documents updated", "documents_updated", "#85c1e9"),
            bars("items failed", "items_failed", "#c0392b"),
            {"type": "scatter", "mode": "lines+markers", "name": "seconds", "x": x, "yaxis": "y2",
             "y": [r["seconds"] for r in rows], "line": {"color": "black", "width": 1.5},
             "hovertemplate": "%{x}: %{y:.1f} s<extra></extra>"}]
    return {"data": data, "layout": _layout(
        "Documents and failures per run, and how long each took", barmode="group",
        xaxis={"type": "category"}, yaxis={"title": {"text": "items"}},
        yaxis2={"title": {"text": "seconds"}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.2})}
