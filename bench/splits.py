"""Which runs an evaluation makes: the ids given on the command line, else the ones of a named split.

For the evaluation scripts whose data is cut into named splits of ids (``eval_ecbplus.py``: tuning and
reporting topics; ``eval_sameday.py``: dev and held-out seeds) and that take ``--split NAME|both`` and an
explicit comma-separated list that overrides it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def pick_runs(explicit: str, split: str, splits: Mapping[str, Iterable[int]], name: str) -> dict[str, list[int]]:
    """``{run name: ids}``: ``{name: the explicit ids}`` when ``explicit`` (comma-separated) is given, every
    split when ``split`` is ``"both"``, else the one split ``split``."""
    if explicit:
        return {name: [int(i) for i in explicit.split(",") if i]}
    if split == "both":
        return {n: list(ids) for n, ids in splits.items()}
    return {split: list(splits[split])}
