"""The duplicate views read answers stored with each batch; they must equal the recursive definition
(``support.clusters.REFERENCE``) after every operation that changes links: an ingest, an earlier copy arriving
later, new versions of documents (links removed and made again), a reprocess with new cleaner code (paragraphs
and links removed, dates moved) and a dedup-rebuild.

The store: the seeds, the 181 AEB pages (skipped when the corpus is absent) and, in a JSON Lines file, wire
copies of a fifth of them: the same page republished under another URL (exact copies of every paragraph) and
a copy-desk rewrite of its text (near and partial copies). Real cleaning, real linking, real DuckDB files.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import random
import shutil
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from wiredesk.clean.cleaner import clean_item
from wiredesk.cli import main
from wiredesk.domain.settings import DedupSettings, EventsSettings, IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.pipeline.reprocess import run_reprocess

from conftest import REPO, SEEDS, corpus_dir, query
from support.clusters import check_views

sys.path.insert(0, str(REPO / "bench"))
from make_dedup_pairs import make_near  # noqa: E402

pytestmark = pytest.mark.corpus
LATER = datetime(2031, 1, 1, tzinfo=timezone.utc)
EARLY = datetime(2001, 1, 1, tzinfo=timezone.utc)


def settings(db: Path, **changes) -> Settings:
    return Settings(db_path=str(db), ingest=IngestSettings(workers=1), events=EventsSettings(enabled=False), **changes)


def aeb() -> tuple[dict[str, bytes], dict[str, str]]:
    folder = corpus_dir() / "aeb"
    if not (folder / "html").is_dir():
        pytest.skip(f"AEB corpus not found at {folder} (set WIREDESK_CORPUS)")
    pages = {p.name.removesuffix(".html.gz"): gzip.decompress(p.read_bytes()) for p in sorted((folder / "html").glob("*.html.gz"))}
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    return pages, {k: v.get("articleBody", "") for k, v in truth.items()}


def rewrite(text: str, rng: random.Random) -> str:
    """A copy desk's version: most paragraphs edited a little, some kept, the last one dropped."""
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    out = []
    for p in paras[:-1] if len(paras) > 2 else paras:
        made = make_near(rng, p) if rng.random() < 0.7 else None
        out.append(made[0] if made else p)
    return "\n\n".join(out)


def record(url: str, source: str, published: datetime, **content: str) -> str:
    return json.dumps({"url": url, "source": source, "published": published.isoformat(), **content})


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """The store after one ingest of everything (and the folder of its inputs)."""
    pages, truth = aeb()
    root = tmp_path_factory.mktemp("stored-clusters")
    inputs = root / "in"
    shutil.copytree(SEEDS, inputs / "seeds")
    (inputs / "aeb").mkdir()
    for key, html in pages.items():
        (inputs / "aeb" / f"{key}.html").write_bytes(html)
    rng = random.Random(23)
    wire = []
    for i, key in enumerate(sorted(pages)[::5]):
        wire.append(record(f"https://republisher.example/{key}", "Republisher", LATER + timedelta(hours=i),
                           html=pages[key].decode("utf-8", "replace")))
        if truth.get(key):
            wire.append(record(f"https://desk.example/{key}", "Desk", LATER + timedelta(days=1, hours=i),
                               text=rewrite(truth[key], rng)))
    (inputs / "wire.jsonl").write_text("\n".join(wire) + "\n", encoding="utf-8")
    db = root / "base.duckdb"
    assert run_ingest([str(inputs)], settings(db)).ok
    return db, inputs


@pytest.fixture
def store(base, tmp_path) -> Path:
    db = tmp_path / "store.duckdb"
    shutil.copy(base[0], db)
    return db


def test_after_an_ingest_the_views_equal_the_recursive_definition(base):
    db, _ = base
    # a store worth checking: exact and near copies, clusters across outlets, partial overlaps
    kinds = dict(query(db, "SELECT kind, count(*) FROM duplicates GROUP BY kind"))
    assert kinds.get("exact", 0) > 500 and kinds.get("near", 0) > 100 and kinds.get("partial", 0) > 0, kinds
    assert query(db, "SELECT max(n_documents) FROM duplicate_clusters")[0][0] >= 3
    assert query(db, "SELECT count(*) FROM paragraphs WHERE cluster_id IS NULL") == [(0,)]
    assert check_views(db) == []


def test_an_earlier_copy_arriving_later_moves_the_clusters_to_it(base, store, tmp_path):
    pages, _ = aeb()
    keys = sorted(pages)[::5][:8]
    early = tmp_path / "early.jsonl"
    early.write_text("\n".join(record(f"https://archive.example/{k}", "Archive", EARLY, html=pages[k].decode("utf-8", "replace"))
                               for k in keys) + "\n", encoding="utf-8")
    assert run_ingest([str(early)], settings(store)).ok
    assert query(store, "SELECT count(DISTINCT c.cluster_id) FROM duplicate_clusters c "
                        "WHERE c.first_source = 'Archive' AND c.n_documents >= 3")[0][0] > 20
    assert check_views(store) == []


def test_new_versions_drop_and_remake_links_and_the_views_follow(base, store, tmp_path):
    _, inputs = base
    lines = (inputs / "wire.jsonl").read_text(encoding="utf-8").splitlines()
    changed = []
    for n, line in enumerate(lines):
        rec = json.loads(line)
        if rec["source"] == "Desk" and n % 3 == 0:  # the desk cut its story to its first two paragraphs
            rec["text"] = "\n\n".join(rec["text"].split("\n\n")[:2])
        elif rec["source"] == "Republisher" and n % 4 == 0:  # the republisher swapped the page for a notice
            rec.pop("html")
            rec["text"] = "This article is no longer available from the republisher, by request of its author."
        changed.append(json.dumps(rec))
    folder = tmp_path / "in"
    shutil.copytree(inputs, folder)
    (folder / "wire.jsonl").write_text("\n".join(changed) + "\n", encoding="utf-8")
    summary = run_ingest([str(folder)], settings(store))
    assert summary.ok and summary.counts.documents_updated > 5
    assert check_views(store) == []


def moved_and_rewritten(keys: set[str]):
    """'New cleaner code': a few AEB pages get their lead rewritten and their date moved after every copy."""
    def clean(item):
        article = clean_item(item)
        if not any(item.origin.endswith(f"/{k}.html") for k in keys):
            return article
        body = [p for p in article.paragraphs if p.role == "body"]
        lead = body[0].position if body else -1
        paragraphs = tuple(dataclasses.replace(p, text="A rewritten lead: the editors replaced this paragraph.")
                           if p.position == lead else p for p in article.paragraphs)
        return dataclasses.replace(article, paragraphs=paragraphs, published_at=LATER + timedelta(days=30),
                                   cleaner=article.cleaner + "-moved")
    return clean


def test_a_reprocess_that_rewrites_paragraphs_and_moves_dates_keeps_the_views_right(base, store):
    pages, _ = aeb()
    keys = set(sorted(pages)[::5][:6]) | set(sorted(pages)[1::5][:4])
    summary = run_reprocess(settings(store), clean=moved_and_rewritten(keys))
    assert summary.counts.documents_changed >= 10 and summary.counts.links_removed > 0
    assert query(store, "SELECT count(*) FROM documents WHERE published_at > ?", [LATER + timedelta(days=29)])[0][0] == 10
    # a moved page's copies are now the earlier ones: clusters start at them
    assert check_views(store) == []


def test_a_dedup_rebuild_with_other_index_settings_keeps_the_views_right(store):
    config = store.parent / "wiredesk.toml"
    config.write_text("[dedup]\nnum_perm = 32\nbands = 8\n")
    assert main(["dedup-rebuild", "--db", str(store), "--config", str(config)]) == 0
    assert query(store, "SELECT count(*) FROM dedup_index WHERE settings LIKE '%\"num_perm\": 32%'") == [(1,)]
    assert check_views(store) == []
