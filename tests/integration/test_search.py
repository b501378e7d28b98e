"""Full-text search: `wiredesk search` ranks current documents by BM25 over an index every run
keeps up to date. Real runs on real DuckDB files; BM25 checked against a plain-Python reference."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import duckdb
import pytest

import wiredesk
from wiredesk.cli import main
from wiredesk.fulltext.terms import index_terms
from wiredesk.store.migrate import available_migrations
from wiredesk.store.reader import query_terms

from conftest import REPO, query
from support.old_database import old_database

NO_EVENTS = "[events]\nenabled = false\n"

ARTICLES = {
    "zeppelin.txt": "Zeppelin over Lakehurst\n\nThe zeppelin Hindenburg caught fire at Lakehurst. "
    "Witnesses said the zeppelin burned in seconds.\n\nA zeppelin had never burned like that before.",
    "airship.txt": "Airships return\n\nCompanies are building airships again, decades after the Hindenburg. "
    "One engineer called the new craft a zeppelin for the climate age, and showed investors the hangar, "
    "the hull, the gondola, the engines, the control room and the cargo bay of the prototype.",
    "embassy.txt": "Embassy stormed\n\nProtesters stormed the U.S. Embassy in Baghdad on Tuesday, setting fire "
    "to a reception area.\n\nThe embassies of other countries closed their doors.",
    "markets.txt": "Markets calm\n\nStocks were flat on Friday as traders waited for the central bank.",
}


def ingest(tmp_path, db, files: dict[str, str], capsys=None) -> None:
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        title, _, body = text.partition("\n\n")  # the first line is the headline
        (folder / name).write_text(f"---\ntitle: {title}\nsource: Test Wire\npublished: 2024-05-06\n---\n{body}", encoding="utf-8")
    config = tmp_path / "wiredesk.toml"
    config.write_text(NO_EVENTS)
    assert main(["run", "--no-prefect", "-q", str(folder), "--db", db, "--config", str(config)]) == 0
    if capsys is not None:
        capsys.readouterr()


def search_json(db, query, capsys, *extra) -> list[dict]:
    assert main(["search", query, "--db", db, "--format", "json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_document_that_says_the_word_most_ranks_first_and_unrelated_ones_not_at_all(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    hits = search_json(db, "zeppelin", capsys)
    assert [h["title"] for h in hits] == ["Zeppelin over Lakehurst", "Airships return"]
    assert hits[0]["score"] > hits[1]["score"] > 0
    assert [h["rank"] for h in hits] == [1, 2]
    assert "zeppelin" in hits[0]["snippet"].lower()


def test_case_accents_plurals_and_abbreviation_dots_do_not_matter(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    for query in ("EMBASSY", "embassies", "protester", "us embassy", "Bagdhad Baghdád"):
        hits = search_json(db, query, capsys)
        assert hits and hits[0]["title"] == "Embassy stormed", query


def test_scores_are_okapi_bm25_over_title_and_body(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    con = wiredesk.connect(db)
    terms = {
        doc_id: Counter(index_terms(f"{title} {text}", language))
        for doc_id, title, text, language in con.execute(
            "SELECT document_id, title, text, language FROM documents WHERE is_current").fetchall()
    }
    query = "zeppelin Hindenburg climate"
    got = {r[0]: r[1] for r in wiredesk.search(con, query, limit=10).select("document_id, score").fetchall()}
    n, avgdl, k1, b = len(terms), sum(sum(c.values()) for c in terms.values()) / len(terms), 1.2, 0.75
    want = {}
    for doc_id, tf in terms.items():
        dl, score = sum(tf.values()), 0.0
        for term in set(query_terms(con, query)):
            df = sum(1 for c in terms.values() if term in c)
            if tf[term]:
                score += math.log(1 + (n - df + 0.5) / (df + 0.5)) * tf[term] * (k1 + 1) / (tf[term] + k1 * (1 - b + b * dl / avgdl))
        if score:
            want[doc_id] = round(score, 3)
    assert got == want


def test_a_changed_article_is_found_by_its_new_words_and_no_longer_by_the_removed_ones(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    before = search_json(db, "traders", capsys)
    assert [h["title"] for h in before] == ["Markets calm"]
    ingest(tmp_path, db, {"markets.txt": "Markets calm\n\nStocks were flat on Friday; investors bought gold."}, capsys)
    assert search_json(db, "traders", capsys) == []
    after = search_json(db, "gold", capsys)
    assert [h["title"] for h in after] == ["Markets calm"]
    assert after[0]["document_id"] != before[0]["document_id"]  # the new version, not the old one
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM search_documents").fetchall()[0][0] == \
        con.execute("SELECT count(*) FROM documents WHERE is_current").fetchall()[0][0] == 4


def test_a_run_with_nothing_new_leaves_the_index_as_it_was(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db, read_only=True)
    first = con.execute("SELECT document_id, n_terms, run_id FROM search_documents ORDER BY document_id").fetchall()
    con.close()
    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT document_id, n_terms, run_id FROM search_documents ORDER BY document_id").fetchall() == first
    assert {r[2] for r in first} == {1}  # all indexed by run 1, none by run 2


def test_the_table_output_shows_title_outlet_date_score_and_snippet(tmp_path, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(REPO / "seeds"), "--db", db]) == 0
    capsys.readouterr()
    assert main(["search", "Benghazi embassy siege", "--db", db, "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith(" 1. ")
    assert "The Sun, 2019-12-31, document 2" in out
    assert "Benghazi" in out
    assert "(1 best of 2 documents searched)" in out


def test_csv_output_has_a_header_and_one_line_per_hit(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    assert main(["search", "zeppelin", "--db", db, "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "rank,score,title,source,published_at,snippet,document_id,url,origin"
    assert len(lines) == 3


def test_searching_a_database_without_documents_says_so(tmp_path, db, capsys):
    from wiredesk.store import Store

    Store.open(db).close()  # migrated, empty
    assert main(["search", "anything", "--db", db]) == 0
    assert "no documents to search yet" in capsys.readouterr().out


def test_no_match_is_not_an_error(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    assert main(["search", "volcano", "--db", db]) == 0
    assert "no documents match 'volcano' (4 searched)" in capsys.readouterr().out


@pytest.mark.parametrize("query", ["the of and", "!!!", ""])
def test_a_query_with_nothing_to_search_for_is_a_one_line_usage_error(tmp_path, db, capsys, query):
    ingest(tmp_path, db, ARTICLES, capsys)
    assert main(["search", query, "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("wiredesk: error: nothing to search for") and err.count("\n") == 1


def test_searching_without_a_database_is_a_one_line_error(tmp_path, capsys):
    assert main(["search", "x", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no database at" in capsys.readouterr().err


def test_a_database_from_before_the_index_is_indexed_by_its_next_run(tmp_path, db, capsys):
    written = tmp_path / "written.duckdb"
    ingest(tmp_path, str(written), ARTICLES, capsys)
    # the same rows in a database as the wiredesk before migration 0006 left it
    before_search = next(m.version for m in available_migrations() if m.name == "search") - 1
    old_database(Path(db), before_search, written)
    assert main(["search", "zeppelin", "--db", db]) == 2
    assert "no search index yet" in capsys.readouterr().err
    ingest(tmp_path, db, {}, capsys)  # a run with nothing new
    assert [h["title"] for h in search_json(db, "zeppelin", capsys)] == ["Zeppelin over Lakehurst", "Airships return"]


def test_documents_a_run_left_unindexed_are_reported_and_indexed_by_the_next_run(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db)  # as if a run stored a batch, then died before its end-of-run refresh
    con.execute("DELETE FROM search_postings WHERE document_id = 1; DELETE FROM search_documents WHERE document_id = 1")
    con.close()
    assert main(["search", "zeppelin", "--db", db]) == 0
    assert "1 current documents are not indexed yet" in capsys.readouterr().err
    ingest(tmp_path, db, {}, capsys)
    assert len(search_json(db, "zeppelin", capsys)) == 2


def test_postings_made_by_another_tokenizer_version_are_rebuilt_by_the_next_run(tmp_path, db, capsys):
    from wiredesk.store.search_index import TOKENIZER_VERSION

    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db)  # as if an older wiredesk with another tokenizer had made the postings
    con.execute("UPDATE search_index SET tokenizer = 'words/0'; DELETE FROM search_postings WHERE term = 'zeppelin'")
    con.close()
    ingest(tmp_path, db, {}, capsys)
    assert len(search_json(db, "zeppelin", capsys)) == 2
    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT tokenizer, run_id FROM search_index").fetchall() == [(TOKENIZER_VERSION, 2)]


def test_a_document_re_derived_in_place_by_a_reprocess_is_indexed_again(tmp_path, db, capsys):
    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db)  # what `wiredesk reprocess` does to a document whose cleaned text changed
    con.execute("UPDATE documents SET text = 'Stocks rallied as dirigibles flew over the exchange.', derived_run_id = 7 "
                "WHERE title = 'Markets calm'")
    con.close()
    ingest(tmp_path, db, {}, capsys)
    assert [h["title"] for h in search_json(db, "dirigible", capsys)] == ["Markets calm"]
    assert search_json(db, "traders", capsys) == []


MULTILINGUAL = {
    "bruecke.txt": "Neue Brücke eröffnet\n\nDie Stadt hat am Dienstag die neue Brücke über den Fluss eröffnet, "
    "nachdem die Bauarbeiten drei Jahre gedauert hatten. Pendler sparen nun täglich eine halbe Stunde.",
    "elections.txt": "Élections municipales\n\nLes électeurs se sont rendus aux urnes dimanche pour élire leurs "
    "conseils municipaux, une élection marquée par une forte abstention dans les grandes villes.",
    "storm.txt": "Storm hits the coast\n\nA storm hit the coast on Monday, and the harbour authority closed the "
    "piers while engineers inspected the sea walls for damage after the waves.",
}


def test_each_document_is_stemmed_in_its_own_language_and_queries_in_every_language_indexed(tmp_path, db, capsys):
    ingest(tmp_path, db, MULTILINGUAL, capsys)
    assert sorted(r[0] for r in duckdb.connect(db, read_only=True).execute(
        "SELECT language FROM documents").fetchall()) == ["de", "en", "fr"]
    for query, title in (("Brücken", "Neue Brücke eröffnet"), ("bruecke eroeffnet brücken", "Neue Brücke eröffnet"),
                         ("élection", "Élections municipales"), ("electeur", "Élections municipales"),
                         ("storms", "Storm hits the coast"), ("inspecting engineer", "Storm hits the coast")):
        hits = search_json(db, query, capsys)
        assert hits and hits[0]["title"] == title, query
    assert "élection" in search_json(db, "elections", capsys)[0]["snippet"]


# The tokenizer of wiredesk before Snowball stemming (TOKENIZER_VERSION "words-nfkc-s-stem/1"), as it was
# shipped: one SQL expression, Harman's "S" stemmer (plurals only). Kept here to build a database the way
# that code built it.
_OLD_TOKENIZER = "words-nfkc-s-stem/1"
_OLD_TERMS_SQL = (
    "list_transform(list_filter(regexp_extract_all(lower(strip_accents(regexp_replace(regexp_replace("
    "coalesce(d.title || ' ' || d.text, ''), '(\\pL)\\.(\\pL)\\.', '\\1\\2', 'g'), '[''’]', '', 'g'))), '[\\pL\\pN]+'), "
    "lambda w: length(w) > 1 AND NOT list_contains(['a', 'an', 'and', 'the', 'of', 'to', 'in'], w)), lambda w: "
    "CASE WHEN length(w) > 3 AND suffix(w, 'ies') AND NOT suffix(w, 'eies') AND NOT suffix(w, 'aies') "
    "THEN left(w, length(w) - 3) || 'y' WHEN length(w) > 3 AND suffix(w, 'es') AND NOT suffix(w, 'aes') "
    "AND NOT suffix(w, 'ees') AND NOT suffix(w, 'oes') THEN left(w, length(w) - 1) WHEN length(w) > 3 AND "
    "suffix(w, 's') AND NOT suffix(w, 'us') AND NOT suffix(w, 'ss') THEN left(w, length(w) - 1) ELSE w END)"
)


def test_an_index_made_by_the_plural_only_tokenizer_is_rebuilt_once_by_the_next_run(tmp_path, db, capsys):
    from wiredesk.fulltext.terms import TOKENIZER_VERSION

    ingest(tmp_path, db, ARTICLES, capsys)
    con = duckdb.connect(db)  # the index as the old code made it: its terms, its version
    con.execute("DELETE FROM search_postings; DELETE FROM search_documents")
    con.execute(f"INSERT INTO search_postings SELECT term, document_id, count(*)::INTEGER, 1, 1 FROM (SELECT document_id, "
                f"unnest({_OLD_TERMS_SQL}) AS term FROM documents d WHERE is_current) GROUP BY ALL")
    con.execute("INSERT INTO search_documents SELECT document_id, 1, derived_run_id, 1 FROM documents WHERE is_current")
    con.execute("UPDATE search_index SET tokenizer = ?", [_OLD_TOKENIZER])
    assert con.execute("SELECT count(*) FROM search_postings WHERE term = 'stormed'").fetchone() == (1,)
    con.close()
    assert main(["search", "storm", "--db", db]) == 2  # old terms would find "storm" only as a word, not "stormed"
    err = capsys.readouterr().err
    assert "made by an older wiredesk (words-nfkc-s-stem/1)" in err and "next `wiredesk run` rebuilds it" in err
    ingest(tmp_path, db, {}, capsys)  # a run with nothing new rebuilds the index
    assert [h["title"] for h in search_json(db, "storm", capsys)] == ["Embassy stormed"]
    index = "SELECT tokenizer, run_id FROM search_index"
    assert query(db, index) == [(TOKENIZER_VERSION, 2)]
    postings = query(db, "SELECT * FROM search_postings ORDER BY ALL")
    assert not [p for p in postings if p[0] == "stormed"]
    ingest(tmp_path, db, {}, capsys)  # and only once
    assert query(db, index) == [(TOKENIZER_VERSION, 2)]
    assert query(db, "SELECT * FROM search_postings ORDER BY ALL") == postings
