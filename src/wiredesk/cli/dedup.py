"""``wiredesk dedup-rebuild``: rebuild the near-duplicate index after an index setting changed."""

from __future__ import annotations

from wiredesk.cli.args import add_db_args, docs, settings_from_args
from wiredesk.cli.screen import Screen
from wiredesk.domain.dates import utcnow


def add_dedup_rebuild_parser(sub) -> None:
    rebuild = sub.add_parser(
        "dedup-rebuild",
        help="rebuild the near-duplicate index after changing its [dedup] settings",
        description=(
            "Recompute every paragraph's near-duplicate keys with the current [dedup] settings and re-link "
            "(one transaction). Needed when an index setting (num_perm, bands, shingle_words, anchor_words, "
            "anchor_window, dense_anchor_tokens, seed, min_tokens, min_chars, roles) changed, or an upgrade changed how keys "
            "are made: until then runs refuse to mix keys. "
            "Existing links are kept; links the new settings find are added."
        ),
        epilog=docs("docs/dedup.md (versions and rebuilds)", "docs/configuration.md (the [dedup] settings)"),
    )
    add_db_args(rebuild)
    rebuild.set_defaults(func=cmd_dedup_rebuild)


def cmd_dedup_rebuild(args, screen: Screen) -> int:
    # lazy on purpose: the pipeline loads trafilatura and spaCy, which only the commands that run it need
    from wiredesk.pipeline.run import locked, running
    from wiredesk.pipeline.stages import open_store

    settings = settings_from_args(args)
    summary = _Rebuild()
    # a rebuild rewrites the whole index: never while a run adds to it; it is a run of its own (runs.kind)
    with locked(settings, "dedup-rebuild") as lock, running(settings, lock, summary, ["dedup-rebuild"],
                                                           kind="dedup-rebuild") as run:
        with open_store(settings) as store:
            result = store.rebuild_near_index(settings.dedup, run.run_id, utcnow())
    screen.print(
        f"near-duplicate index rebuilt ({settings.dedup.signature_version}): {result.indexed} paragraphs, "
        f"{result.keys} keys, {result.links_new} links added or moved"
    )
    return 0


class _Rebuild:
    """What the run lifecycle records of a rebuild (its counts are printed, not stored)."""

    run_id: int = -1
    status: str = "running"
    error: str | None = None
    seconds: float = 0.0
