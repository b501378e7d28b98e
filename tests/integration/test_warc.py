"""Web archives as input: ``wiredesk run x.warc.gz`` (and ``.warc``, and folders holding them) stores the HTML
``response`` records, each once, with its target URI and fetch date; other records are counted as skipped;
every bad record or stretch of bytes is one failure at its byte offset, and the rest of the file is read.
The archives are written by the tests (support/warc.py, and warcio's writer for one)."""

from __future__ import annotations

import base64
import gzip
import io
import json
import random
import tracemalloc
from pathlib import Path

import pytest

import wiredesk
from wiredesk.domain.settings import IngestSettings
from wiredesk.sources.warc import read_warc

from conftest import DATA, query
from support.warc import article_html, pages, record, response, write_warc


@pytest.fixture
def config(tmp_path) -> Path:
    """Small batches (an archive is read in several chunks), events off (not what is tested here)."""
    path = tmp_path / "wiredesk.toml"
    path.write_text("[ingest]\nbatch_size = 3\nworkers = 1\nmax_record_bytes = 20000\n[events]\nenabled = false\n")
    return path


def _ingest(paths, db, config):
    return wiredesk.ingest(paths, db=db, config=config)


def _failures(db):
    """The failures stored, in file order (by the offset after ``#``)."""
    rows = query(db, "SELECT origin, reason, message FROM failures")
    return sorted(rows, key=lambda r: (r[0].rsplit("#", 1)[0], int(r[0].rsplit("#", 1)[1]) if "#" in r[0] else -1))


def test_a_folder_of_archives_and_html_files_stores_every_html_response_once_with_its_url_and_fetch_date(
        tmp_path, db, config):
    folder = tmp_path / "in"
    folder.mkdir()
    extras = [record("warcinfo", "", b"software: test\r\n"),
              record("request", "https://news.example.org/story/0", b"GET /story/0 HTTP/1.1\r\n\r\n"),
              response("https://news.example.org/logo.png", b"\x89PNG\r\n\x1a\n", "image/png"),
              response("https://news.example.org/robots.txt", b"User-agent: *\r\n", "text/plain"),
              response("https://news.example.org/old", b"", status="301 Moved Permanently")]
    offsets = write_warc(folder / "crawl.warc.gz", pages(4) + extras)
    write_warc(folder / "more.warc", pages(2, start=4))
    (folder / "page.html").write_bytes((DATA / "article.html").read_bytes())
    summary = _ingest([folder], db, config)
    assert summary.ok and summary.counts.documents_new == 7 and summary.counts.items_failed == 0
    assert dict(summary.counts.records_skipped) == {"warcinfo": 1, "request": 1, "image/png": 1, "text/plain": 1,
                                                    "http 3xx": 1}
    rows = query(db, "SELECT origin, url, supplied_meta FROM documents WHERE origin LIKE '%crawl.warc.gz#%' "
                     "ORDER BY document_id")
    assert [r[0] for r in rows] == [f"{folder / 'crawl.warc.gz'}#{o}" for o in offsets[:4]]
    assert [r[1] for r in rows] == [f"https://news.example.org/story/{i}" for i in range(4)]
    meta = json.loads(rows[0][2])
    assert meta["fetched_at"] == "2024-03-05T10:11:12+00:00"
    assert meta["http"]["content_type"] == "text/html; charset=utf-8" and meta["http"]["warc_record_id"]
    assert query(db, "SELECT count(*) FROM documents WHERE origin LIKE '%more.warc#%'") == [(2,)]


def test_a_rerun_and_the_same_pages_in_another_archive_store_nothing_twice(tmp_path, db, config):
    first, second = tmp_path / "a.warc.gz", tmp_path / "b.warc.gz"
    write_warc(first, pages(5))
    write_warc(second, pages(5))  # the same URLs and bytes, recrawled into another archive
    assert _ingest([first], db, config).counts.documents_new == 5
    again = _ingest([first, second], db, config)
    assert (again.counts.documents_new, again.counts.documents_updated, again.counts.items_unchanged) == (0, 0, 10)
    assert query(db, "SELECT count(*), count(DISTINCT doc_key) FROM documents") == [(5, 5)]


def test_a_page_recrawled_with_new_text_becomes_the_next_version_of_its_url(tmp_path, db, config):
    old, new = tmp_path / "monday.warc.gz", tmp_path / "tuesday.warc.gz"
    write_warc(old, [response("https://news.example.org/story/1", article_html(1))])
    write_warc(new, [response("https://news.example.org/story/1", article_html(1, paragraphs=6))])
    _ingest([old], db, config)
    assert _ingest([new], db, config).counts.documents_updated == 1
    assert query(db, "SELECT version, is_current FROM documents ORDER BY version") == [(1, False), (2, True)]


def test_an_archive_written_by_warcio_is_read_like_one_written_by_hand(tmp_path, db, config):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "warcio.warc.gz"
    with path.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("warcio.warc.gz", {"software": "warcio"}))
        for i in range(3):
            body = article_html(i)
            # a server that compressed the page: the record keeps it as sent, the reader decodes it
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip"),
                                               ("Last-Modified", "Tue, 05 Mar 2024 09:00:00 GMT")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://news.example.org/story/{i}", "response",
                                                          payload=io.BytesIO(gzip.compress(body)), http_headers=http))
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 3 and dict(summary.counts.records_skipped) == {"warcinfo": 1}
    (meta,) = query(db, "SELECT supplied_meta FROM documents WHERE url LIKE '%/story/0'")
    assert json.loads(meta[0])["http"]["last_modified"] == "Tue, 05 Mar 2024 09:00:00 GMT"
    assert "council of harbour town 0" in query(db, "SELECT text FROM documents WHERE url LIKE '%/story/0'")[0][0]


# -- bad input: one failure at the offset, what was read before kept, the rest read ----------------------


@pytest.mark.parametrize("name", ["bad.warc.gz", "bad.warc"])
def test_a_record_with_a_broken_http_header_is_one_failure_at_its_offset_and_the_rest_is_read(
        tmp_path, db, config, name):
    broken = [response("https://news.example.org/x", b"<p>x</p>", head=b"\x00\x01 no status line\r\n\r\n"),
              response("https://news.example.org/y", b"", head=b"HTTP/1.1 200 OK\r\nContent-Type text/html\r\n\r\n")]
    path = tmp_path / name
    offsets = write_warc(path, pages(2) + broken + pages(2, start=2))
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 4
    assert _failures(db) == [
        (f"{path}#{offsets[2]}", "bad_http_header",
         f"at byte {offsets[2]:,}: no HTTP status line (first line b'\\x00\\x01 no status line\\r\\n')"),
        (f"{path}#{offsets[3]}", "bad_http_header",
         f"at byte {offsets[3]:,}: broken HTTP header line b'Content-Type text/html\\r\\n'")]


def test_a_gzip_member_cut_short_is_one_failure_and_the_records_before_it_are_kept(tmp_path, db, config):
    path = tmp_path / "cut.warc.gz"
    offsets = write_warc(path, pages(5))
    path.write_bytes(path.read_bytes()[:offsets[4] + 300])  # the file ends inside the fifth record
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 4
    ((origin, reason, message),) = _failures(db)
    assert (origin, reason) == (f"{path}#{offsets[4]}", "truncated") and message.startswith(f"at byte {offsets[4]:,}")
    # the same cut file again: nothing new, and the failure is not recorded twice
    again = _ingest([path], db, config)
    assert again.counts.items_unchanged == 4 and len(_failures(db)) == 1


def test_a_record_over_the_size_limit_is_one_failure_and_the_next_records_are_read(tmp_path, db, config):
    big = response("https://news.example.org/huge", article_html(99, paragraphs=200))  # ~40 KB > 20000 bytes
    path = tmp_path / "big.warc.gz"
    offsets = write_warc(path, pages(2) + [big] + pages(2, start=2))
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 4
    ((origin, reason, message),) = _failures(db)
    assert (origin, reason) == (f"{path}#{offsets[2]}", "too_large") and "ingest.max_record_bytes is 20,000" in message


@pytest.mark.parametrize("name", ["junk.warc.gz", "junk.warc"])
def test_garbage_bytes_between_records_are_one_failure_and_reading_resumes_at_the_next_record(
        tmp_path, db, config, name):
    path = tmp_path / name
    write_warc(path, pages(2))
    head = path.read_bytes()
    tail_path = tmp_path / ("tail" + name[4:])
    write_warc(tail_path, pages(3, start=2))
    garbage = b"\x00GARBAGE that is no record\r\n" * 40
    path.write_bytes(head + garbage + tail_path.read_bytes())
    tail_path.unlink()
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 5
    ((origin, reason, message),) = _failures(db)
    assert (origin, reason) == (f"{path}#{len(head)}", "garbage")
    assert f"{len(garbage):,} bytes that are no WARC record; reading resumes at byte {len(head) + len(garbage):,}" \
        in message


def test_an_archive_gzipped_as_one_stream_keeps_its_first_record_and_says_how_to_fix_it(tmp_path, db, config):
    path = tmp_path / "whole.warc.gz"
    path.write_bytes(gzip.compress(b"".join(pages(3))))
    summary = _ingest([path], db, config)
    assert summary.counts.documents_new == 1
    ((origin, reason, message),) = _failures(db)
    assert (origin, reason) == (str(path), "not_record_gzip") and "warcio recompress" in message


def test_a_record_over_the_limit_is_passed_over_without_holding_it_in_memory(tmp_path):
    # 64 MiB of text that compresses like a page does (a run of one byte would be a gzip bomb: warcio inflates
    # each 16 KiB block of a member at once, docs/files.md)
    huge = response("https://news.example.org/huge", b"<p>" + base64.b64encode(random.Random(1).randbytes(48 << 20))
                    + b"</p>")
    path = tmp_path / "huge.warc.gz"
    write_warc(path, [huge] + pages(1))
    del huge
    tracemalloc.start()
    try:
        chunk = read_warc(path, 0, IngestSettings(max_record_bytes=1 << 20), max_records=10)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [f.reason for f in chunk.failures] == ["too_large"] and len(chunk.items) == 1
    assert peak < 8 << 20, f"peak {peak:,} bytes while reading past a 64 MiB record"


def test_a_page_in_the_charset_its_http_header_names_reads_the_same_when_ingested_and_reprocessed(tmp_path, db,
                                                                                                config, capsys):
    from wiredesk.cli import main

    body = article_html(1).replace(b"harbour town", "Zürich’s harbour town".encode("cp1252"))
    path = tmp_path / "latin.warc.gz"
    write_warc(path, [response("https://news.example.org/zurich", body, "text/html; charset=windows-1252")])
    _ingest([path], db, config)
    (before,) = query(db, "SELECT text FROM documents")
    assert "Zürich’s harbour town" in before[0]
    assert main(["reprocess", "--db", db, "--config", str(config)]) == 0
    capsys.readouterr()
    assert query(db, "SELECT text FROM documents") == [before]
    assert query(db, "SELECT count(*) FROM failures") == [(0,)]
