"""Lists of URLs as input, through the command line and the tables: URL-only JSON/JSONL records, CSV files with
a URL column, GDELT 2.0 event and mention exports (zipped or not); their pages served on 127.0.0.1."""

from __future__ import annotations

import json
import zipfile

import pytest

from wiredesk.sources.urllists import EVENT_COLUMNS, MENTION_COLUMNS

from support.localrun import cli, local_config
from support.localserver import static
from support.pages import WORDS, article
from conftest import query as q


@pytest.fixture
def pages(server):
    server.route("/robots.txt", static(b"User-agent: *\nAllow: /\nDisallow: /private/\n", "text/plain"))
    for i in range(8):
        server.route(f"/a/{i}", static(article(i), "text/html; charset=utf-8"))
    server.route("/private/9", static(article(9), "text/html"))
    return server


@pytest.fixture
def config(tmp_path):
    return local_config(tmp_path)


def article_hits(server) -> int:
    return sum(1 for path, _ in server.requests if path.startswith(("/a/", "/private/")))


def test_url_only_jsonl_records_are_fetched_kept_with_their_fields_and_not_fetched_again(capsys, pages, db, config, tmp_path):
    listing = tmp_path / "urls.jsonl"
    listing.write_text("\n".join(json.dumps({"url": pages.url(f"/a/{i}?utm_source=x"), "title": f"Given title {i}",
                                             "topic": "harbour", "score": i}) for i in range(3)) + "\n")
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "3 new, 0 updated" in out
    rows = q(db, "SELECT doc_key, title, supplied_meta FROM documents ORDER BY doc_key")
    assert [r[0] for r in rows] == [f"https://127.0.0.1:{pages.port}/a/{i}" for i in range(3)]  # canonical URLs
    assert [r[1] for r in rows] == [f"Given title {i}" for i in range(3)]  # the record's title wins
    record = json.loads(rows[1][2])["record"]
    assert record["topic"] == "harbour" and record["score"] == "1"
    assert q(db, "SELECT count(*) FROM fetches WHERE purpose = 'article' AND status = 200") == [(3,)]
    assert q(db, "SELECT count(*) FROM failures") == [(0,)]

    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "0 new, 0 updated" in out
    assert article_hits(pages) == 3  # nothing already stored is fetched again
    assert q(db, "SELECT count(*) FROM fetches WHERE run_id = 2 AND purpose = 'article'") == [(0,)]


def test_a_json_list_of_url_records_and_one_with_text_load_side_by_side(capsys, pages, db, config, tmp_path):
    listing = tmp_path / "mixed.json"
    listing.write_text(json.dumps([{"url": pages.url("/a/1")}, {"url": "https://example.org/x", "text": WORDS * 3},
                                   {"title": "no url, no text"}]))
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0
    assert q(db, "SELECT doc_key FROM documents ORDER BY doc_key") == [
        ("https://127.0.0.1:%d/a/1" % pages.port,), ("https://example.org/x",)]
    assert q(db, "SELECT reason FROM failures") == [("no_text_field",)]


def test_a_csv_with_a_url_column_fetches_each_row_and_records_a_malformed_row_by_its_line(capsys, pages, db, config, tmp_path):
    listing = tmp_path / "stories.csv"
    listing.write_text("id,title,link,language\n"
                       f"1,First,{pages.url('/a/1')},en\n"
                       f"2,Second,{pages.url('/a/2')},en,unexpected\n"   # line 3: one field too many
                       f"3,Third,not a url,en\n"                          # line 4: no URL
                       f'4,"Fourth, quoted",{pages.url("/a/4")},en\n'
                       f"5,Robots say no,{pages.url('/private/9')},en\n")
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "2 new" in out
    assert q(db, "SELECT title FROM documents ORDER BY title") == [("First",), ("Fourth, quoted",)]
    failures = q(db, "SELECT origin, stage, reason FROM failures ORDER BY origin")
    assert (f"{listing}#3", "load", "bad_row") in failures and (f"{listing}#4", "load", "bad_url") in failures
    assert any(o.endswith("/private/9") and s == "fetch" and r == "robots" for o, s, r in failures), failures
    assert q(db, "SELECT message FROM failures WHERE origin = ?", [f"{listing}#3"])[0][0].startswith("line 3:")
    assert not any(path == "/private/9" for path, _ in pages.requests)  # robots.txt is obeyed

    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert q(db, "SELECT count(*) FROM failures WHERE run_id = 2 AND stage = 'load'") == [(0,)]  # same file: known
    assert q(db, "SELECT count(*) FROM fetches WHERE run_id = 2 AND purpose = 'article'") == [(0,)]


def test_url_column_option_names_the_column_and_a_missing_one_fails_the_file(capsys, pages, db, config, tmp_path):
    listing = tmp_path / "export.csv"
    listing.write_text(f"story,canonical\n{pages.url('/a/5')},{pages.url('/a/6')}\n")
    code, out, _ = cli(capsys, "run", str(listing), "--url-column", "canonical", "--db", db, "--config", config,
                       "--no-prefect")
    assert code == 0
    assert q(db, "SELECT doc_key FROM documents") == [(f"https://127.0.0.1:{pages.port}/a/6",)]
    other = tmp_path / "other.csv"
    other.write_text(f"story\n{pages.url('/a/5')}\n")
    code, out, _ = cli(capsys, "run", str(other), "--url-column", "canonical", "--db", db, "--config", config,
                       "--no-prefect")
    assert q(db, "SELECT origin, reason FROM failures WHERE run_id = 2") == [(str(other), "no_url_column")]


def gdelt_event(event_id: int, url: str) -> str:
    values = {c: "" for c in EVENT_COLUMNS}
    values.update(GLOBALEVENTID=str(event_id), SQLDATE="20250218", Actor1Name="COUNCIL", EventCode="043",
                  DATEADDED="20250218120000", SOURCEURL=url)
    return "\t".join(values[c] for c in EVENT_COLUMNS)


def test_gdelt_event_exports_zipped_or_not_give_their_source_urls_with_the_event_fields(capsys, pages, db, config, tmp_path):
    plain = tmp_path / "20250218120000.export.CSV"
    plain.write_text("\n".join([gdelt_event(1, pages.url("/a/1")), gdelt_event(2, pages.url("/a/1")),
                                "1003\t20250218\ttoo few columns", gdelt_event(4, pages.url("/a/2"))]) + "\n")
    zipped = tmp_path / "20250218121500.export.CSV.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("20250218121500.export.CSV", gdelt_event(5, pages.url("/a/3")) + "\n")
    code, out, _ = cli(capsys, "run", str(plain), str(zipped), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "3 new" in out
    metas = [json.loads(m)["record"] for (m,) in q(db, "SELECT supplied_meta FROM documents ORDER BY doc_key")]
    assert [m["GLOBALEVENTID"] for m in metas] == ["1", "4", "5"]  # the first event of a repeated URL
    assert metas[0]["EventCode"] == "043" and metas[0]["Actor1Name"] == "COUNCIL"
    assert q(db, "SELECT origin, reason FROM failures") == [(f"{plain}#3", "bad_row")]


def test_gdelt_mentions_read_web_mentions_only(capsys, pages, db, config, tmp_path):
    def mention(event_id: int, kind: str, source: str, ident: str) -> str:
        values = {c: "0" for c in MENTION_COLUMNS}
        values.update(GLOBALEVENTID=str(event_id), MentionType=kind, MentionSourceName=source,
                      MentionIdentifier=ident, MentionDocTranslationInfo="", Extras="")
        return "\t".join(values[c] for c in MENTION_COLUMNS)

    listing = tmp_path / "20250218120000.mentions.CSV"
    listing.write_text("\n".join([mention(1, "1", "local.test", pages.url("/a/7")),
                                  mention(2, "2", "CNN", "CNN_20250218_TRANSCRIPT"),
                                  mention(3, "1", "local.test", pages.url("/a/6"))]) + "\n")
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "2 new" in out
    assert q(db, "SELECT DISTINCT source FROM documents") == [("local.test",)]
    assert q(db, "SELECT count(*) FROM failures") == [(0,)]


def test_url_list_filters_drop_records_before_fetching_and_count_them(capsys, pages, db, tmp_path):
    config = local_config(tmp_path, '[urls]\ndrop_urls = ["*/a/1"]\nkeep_languages = ["en"]\n'
                                    'drop_keywords = ["horoscope"]\n')
    listing = tmp_path / "filtered.csv"
    listing.write_text("title,url,language\n"
                       f"Kept,{pages.url('/a/0')},en\n"
                       f"Dropped by URL,{pages.url('/a/1')},en\n"
                       f"Dropped by language,{pages.url('/a/2')},fr\n"
                       f"Your horoscope today,{pages.url('/a/3')},en\n"
                       f"No language given,{pages.url('/a/4')},\n")
    code, out, _ = cli(capsys, "run", str(listing), "--db", db, "--config", config, "--no-prefect")
    assert code == 0 and "2 new" in out and "3 dropped by filters" in out
    assert q(db, "SELECT rule, entries FROM dropped_entries ORDER BY rule") == [
        ("drop_keywords", 1), ("drop_urls", 1), ("keep_languages", 1)]
    assert q(db, "SELECT DISTINCT source FROM dropped_entries") == [(str(listing),)]
    assert q(db, "SELECT entries_dropped FROM runs") == [(3,)]
    fetched = {path for path, _ in pages.requests}
    assert {"/a/1", "/a/2", "/a/3"}.isdisjoint(fetched) and {"/a/0", "/a/4"} <= fetched


def test_a_feed_filter_in_the_sources_file_drops_entries_before_fetching_and_counts_them(capsys, pages, db, tmp_path):
    items = [("Harbour vote set", "/a/0"), ("Football results", "/a/1"), ("Harbour video", "/a/2"),
             ("Vote sur le port", "/a/3")]
    rss = "".join(f"<item><title>{t}</title><link>{pages.url(p)}</link><guid>{p}</guid></item>" for t, p in items)
    pages.route("/feed", static(f"<rss version='2.0'><channel><title>Local</title><language>en</language>{rss}"
                                "</channel></rss>".encode()))
    pages.route("/feed-fr", static(f"<rss version='2.0'><channel><title>Fr</title><language>fr-FR</language>"
                                   f"<item><title>Port</title><link>{pages.url('/a/5')}</link></item></channel></rss>".encode()))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[defaults]\ndrop_languages = ["fr"]\n\n[[source]]\nname = "local"\nurl = "{pages.url("/feed")}"\n'
                       'keep_keywords = ["harbour"]\ndrop_urls = ["re:/a/2$"]\n\n'
                       f'[[source]]\nname = "fr"\nurl = "{pages.url("/feed-fr")}"\n')
    config = local_config(tmp_path)
    (tmp_path / "wiredesk.toml").write_text(open(config).read().replace(str(tmp_path / "none.toml"), str(sources)))
    code, out, _ = cli(capsys, "run", pages.url("/feed"), pages.url("/feed-fr"), "--db", db, "--config", config,
                       "--no-prefect")
    assert code == 0 and "1 new" in out and "4 dropped by filters" in out
    assert q(db, "SELECT title FROM documents") == [("Harbour vote set",)]
    assert q(db, "SELECT s.name, d.source, d.rule, d.entries FROM dropped_entries d JOIN sources s USING (source_id) "
                 "ORDER BY rule") == [("fr", "fr", "drop_languages", 1), ("local", "local", "drop_urls", 1),
                                      ("local", "local", "keep_keywords", 2)]
    assert q(db, "SELECT entries_dropped FROM runs") == [(4,)]
    assert not {"/a/1", "/a/2", "/a/3", "/a/5"} & {path for path, _ in pages.requests}
    assert q(db, "SELECT count(*) FROM feed_entries WHERE doc_key LIKE '%/a/1'") == [(0,)]  # not remembered


def test_a_filter_with_a_broken_regular_expression_is_a_config_error_naming_the_key(capsys, db, tmp_path):
    config = local_config(tmp_path, '[urls]\ndrop_urls = ["re:(unclosed"]\n')
    code, out, err = cli(capsys, "run", str(tmp_path), "--db", db, "--config", config, "--no-prefect")
    assert code == 2 and "urls.drop_urls" in err
