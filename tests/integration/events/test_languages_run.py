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
