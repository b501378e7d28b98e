"""``wiredesk status``: last runs, run in progress, sources due and failing, database size, index health.

Reads through ``wiredesk.store.reader.Reader`` (waits for a batch commit to end, never writes); the data
and what needs attention come from ``wiredesk.ops.status``; this module prints them. Exit status: ``STATUS_EPILOG``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.output import format_size, jsonable, not_read_for_events, revisits_line
from wiredesk.cli.screen import Screen
from wiredesk.domain.dates import utcnow
from wiredesk.ops.status import collect_status, needs_attention, warnings
from wiredesk.sources.health import format_access
from wiredesk.store.reader import Reader


STATUS_EPILOG = (
    "Exit status: 0 healthy, though warnings may be listed (a site rule whose keep selectors matched nothing on "
    "current documents of a host: keep_unmatched; a stalled or degraded source); 1 something needs attention (a "
    "failing source, the last run failed or was abandoned, an index, cluster, story or event table problem, "
    "current documents whose page types were never derived while events read news pages only), or with --strict a "
    "warning too; 2 usage or database error. Pages that were not articles and revisits due are shown, never "
    "counted. " + docs("docs/operations.md (after a run: what to look at)")
)


def add_status_parser(sub) -> None:  # noqa: ANN001
    status = sub.add_parser(
        "status",
        help="health: last runs, run in progress, sources due and failing, revisits, site rules, database size, index health",
        description=(
            "Show the last runs, whether a run is writing now (and which), the sources due now, the "
            "failing sources (failures in a row, last error), the sources that answer but are stalled (no new entry for "
            "several times their usual gap) or degraded (their pages extract to much less text than before), each "
            "with its figure, and those with pages that were not articles (consent, paywall, blocked, empty), the "
            "revisits scheduled and due now and what the last run that revisited did (changed, 304, failed, left by "
            "the budget), the hosts whose site rule fell back to generic extraction (keep_unmatched), the database size and the health of the "
            "near-duplicate index (paragraphs not indexed, settings changed since it was built), of the "
            "duplicate views' stored clusters (out of step with the links, links to missing paragraphs, cycles "
            "cut), of stories (documents without one, older story code) and of the event tables. Read-only: "
            "safe while a run writes (waits for its batch commit)."
        ),
        epilog=STATUS_EPILOG,
    )
    add_db_args(status)
    status.add_argument("--json", action="store_true", help="print one JSON object instead of the text report")
    status.add_argument("--strict", action="store_true",
                        help="exit 1 on warnings too (site-rule fallbacks, stalled or degraded sources)")
    status.set_defaults(func=cmd_status)


def _when(value) -> str:  # noqa: ANN001
    return value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, datetime) else ("-" if value is None else str(value))


def print_status(st: dict[str, Any], out: TextIO) -> None:
    c = st["counts"]
    print(f"database   {st['database']}: {format_size(st['database_bytes'])}"
          + (f" (+{format_size(st['wal_bytes'])} write-ahead log)" if st["wal_bytes"] else ""), file=out)
    print(f"           {c['documents_current']} current documents, {c['paragraphs']} paragraphs, "
          f"{c['duplicate_links']} duplicate links, {c['failures']} failures recorded", file=out)
    print(f"writing    {st['run_in_progress'] or 'no run in progress'}", file=out)
    print("last runs", file=out)
    if not st["last_runs"]:
        print("  (none)", file=out)
    for r in st["last_runs"]:
        secs = f"{r['seconds']:.1f}s" if r["seconds"] is not None else "-"
        line = (f"  {r['run_id']:>5}  {r['status']:<9}  {_when(r['started_at'])}  {secs:>8}  "
                f"{r['documents_new']} new, {r['documents_updated']} updated, {r['items_failed']} failed, "
                f"{r['duplicates_new']} duplicates"
                + not_read_for_events(r["event_documents_skipped"], r["event_documents_not_news"]))
        print(line + (f"  error: {r['error']}" if r["error"] else ""), file=out)
    if "sources_due" in st:
        due = st["sources_due"]
        print(f"sources    {st['sources_total']} followed, {len(due)} due now"
              + (": " + ", ".join(s["name"] for s in due[:10]) + (" ..." if len(due) > 10 else "") if due else ""), file=out)
        for s in st["sources_failing"]:
            state = "disabled" if s["disabled"] else f"{s['consecutive_failures']} failures in a row"
            print(f"  failing  {s['name']}: {state}, last error: {s['last_error']}; last success {_when(s['last_success_at'])}, "
                  f"next try {_when(s['next_fetch_at'])}", file=out)
        for s in st.get("sources_watch", []):
            for label in ("stalled", "degraded"):
                if s[label]:
                    print(f"  {label:<8} {s['name']}: {s[label]}", file=out)
            if s["not_articles"]:
                print(f"  access   {s['name']}: {format_access(s['not_articles'])} page(s) not an article when last "
                      "fetched (tried again later)", file=out)
    rv = st.get("revisits")
    if rv is not None and (rv["scheduled"] or rv["last_run"]):  # nothing to say for a store of files only
        last = rv["last_run"]
        print(f"revisits   {rv['scheduled']} pages scheduled, {rv['due_now']} due now"
              + (f"; run {last['run_id']}: {revisits_line(last)}" if last else "; none was due yet"), file=out)
    fallbacks = st.get("site_rule_fallbacks")
    if fallbacks:
        print(f"site rules keep_unmatched (the keep selectors matched nothing, generic extraction) in current documents "
              f"of {len(fallbacks)} host(s): " + ", ".join(f"{f['host']} {f['documents']}" for f in fallbacks[:10])
              + (" ..." if len(fallbacks) > 10 else ""), file=out)
    ix = st["index"]
    print(f"index      near-duplicates: {ix['near_index_rows']} paragraphs indexed ({ix['near_eligible_paragraphs']} current "
          f"eligible, {ix['near_not_indexed']} missing), {ix['near_index_keys']} keys, settings "
          f"{'match' if ix['near_signature_matches'] else 'CHANGED'}", file=out)
    cl = ix.get("clusters")
    if cl:
        print(f"           duplicate clusters: {cl['not_computed'] + cl['out_of_step']} paragraphs out of step with their "
              f"links, {cl['dangling_links']} links to missing paragraphs, {len(cl['cycles_cut_at'])} cycles cut", file=out)
    for ex in ix.get("event_extractors", []):
        print(f"           events: {ex['mentions']} mentions by {ex['extractor']}", file=out)
    if ix.get("documents_without_page_types"):
        print(f"           page types: {ix['documents_without_page_types']} current documents never had them derived "
              "(`wiredesk reprocess --outdated` fills them)", file=out)
    for code in ix.get("story_code", []):
        print(f"           stories: {code['documents']} document versions by {code['derived_by']}", file=out)
    if ix.get("documents_without_story"):
        print(f"           stories: {ix['documents_without_story']} current documents without one", file=out)
    problems = needs_attention(st)
    print("health     " + ("ok" if not problems else "; ".join(problems)), file=out)
    warned = warnings(st)
    if warned:
        print("warnings   " + "; ".join(warned), file=out)


def cmd_status(args, screen: Screen) -> int:  # noqa: ANN001
    settings = settings_from_args(args)
    with Reader.open(settings.db_path) as reader:
        st = collect_status(reader, settings, utcnow())
    if args.json:
        json.dump(jsonable({**st, "problems": needs_attention(st), "warnings": warnings(st)}), screen.out, indent=2)
        screen.print()
    else:
        print_status(st, screen.out)
    return 1 if needs_attention(st) or (args.strict and warnings(st)) else 0
