"""``wiredesk sources add|list|remove|import-opml|export-opml``: the feeds, sitemaps and sites a run follows.

Each action is one function of the parsed arguments returning an exit code; it reads and writes through
``wiredesk.store.Store`` (the SQL is ``wiredesk.store.feeds``'s).
"""

from __future__ import annotations

from pathlib import Path

from wiredesk.cli.args import add_db_args, add_listing_args, docs, settings_from_args
from wiredesk.cli.output import format_rows
from wiredesk.cli.screen import Screen
from wiredesk.domain.dates import utcnow
from wiredesk.domain.errors import ConfigError
from wiredesk.domain.urls import is_http_url
from wiredesk.sources.config import KINDS, format_duration, make_source
from wiredesk.sources.feeds.collect import MAX_TITLE_CHARS
from wiredesk.sources.feeds.opml import Subscription, export_opml, parse_opml
from wiredesk.sources.health import format_access, source_health
from wiredesk.store import Store

SOURCES_EPILOG = docs("docs/feeds.md (the sources file, scheduling and limits)",
                      "docs/configuration.md (filters before fetching)")


def add_sources_parser(sub) -> None:  # noqa: ANN001
    """Mount ``sources`` and its actions on the top-level subparsers ``sub``."""
    p = sub.add_parser(
        "sources",
        help="add, list, remove, import or export the feeds, sitemaps and sites wiredesk follows",
        description=(
            "Manage followed sources (stored in the database's sources table with their state). `wiredesk run` "
            "with no paths fetches every due source; config/sources.toml, when present, is synced in first."
        ),
        epilog=SOURCES_EPILOG,
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="follow a feed, sitemap or site", description="Follow a new source (or re-enable a disabled one).", epilog=SOURCES_EPILOG)
    add.add_argument("url", metavar="URL", help="feed, sitemap or site URL (http/https)")
    add.add_argument("--name", help="unique name (default: host and path of the URL)")
    add.add_argument("--kind", choices=KINDS, default="feed", help="feed (default), sitemap, or site (find its feed by autodiscovery)")
    add.add_argument("--interval", default="30m", help="how often to fetch: 90s, 30m, 2h, 1d (default: 30m)")
    add.add_argument("--tag", action="append", default=[], dest="tags", metavar="TAG", help="a tag (repeatable)")
    add.add_argument("--feed-content", action="store_true", help="trust the content in the feed; do not download article pages")
    add.add_argument("--disabled", action="store_true", help="add without fetching it until enabled")
    add_db_args(add)
    add.set_defaults(func=cmd_sources_add)

    ls = actions.add_parser("list", help="list sources with their title and health", description="List sources: name, the feed's own title, health (new, ok, failing, disabled, off; stalled: no new entry for several times its usual gap; degraded: its latest pages extract to much less text than before) with the figure behind it, its pages that were not articles when last fetched (consent, paywall, blocked, empty), its pages whose revisit is due now and all with a revisit to come (docs/revisits.md), failures in a row, last status and error, next fetch, interval, tags, the feed URL and the site it belongs to (title and site are what the feed said at its last fetch, or its OPML outline). The URL lists whose pages are revisited follow, one row each (kind url_list, named by their path), with their revisit columns.", epilog=SOURCES_EPILOG)
    add_listing_args(ls)
    add_db_args(ls)
    ls.set_defaults(func=cmd_sources_list)

    rm = actions.add_parser("remove", help="stop following a source", description="Remove a source by name or URL. Its documents stay.", epilog=SOURCES_EPILOG)
    rm.add_argument("source", metavar="NAME_OR_URL", help="the source's name or feed URL (as `wiredesk sources list` shows)")
    add_db_args(rm)
    rm.set_defaults(func=cmd_sources_remove)

    imp = actions.add_parser("import-opml", help="follow every feed of an OPML file", description="Add the feeds of an OPML subscription list; folders become tags. Known URLs are skipped.", epilog=SOURCES_EPILOG)
    imp.add_argument("file", metavar="FILE", help="OPML file")
    imp.add_argument("--interval", default="30m", help="interval of the imported sources (default: 30m)")
    imp.add_argument("--feed-content", action="store_true", help="trust the feeds' content; do not download article pages")
    add_db_args(imp)
    imp.set_defaults(func=cmd_sources_import)

    exp = actions.add_parser("export-opml", help="write the sources as OPML", description="Write every feed source as an OPML 2.0 subscription list.", epilog=SOURCES_EPILOG)
    exp.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    add_db_args(exp)
    exp.set_defaults(func=cmd_sources_export)


def _open(args) -> Store:  # noqa: ANN001
    settings = settings_from_args(args)
    return Store.open(settings.db_path, wait=settings.db_write_wait_seconds)


def cmd_sources_add(args, screen: Screen) -> int:  # noqa: ANN001
    raw = {"url": args.url, "kind": args.kind, "interval": args.interval, "tags": args.tags,
           "enabled": not args.disabled, "full_articles": not args.feed_content}
    if args.name:
        raw["name"] = args.name
    cfg = make_source(raw, "sources add")
    with _open(args) as store:
        source_id, what = store.add_source(cfg, "cli", utcnow())
    screen.print(f"{what} source {source_id}: {cfg.name} ({cfg.kind}, every {args.interval}) {cfg.url}")
    return 0


def cmd_sources_list(args, screen: Screen) -> int:  # noqa: ANN001
    with _open(args) as store:
        rows = store.list_sources()
        access, signals = store.source_signals()
        now = utcnow()
        revisits = store.revisits_by_source(now)
        lists = store.revisits_by_url_list(now)
    columns = ["name", "title", "kind", "health", "failures", "last_status", "last_error", "next_fetch_at", "interval",
               "tags", "url", "site_url", "health_figure", "not_articles", "revisits_due", "revisits_scheduled"]
    table = []
    for r in rows:
        dates, lengths = signals.get(r.source_id, ((), ()))
        h = source_health(r.state, r.config.enabled, dates, lengths, now)
        table.append((r.config.name, r.state.title, r.config.kind, h.word, r.state.consecutive_failures,
                      r.state.last_status, r.state.disabled_reason or r.state.last_error, r.state.next_fetch_at,
                      format_duration(r.config.interval), ",".join(r.config.tags), r.config.url, r.state.site_url,
                      h.figure, format_access(access.get(r.source_id, {})), *revisits.get(r.source_id, (0, 0))))
    # the URL lists whose pages are revisited: not followed (a run reads a list when given it), one row each
    for path, due, scheduled in lists:
        table.append((path, None, "url_list", None, None, None, None, None, None, "", None, None, None, "", due,
                      scheduled))
    format_rows(columns, table, args.format, screen.out, max_width=args.max_width)
    return 0


def cmd_sources_remove(args, screen: Screen) -> int:  # noqa: ANN001
    with _open(args) as store:
        row = store.remove_source(args.source)
    if row is None:
        raise ConfigError(f"no source named or with URL {args.source!r} (see `wiredesk sources list`)")
    screen.print(f"removed source {row.source_id}: {row.config.name} ({row.config.url}); its documents are kept")
    return 0


def cmd_sources_import(args, screen: Screen) -> int:  # noqa: ANN001
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read OPML file {path}: {exc.strerror}") from exc
    subs = parse_opml(data)
    added, skipped, bad = [], 0, []
    with _open(args) as store:
        known = {r.config.url for r in store.list_sources()}
        names = {r.config.name for r in store.list_sources()}
        for i, sub in enumerate(subs):
            if sub.url in known:
                skipped += 1
                continue
            name = sub.title if sub.title and sub.title not in names else sub.url
            try:
                cfg = make_source({"url": sub.url, "name": name, "tags": list(sub.tags), "interval": args.interval,
                                   "full_articles": not args.feed_content}, f"{path}: outline[{i}]")
            except ConfigError as exc:
                bad.append(str(exc))
                continue
            added.append(cfg)
            known.add(cfg.url)
            names.add(cfg.name)
        store.sync_sources(added, "opml", utcnow())
        # the outlines' titles and sites, until the feeds' own say otherwise (http(s) sites only: they are exported)
        store.describe_sources([(s.url, (s.title or "")[:MAX_TITLE_CHARS] or None,
                                 s.html_url if s.html_url and is_http_url(s.html_url) else None) for s in subs])
    screen.print(f"imported {len(added)} sources from {path} ({skipped} already known, {len(bad)} refused)")
    for line in bad:
        screen.note(f"  refused: {line}")
    return 0


def cmd_sources_export(args, screen: Screen) -> int:  # noqa: ANN001
    with _open(args) as store:
        rows = store.list_sources()
    # the feed's own title when known (what a feed reader shows), else the name given here; the site it belongs to
    subs = [Subscription(r.config.url, r.state.title or r.config.name, r.state.site_url, r.config.tags)
            for r in rows if r.config.kind != "sitemap"]
    data = export_opml(subs, now=utcnow())
    if args.output:
        Path(args.output).write_bytes(data)
        screen.note(f"wrote {len(subs)} sources to {args.output}")
    else:
        screen.write(data.decode("utf-8"))
    return 0

