"""A real run over real multilingual pages stores event mentions only for the languages the extractor reads."""

import gzip
import json

import pytest

from conftest import corpus_dir, query
from wiredesk.domain.settings import IngestSettings, Settings
from wiredesk.pipeline.ingest import run_ingest

EVAL = corpus_dir() / "trafilatura_eval"


@pytest.mark.corpus
@pytest.mark.skipif(not (EVAL / "evaldata.json").is_file(), reason="trafilatura_eval not found (../shared/corpus)")
def test_real_multilingual_pages_get_events_only_in_languages_that_are_read(tmp_path, extractor):
    """60 real pages (English, German, Spanish, French, Arabic, some without a language) through a run."""
    data = json.loads((EVAL / "evaldata.json").read_text(encoding="utf-8"))
    pages = tmp_path / "pages"
    pages.mkdir()
    for k, url in enumerate(sorted(data)[:60]):
        name = data[url]["file"] + ".gz"
        path = EVAL / "cache" / name if (EVAL / "cache" / name).exists() else EVAL / "eval" / name
        if path.exists():
            (pages / f"page{k:03d}.html").write_bytes(gzip.decompress(path.read_bytes()))
    db = str(tmp_path / "multi.duckdb")
    run_ingest([str(pages)], Settings(db_path=db, ingest=IngestSettings(workers=1)))
    rows = query(db, "SELECT lower(split_part(replace(coalesce(d.language, ''), '_', '-'), '-', 1)) AS lang, "
                     "count(DISTINCT d.document_id), count(m.document_id) "
                     "FROM documents d LEFT JOIN event_mentions m USING (document_id) GROUP BY lang")
    by_lang = {lang: (docs, mentions) for lang, docs, mentions in rows}
    read = set(extractor.languages)  # what a run's extractor reads too: the same installed models
    assert by_lang.get("de", (0, 0))[0] >= 10  # the sample holds German pages, and they were stored
    assert by_lang.get("en", (0, 0))[1] > 0
    for lang, (docs, mentions) in by_lang.items():
        if lang not in read:
            assert mentions == 0, f"{mentions} event mentions from {docs} documents in {lang or 'no language'}"


GERMAN_PAGE = ("<html lang=\"de\"><head><title>Botschaft gestürmt</title></head><body><article><h1>Botschaft gestürmt</h1>"
               "<p>Die Polizei nahm am Dienstag in Berlin zwölf Demonstranten fest, nachdem die Menge die Botschaft "
               "gestürmt hatte. Die Regierung verurteilte den Angriff am Mittwoch scharf.</p>"
               "<p>Der Innenminister kündigte eine Untersuchung der Vorfälle an und sprach von einem schweren Angriff "
               "auf die diplomatische Vertretung.</p></article></body></html>")
SPANISH_PAGE = ("<html lang=\"es\"><head><title>Terremoto</title></head><body><article><h1>Terremoto en Chile</h1>"
                "<p>Un terremoto de magnitud 7,1 sacudió el norte de Chile el lunes y dejó al menos tres muertos, "
                "según las autoridades locales, que evacuaron a miles de personas de la costa.</p>"
                "<p>El gobierno declaró el estado de emergencia en dos regiones del país.</p></article></body></html>")
ENGLISH_PAGE = ("<html lang=\"en-GB\"><head><title>Arrests</title></head><body><article><h1>Arrests in Basra</h1>"
                "<p>Police arrested 12 protesters in Basra on Tuesday after a crowd stormed the provincial council "
                "building, officials said.</p><p>The governor condemned the violence and called for calm in the "
                "city.</p></article></body></html>")


def test_documents_in_languages_not_read_are_counted_in_the_run_and_get_no_events(tmp_path, capsys):
    from wiredesk.cli import main

    pages = tmp_path / "pages"
    pages.mkdir()
    for name, html in (("de.html", GERMAN_PAGE), ("es.html", SPANISH_PAGE), ("en.html", ENGLISH_PAGE)):
        (pages / name).write_text(html, encoding="utf-8")
    db = str(tmp_path / "w.duckdb")
    assert main(["run", "--no-prefect", str(pages), "--db", db]) == 0
    out = capsys.readouterr().out
    assert "2 documents not read (language: 1 de, 1 es)" in out
    [(skipped, mentions)] = query(db, "SELECT event_documents_skipped, event_mentions_new FROM runs")
    assert skipped == 2 and mentions > 0
    by_lang = dict(query(db, "SELECT d.language, count(m.mention_id) FROM documents d "
                             "LEFT JOIN event_mentions m USING (document_id) GROUP BY 1"))
    assert by_lang["de"] == 0 and by_lang["es"] == 0
    assert [n for lang, n in by_lang.items() if lang.lower().startswith("en")][0] > 0
    assert main(["status", "--db", db]) == 0
    assert "2 not read for events (language)" in capsys.readouterr().out
    assert main(["stats", "--db", db]) == 0
    assert "2 not read for events (language)" in capsys.readouterr().out
    # a rerun reads nothing again: the documents are unchanged, nothing is counted twice
    assert main(["run", "--no-prefect", str(pages), "--db", db]) == 0
    assert query(db, "SELECT event_documents_skipped FROM runs ORDER BY run_id") == [(2,), (0,)]
    # a reprocess of the events counts them again, as its own run
    assert main(["reprocess", "--stage", "events", "-q", "--db", db]) == 0
    assert "2 documents not read (language)" in capsys.readouterr().out
    assert query(db, "SELECT kind, event_documents_skipped FROM runs ORDER BY run_id")[-1] == ("reprocess", 2)
