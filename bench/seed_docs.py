"""The two seed articles as ``DocumentInput``s, loaded and cleaned by the pipeline's own stages.

``seeds/*.txt`` with their ``.meta.json`` sidecars (source, publication date 2019-12-31) go through
``wiredesk.sources.files.load_files`` and ``wiredesk.clean.cleaner.clean_item``, so paragraph roles (body / caption / credit /
boilerplate) are exactly what a ``wiredesk run`` stores.
"""

from __future__ import annotations

from pathlib import Path

from wiredesk.clean.cleaner import clean_item
from wiredesk.events.model import DocumentInput
from wiredesk.sources.files import load_files
from wiredesk.domain.settings import IngestSettings

ROOT = Path(__file__).resolve().parent.parent
#: short name used by the gold file → file name in seeds/
SEEDS = {"ap": "ap-yahoo-2019-12-31-baghdad-embassy.txt", "sun": "the-sun-2019-12-31-baghdad-embassy.txt"}


def seed_articles(root: Path = ROOT) -> dict[str, object]:
    """short name → cleaned ``Article``."""
    loaded = load_files([root / "seeds" / name for name in SEEDS.values()], IngestSettings())
    if loaded.failures:
        raise RuntimeError(f"seeds failed to load: {loaded.failures}")
    by_name = {Path(item.origin).name: clean_item(item) for item in loaded.items}
    return {short: by_name[name] for short, name in SEEDS.items()}


def seed_documents(root: Path = ROOT) -> list[DocumentInput]:
    return [DocumentInput.from_article(a) for a in seed_articles(root).values()]


def short_name(doc_key: str) -> str:
    for short, name in SEEDS.items():
        if doc_key.endswith(name):
            return short
    raise KeyError(doc_key)
