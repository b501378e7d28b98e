"""``wiredesk dedup-rebuild``: rebuild the near-duplicate index after an index setting changed."""

from __future__ import annotations

from wiredesk.cli.args import EPILOG, add_db_args, settings_from_args


def add_dedup_rebuild_parser(sub) -> None:
    rebuild = sub.add_parser(
        "dedup-rebuild",
        help="rebuild the near-duplicate index after changing its [dedup] settings",
        description=(
            "Recompute every paragraph's near-duplicate keys with the current [dedup] settings and re-link "
            "(one transaction). Needed when an index setting (num_perm, bands, shingle_words, anchor_words, "
            "anchor_window, seed, min_tokens, min_chars, roles) changed: until then runs refuse to mix keys. "
            "Existing links are kept; links the new settings find are added. See docs/dedup.md."
        ),
        epilog=EPILOG,
    )
    add_db_args(rebuild)
    rebuild.set_defaults(func=cmd_dedup_rebuild)


def cmd_dedup_rebuild(args) -> int:
    from wiredesk.store import RunLock, Store  # duckdb: loaded by the commands that open a database only

    settings = settings_from_args(args)
    # a rebuild rewrites the whole index: never while a run adds to it
    with RunLock(settings.db_path, "dedup-rebuild"), Store.open(settings.db_path) as store:
        result = store.rebuild_near_index(settings.dedup)
    print(
        f"near-duplicate index rebuilt ({settings.dedup.signature_version}): {result.indexed} paragraphs, "
        f"{result.keys} keys, {result.links_new} links added or moved"
    )
    return 0
