"""Where the shared evaluation corpus is, for every benchmark and evaluation script.

``override`` (a ``--corpus`` argument) wins, then ``$WIREDESK_CORPUS``, then ``../shared/corpus`` beside
the repository. The corpus is read in place, never copied into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def corpus_dir(override: str | Path | None = None) -> Path:
    if override:
        return Path(override)
    return Path(os.environ.get("WIREDESK_CORPUS") or REPO.parent / "shared" / "corpus")
