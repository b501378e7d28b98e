"""What the report says, section by section: stories, copies, events, feeds and runs, from the rows of
``Reader.report_rows``.

Pure: rows, the window and the time of writing in, the page's HTML out (``render_report``). Reading the
database and writing the file is the caller's (``wiredesk.api.write_report``, ``wiredesk report``).
A window with nothing in it, or an empty database, gives a page that says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from html import escape
from typing import Any

from wiredesk.report import figures
from wiredesk.report.page import Page, col, note, table, text


@dataclass(frozen=True)
class Limits:
    """How much the report shows at most: stories in the timeline, events in the table, sentences per event,
    runs, and (class, place) points on the map. Bounded so the file stays small whatever the database holds."""

    stories: int = 15
    events: int = 300
    mentions_per_event: int = 5
    runs: int = 200
    places: int = 2000


def window_text(since: date | None, until: date | None) -> str:
    if since and until:
        return f"from {since} to {until}"
    if since:
        return f"from {since} on"
    if until:
        return f"up to {until}"
    return "everything in the database"


def render_report(rows: dict[str, Any], *, since: date | None, until: date | None, database: str, now: datetime,
                  plotly_js: Callable[[], str]) -> str:
    """The report's page. ``rows``: ``Reader.report_rows``; ``database``: the name shown; ``plotly_js``:
    gives plotly.js's source (called once, only when some chart is drawn)."""
    t = rows["totals"]
    page = Page("wiredesk report", [
        f"Database {database}: {window_text(since, until)}. Written {now.strftime('%Y-%m-%d %H:%M')} UTC.",
        f"{t['documents']} documents from {t['outlets']} outlets"
        + (f" published {t['first_day']} to {t['last_day']}" if t["first_day"] else "")
        + f"; {t['events']} events; {t['runs']} runs."])
    msg = None
    if t["documents_in_database"] == 0:
        msg = "This database has no documents yet: run `wiredesk run` to ingest some, then draw the report again."
    elif t["documents"] == 0 and t["runs"] == 0 and t["events"] == 0:
        msg = (f"Nothing was published, found or run {window_text(since, until)}: the database holds "
               f"{t['documents_in_database']} current documents outside this window. Widen --since/--until.")
    if msg:
        page.banner = f'<p class="empty">{escape(msg)}</p>'
    _stories(page, rows)
    _copies(page, rows)
    _events(page, rows)
    _feeds(page, rows)
    _runs(page, rows)
    return page.render(plotly_js)


def _stories(page: Page, rows: dict[str, Any]) -> None:
    parts = []
    if rows["totals"]["has_stories"]:
        parts.append(page.chart("stories", figures.story_timeline(rows["stories_by_day"]),
                                "No story has a document in this window."))
        lead = ("The stories with most documents in the window, one row each: a bubble per day, as big as the "
                "documents published that day (hover for the outlets). Below: documents and outlets per day.")
    else:
        lead = ("This database has no story layer yet, so the timeline shows documents: per day and outlet "
                "(click an outlet in the legend to hide it, drag to zoom), with the number of outlets publishing.")
    parts.append(page.chart("documents", figures.documents_per_day(rows["documents_by_outlet_day"]),
                            "No document was published in this window."))
    page.section("stories", "Stories over time", lead, "\n".join(parts))


def _copies(page: Page, rows: dict[str, Any]) -> None:
    edges = rows["copy_edges"]
    graph = page.chart("copies", figures.copy_graph(edges, rows["novelty_by_outlet"]),
                       "No paragraph in this window repeats one from another document (exact or near copies).")
    bars = page.chart("novelty", figures.novelty_bars(rows["novelty_by_outlet"]), "No body text in this window.")
    tbl = table("t-copies", [col("first published by", "from_source"), col("repeated by", "to_source"),
                             col("paragraphs", "paragraphs", True)], edges[:100], filter_box=len(edges) > 10) if edges else ""
    page.section("copies", "Who copies whom",
                 "Each arrow goes from the outlet that published a paragraph first to an outlet that repeated it "
                 "(exact and near copies, docs/dedup.md), as thick as the paragraphs copied; a thick ring marks an "
                 "outlet repeating its own earlier articles. Colour and bars: the share of each outlet's body text "
                 "that is its own.", f'<div class="figures"><div>{graph}</div><div>{bars}</div></div>\n{tbl}')


def _events(page: Page, rows: dict[str, Any]) -> None:
    events = rows["events"]
    mentions: dict[str, list[dict]] = defaultdict(list)
    for m in rows["event_mentions"]:
        mentions[m["event_id"]].append(m)
    unlocated = sum(1 for e in events if e["place_latitude"] is None)
    parts = [page.chart("events-map", figures.event_map(rows["event_places"]),
                        "No event in this window has a geocoded city.")]
    if events and unlocated:
        parts.append(note(f"{unlocated} of the {len(events)} events in the table have no coordinates (a country, or "
                          f"a place not in the gazetteer): they are not on the map."))
    if events:
        def place(e: dict) -> str:
            return text(", ".join(p for p in (e["place_name"], e["place_country"]) if p))

        def when(e: dict) -> str:
            if not e["date_start"]:
                return ""
            return text(e["date_start"] if e["date_start"] == e["date_end"] else f"{e['date_start']} – {e['date_end']}")

        def links(e: dict) -> str:
            return " ".join(f'<a href="#mention-{m["mention_id"]}">{i}</a>' for i, m in enumerate(mentions[e["event_id"]], 1))

        parts.append(table("t-events", [
            col("class", "event_class"), col("actor", "actor_name"), col("target", "target_name"),
            ("place", place, False), ("date", when, False), col("outlets", "outlets"),
            col("outlets (n)", "num_sources", True), col("mentions", "num_mentions", True),
            ("sentences", links, False)], events, filter_box=True))
        parts.append(_sentences(events, mentions))
    else:
        parts.append(note("No event was extracted from documents of this window."))
    page.section("events", "Events",
                 "Who did what to whom, where and when (docs/events.md), reported by most outlets first. Hover a "
                 "bubble for the event, click a class in the legend to hide it, scroll the table or filter it by "
                 "words; the numbers under \"sentences\" lead to the sentences that reported it.", "\n".join(parts))


def _sentences(events: list[dict], mentions: dict[str, list[dict]]) -> str:
    out = ['<div class="mentions"><h3>The sentences behind each event</h3>']
    for e in events:
        ms = mentions[e["event_id"]]
        if not ms:
            continue
        out.append(f'<h4 id="event-{escape(e["event_id"])}">{text(e["event_class"])}: {text(e["actor_name"] or "?")} → '
                   f'{text(e["target_name"] or "?")}</h4><ol>')
        for m in ms:
            s, k = m["sentence"] or "", m["trigger_offset"]
            trig = m["trigger"] or ""
            if k is not None and 0 <= k and s[k:k + len(trig)] == trig and trig:
                said = f"{escape(s[:k])}<mark>{escape(trig)}</mark>{escape(s[k + len(trig):])}"
            else:
                said = escape(s)
            out.append(f'<li id="mention-{m["mention_id"]}">{said} <small>— {text(m["source"])}'
                       f'{", " + text(m["title"]) if m["title"] else ""}, {text(m["published_at"])}</small></li>')
        out.append("</ol>")
    out.append("</div>")
    return "\n".join(out)


def _feeds(page: Page, rows: dict[str, Any]) -> None:
    sources = rows["sources_health"]
    if not sources:
        body = note("No feed, sitemap or site is followed (`wiredesk sources add URL`); files only.")
    else:
        counts = defaultdict(int)
        for s in sources:
            counts[s["state"]] += 1

        def state(s: dict) -> str:
            return f'<span class="state-{s["state"]}">{escape(s["state"])}</span>'

        body = "\n".join([
            f"<p>{len(sources)} sources: {counts['ok']} ok, {counts['failing']} failing, {counts['disabled']} disabled.</p>",
            table("t-sources", [("state", state, False), col("source", "name"), col("kind", "kind"),
                                col("why", "reason"), col("failures in a row", "consecutive_failures", True),
                                col("last HTTP status", "last_status", True), col("last success", "last_success_at"),
                                col("next fetch", "next_fetch_at"), ("pages not the article", _access, False)],
                  sources, filter_box=len(sources) > 10),
            page.chart("feeds", figures.feed_activity(rows["fetches_by_day"]), "No feed was fetched in this window.")])
    fallbacks = rows.get("site_rule_fallbacks") or []
    if fallbacks:
        body += ("\n<h3>Site rules that matched nothing</h3>\n<p>Current documents whose host's keep selectors matched "
                 "no text, so generic extraction was used (<code>documents.site_rule = 'keep_unmatched'</code>): the "
                 "rule needs a look.</p>\n" + table("t-site-rules", [col("host", "host"), col("documents", "documents", True)],
                                                    fallbacks))
    reasons = rows["failure_reasons"]
    body += "\n<h3>What could not be ingested</h3>\n" + (
        table("t-failures", [col("stage", "stage"), col("reason", "reason"), col("failures", "failures", True),
                             col("example", "example")], reasons) if reasons else note("No failure in this window."))
    page.section("feeds", "Feeds", "The health of each followed source (ok, failing with the last error, "
                 "disabled with the reason) and its pages that were not the article when last fetched (consent, "
                 "paywall, blocked, empty), the new items it brought per day, the hosts whose site rule matched "
                 "nothing, and the failures by reason.", body)


def _access(s: dict) -> str:
    states = s.get("not_articles") or {}
    return escape(", ".join(f"{state} {n}" for state, n in sorted(states.items())))


def _runs(page: Page, rows: dict[str, Any]) -> None:
    runs = rows["runs"]
    body = page.chart("runs", figures.run_chart(runs), "No run started in this window.")
    if runs:
        body += "\n" + table("t-runs", [
            col("run", "run_id", True), col("kind", "kind"), col("status", "status"), col("started", "started_at"),
            col("seconds", "seconds", True), col("new", "documents_new", True), col("updated", "documents_updated", True),
            col("unchanged", "items_unchanged", True), col("failed", "items_failed", True),
            col("duplicates", "duplicates_new", True), col("error", "error")], list(reversed(runs)))
    revisits = rows.get("revisits_by_run") or []
    if revisits:
        body += "\n<h3>Revisits</h3>\n" + table("t-revisits", [
            col("run", "run_id", True), col("started", "started_at"), col("due", "revisits_due", True),
            col("done", "revisits_done", True), col("changed", "revisits_changed", True),
            col("the same", "revisits_same", True), col("not modified (304)", "revisits_not_modified", True),
            col("failed", "revisits_failed", True), col("left by the budget", "revisits_skipped", True),
            col("dropped (no current document)", "revisits_dropped", True)], list(reversed(revisits)))
    page.section("runs", "Runs", "Documents stored and items failed per run, and how long each run took; per run "
                 "that had revisits due, what they found.", body)
