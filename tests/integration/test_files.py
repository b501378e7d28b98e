"""Loading article files: every supported type, metadata sources, and bad files recorded, not fatal."""

import json
from datetime import datetime, timezone

import pytest

from wiredesk.domain.errors import MissingPathError
from wiredesk.sources.files import discover, load_files
from wiredesk.domain.settings import IngestSettings

from conftest import DATA, SEEDS


def _load(paths, **settings):
    return load_files(paths, IngestSettings(**settings))


def test_discover_walks_folders_skips_sidecars_hidden_and_readme(tmp_path):
    (tmp_path / "a.html").write_text("<p>x</p>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("x")
    (tmp_path / "sub" / "b.md.meta.json").write_text("{}")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "notes.docx").write_bytes(b"x")
    found, failures = discover([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.html", "sub/b.md"]
    assert failures == []


def test_missing_path_is_an_error_and_explicit_unsupported_file_a_failure(tmp_path):
    with pytest.raises(MissingPathError, match="no such file or directory"):
        discover([tmp_path / "nope"])
    odd = tmp_path / "x.pdf"
    odd.write_bytes(b"%PDF")
    found, failures = discover([odd])
    assert found == [] and failures[0].reason == "unsupported"


def test_seed_text_files_take_metadata_from_sidecars():
    loaded = _load(sorted(SEEDS.glob("*.txt")))
    assert not loaded.failures
    ap, sun = loaded.items
    assert (ap.kind, ap.meta.source) == ("text", "Associated Press (via Yahoo News)")
    assert sun.meta.source == "The Sun"
    assert ap.meta.published_at == datetime(2019, 12, 31, tzinfo=timezone.utc)
    assert ap.doc_key == ap.origin  # no URL known: the file is the identity


def test_html_file_is_loaded_as_html_with_its_bytes_hashed():
    (item,) = _load([DATA / "article.html"]).items
    assert item.kind == "html" and "<article>" in item.content
    assert len(item.raw_sha256) == 64 and item.raw == (DATA / "article.html").read_bytes()


def test_markdown_front_matter_supplies_metadata(tmp_path):
    md = tmp_path / "story.md"
    md.write_text("---\nurl: https://example.org/s\nsource: Example Post\npublished: 2024-05-01T08:00:00Z\n---\n# Title\n\nBody text here.\n")
    (item,) = _load([md]).items
    assert item.kind == "markdown"
    assert item.meta.url == "https://example.org/s" and item.doc_key == "https://example.org/s"
    assert item.meta.source == "Example Post"
    assert item.meta.published_at == datetime(2024, 5, 1, 8, tzinfo=timezone.utc)
    assert "url:" not in item.content


def test_json_object_list_and_jsonl_records_each_become_items(tmp_path):
    (tmp_path / "one.json").write_text(json.dumps({"text": "Only record.", "title": "T", "source": "S"}))
    (tmp_path / "many.json").write_text(json.dumps([{"html": "<p>a</p>"}, {"text": "b"}, {"nothing": 1}]))
    (tmp_path / "feed.jsonl").write_text('{"text": "first", "url": "https://e.org/1"}\n\nnot json\n{"text": "third"}\n')
    loaded = _load([tmp_path / "one.json", tmp_path / "many.json", tmp_path / "feed.jsonl"])
    assert [i.origin.rsplit("/", 1)[-1] for i in loaded.items] == [
        "one.json", "many.json#0", "many.json#1", "feed.jsonl#1", "feed.jsonl#4"
    ]
    assert [i.kind for i in loaded.items] == ["text", "html", "text", "text", "text"]
    assert loaded.items[0].meta.title == "T"
    assert {(f.origin.rsplit("/", 1)[-1], f.reason) for f in loaded.failures} == {
        ("many.json#2", "no_text_field"), ("feed.jsonl#3", "bad_json")
    }


@pytest.mark.parametrize(
    "content, reason",
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("caf\u00e9 au lait, s'il vous pla\u00eet".encode("latin-1"), "decode"),
    ],
)
def test_bad_files_are_failures_with_a_reason_and_the_rest_still_load(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    good = tmp_path / "good.txt"
    good.write_text("A good paragraph of text.")
    loaded = _load([bad, good])
    assert [f.reason for f in loaded.failures] == [reason]
    assert [i.origin for i in loaded.items] == [str(good)]


def test_too_large_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.html"
    big.write_bytes(b"<p>" + b"x" * 5000 + b"</p>")
    loaded = _load([big], max_file_bytes=1000)
    assert loaded.failures[0].reason == "too_large" and "1,000" in loaded.failures[0].message


def test_fallback_encoding_setting_reads_legacy_text(tmp_path):
    f = tmp_path / "legacy.txt"
    f.write_bytes("Caf\u00e9 prices rose.".encode("cp1252"))
    (item,) = _load([f], fallback_encoding="cp1252").items
    assert item.content == "Caf\u00e9 prices rose."


def test_html_declared_charset_is_honoured(tmp_path):
    f = tmp_path / "old.html"
    f.write_bytes('<html><head><meta charset="iso-8859-1"></head><body><p>Sm\u00f8rrebr\u00f8d</p></body></html>'.encode("latin-1"))
    (item,) = _load([f]).items
    assert "Sm\u00f8rrebr\u00f8d" in item.content


def test_bad_sidecar_costs_only_its_file(tmp_path):
    (tmp_path / "a.txt").write_text("Text A.")
    (tmp_path / "a.txt.meta.json").write_text("{not json")
    (tmp_path / "b.txt").write_text("Text B.")
    loaded = _load([tmp_path / "a.txt", tmp_path / "b.txt"])
    assert [f.reason for f in loaded.failures] == ["bad_sidecar"]
    assert [i.content for i in loaded.items] == ["Text B."]


def test_one_enormous_jsonl_line_is_refused_without_being_read_whole(tmp_path):
    # Regression: `for line in fh` read a whole line before checking max_record_bytes, so one 20 MB line
    # (or a multi-GB file without a newline) was held in memory at once.
    import tracemalloc

    path = tmp_path / "feed.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"text": "before the big one"}\n')
        fh.write(b'{"text": "' + b"x" * 20_000_000 + b'"}\n')
        fh.write(b'{"text": "after the big one"}\n')
        fh.write(b'{"text": "' + b"y" * 5_000_000)  # and a long last line without a newline
    tracemalloc.start()
    try:
        loaded = _load([path], max_record_bytes=1000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [i.content for i in loaded.items] == ["before the big one", "after the big one"]
    assert [(f.origin.rsplit("#", 1)[1], f.reason) for f in loaded.failures] == [("2", "too_large"), ("4", "too_large")]
    assert "20,000,013 bytes" in loaded.failures[0].message  # with its newline, as before
    assert peak < 4_000_000, f"peak Python allocation {peak:,} bytes while reading"


def test_lone_surrogates_in_json_become_replacement_characters_not_a_crashed_run(tmp_path):
    # Regression (found by fuzzing): "\ud800" in a JSON record reached spaCy/DuckDB as a lone surrogate,
    # which no UTF-8 encoder accepts, and stopped the whole run with a traceback.
    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.domain.settings import Settings

    path = tmp_path / "a.jsonl"
    path.write_text('{"text": "Bad \\ud800 surrogate in a record that is long enough to be news.", "title": "T\\udfff"}\n'
                    '{"text": "A good record about the harbour council meeting on Tuesday evening."}\n')
    summary = run_ingest([str(path)], Settings(db_path=str(tmp_path / "s.duckdb")))
    assert summary.counts.documents_new == 2
    loaded = _load([path])
    assert loaded.items[0].content.startswith("Bad \ufffd surrogate") and loaded.items[0].meta.title == "T\ufffd"


def test_json_feed_strings_are_scrubbed_of_lone_surrogates():
    from wiredesk.sources.feeds.jsonfeed import parse_json_feed

    feed = parse_json_feed(b'{"version": "https://jsonfeed.org/version/1.1", "title": "a\\ud800", "items": '
                           b'[{"id": "1", "content_text": "x\\udc00y"}]}', "https://e.org/feed.json")
    assert feed.title == "a\ufffd" and "\ufffd" in (feed.entries[0].content or feed.entries[0].summary or "")
