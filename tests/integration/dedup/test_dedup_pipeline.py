"""Near-duplicates through the public interfaces: the CLI and the pipeline, seeds in, links and views out."""

from __future__ import annotations

import json
import shutil
from pathlib import Path


from wiredesk.cli import main
from wiredesk.pipeline.ingest import run_ingest
from wiredesk.domain.settings import Settings
from conftest import query as _q

AP = "ap-yahoo-2019-12-31-baghdad-embassy.txt"
SUN = "the-sun-2019-12-31-baghdad-embassy.txt"

# Links as (kind, start of the copying paragraph, start of the earlier copy), independent of ids.
LINKS_BY_TEXT = """
SELECT l.kind, left(p.text, 40), left(q.text, 40), ps.source, qs.source
FROM duplicates l
JOIN paragraphs p ON p.paragraph_id = l.paragraph_id JOIN documents ps ON ps.document_id = p.document_id
JOIN paragraphs q ON q.paragraph_id = l.duplicate_of JOIN documents qs ON qs.document_id = q.document_id
ORDER BY ALL
"""


def _only(seeds: Path, tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name.split("-")[0]
    folder.mkdir()
    for f in seeds.glob(name + "*"):
        shutil.copy(f, folder / f.name)
    return folder


def _publish(seeds: Path, name: str, date: str) -> None:
    sidecar = seeds / f"{name}.meta.json"
    meta = json.loads(sidecar.read_text())
    sidecar.write_text(json.dumps({**meta, "published": date}))


def test_the_cli_finds_the_seed_pairs_with_their_kinds_and_earliest_copies(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    assert "duplicates  3 new" in capsys.readouterr().out
    ap, sun = "Associated Press (via Yahoo News)", "The Sun"
    assert _q(db, LINKS_BY_TEXT) == [
        # AP's lead rewritten as a Sun caption; same day, AP ingested first: AP is the earliest copy
        ("near", "Dozens of angry Iraqi Shiite militia sup", "Dozens of Iraqi Shiite militiamen and th", sun, ap),
        # a Sun body paragraph repeats a Sun caption that comes before it on the page
        ("near", "The Iranian-backed Iraqi militia had vow", "The Iranian-backed Iraqi militia had vow", sun, sun),
        # "last week's killing of an American contractor in a rocket attack on an Iraqi military base"
        ("partial", "The US military carried out strikes on S", "There were no reports of casualties, but", sun, ap),
    ]
    methods = _q(db, "SELECT DISTINCT method FROM duplicates")
    assert methods == [("near/1",)]


def test_the_views_answer_what_is_new_and_who_had_it_first(seeds, db):
    run_ingest([str(seeds)], Settings(db_path=db))
    novelty = dict(_q(db, "SELECT source, novel_share FROM document_novelty WHERE is_current"))
    assert novelty["Associated Press (via Yahoo News)"] == 1.0 and novelty["The Sun"] == 1.0  # caption-only copy
    partial = _q(db, "SELECT left(text, 30) FROM novel_paragraphs WHERE partial_of IS NOT NULL")
    assert partial == [("The US military carried out st",)]
    clusters = _q(db, "SELECT first_source, n_documents, n_sources, left(text, 30) FROM duplicate_clusters WHERE n_documents > 1")
    assert clusters == [("Associated Press (via Yahoo News)", 2, 2, "Dozens of Iraqi Shiite militia")]


def test_one_article_per_run_gives_the_same_links_as_one_run(seeds, tmp_path):
    together, apart = str(tmp_path / "together.duckdb"), str(tmp_path / "apart.duckdb")
    run_ingest([str(seeds)], Settings(db_path=together))
    run_ingest([str(_only(seeds, tmp_path, AP))], Settings(db_path=apart))
    run_ingest([str(_only(seeds, tmp_path, SUN))], Settings(db_path=apart))
    assert _q(apart, LINKS_BY_TEXT) == _q(together, LINKS_BY_TEXT) and _q(together, LINKS_BY_TEXT)


def test_an_earlier_published_article_ingested_later_becomes_the_earliest_copy(seeds, tmp_path, db):
    _publish(seeds, AP, "2019-12-30")
    run_ingest([str(_only(seeds, tmp_path, SUN))], Settings(db_path=db))
    run_ingest([str(_only(seeds, tmp_path, AP))], Settings(db_path=db))
    cross = [row for row in _q(db, LINKS_BY_TEXT) if row[3] != row[4]]
    assert cross and all(copier == "The Sun" for *_, copier, _first in cross)


def test_a_new_version_of_the_first_article_takes_over_its_links(seeds, tmp_path, db):
    # Published a day earlier, AP stays the earliest copy whatever its new version's document_id.
    _publish(seeds, AP, "2019-12-30")
    settings = Settings(db_path=db)
    run_ingest([str(seeds)], settings)
    page = seeds / AP
    page.write_text(page.read_text() + "\n\nThis story has been updated with the Pentagon's response.\n")
    run_ingest([str(seeds)], settings)
    stale = _q(db, """SELECT count(*) FROM duplicates l JOIN paragraphs q ON q.paragraph_id = l.duplicate_of
                      JOIN documents d ON d.document_id = q.document_id WHERE NOT d.is_current""")
    assert stale == [(0,)]
    assert [r[:3] for r in _q(db, LINKS_BY_TEXT)] == [
        ("near", "Dozens of angry Iraqi Shiite militia sup", "Dozens of Iraqi Shiite militiamen and th"),
        ("near", "The Iranian-backed Iraqi militia had vow", "The Iranian-backed Iraqi militia had vow"),
        ("partial", "The US military carried out strikes on S", "There were no reports of casualties, but"),
    ]
    first = _q(db, "SELECT d.version FROM duplicate_clusters c JOIN documents d ON d.document_id = c.first_document_id WHERE n_documents > 1")
    assert first == [(2,)]


def test_changed_index_settings_stop_the_run_until_dedup_rebuild(seeds, tmp_path, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(_only(seeds, tmp_path, AP)), "--db", db]) == 0
    config = tmp_path / "wiredesk.toml"
    config.write_text("[dedup]\nnum_perm = 128\nbands = 32\n")
    sun = str(_only(seeds, tmp_path, SUN))
    assert main(["run", "--no-prefect", "-q", sun, "--db", db, "--config", str(config)]) == 2
    assert "wiredesk dedup-rebuild" in capsys.readouterr().err
    assert main(["dedup-rebuild", "--db", db, "--config", str(config)]) == 0
    assert main(["run", "--no-prefect", "-q", sun, "--db", db, "--config", str(config)]) == 0
    assert {r[0] for r in _q(db, LINKS_BY_TEXT)} == {"near", "partial"}
