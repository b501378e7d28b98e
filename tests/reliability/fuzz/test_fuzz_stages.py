"""Fuzzing the stages that read untrusted input: each returns a result or raises only its documented
per-item error (with a reason); nothing else may escape.

Run in CI with the ``ci`` Hypothesis profile (modest example counts); ``make reliability`` runs the
same tests with ``WIREDESK_FUZZ_PROFILE=slow`` (large counts) and ``--hypothesis-show-statistics``
for the iteration figures in docs/reliability.md.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from wiredesk.clean.cleaner import HtmlCleaner, TextCleaner
from wiredesk.domain.dates import parse_published
from wiredesk.sources.entries import KnownEntries, entry_keys, fingerprint, plan_entries
from wiredesk.domain.errors import BadInputError, CleanError, FeedError
from wiredesk.events.dates import resolve_date
from wiredesk.sources.feeds.collect import decode_html
from wiredesk.domain.dates import parse_published as parse_date
from wiredesk.sources.feeds.model import FeedEntry, ParsedFeed
from wiredesk.sources.feeds.opml import parse_opml
from wiredesk.sources.feeds.parse import parse_feed
from wiredesk.sources.feeds.sitemap import SitemapIndex, parse_sitemap
from wiredesk.sources.files import decode, load_files, split_front_matter
from wiredesk.domain.models import Article, Failure, InputItem, ItemMeta
from wiredesk.domain.normalize import scrub_surrogates
from wiredesk.clean.paragraphs import paragraphs_from_text
from wiredesk.pipeline.stages import clean_one
from wiredesk.domain.settings import CleanSettings, IngestSettings
from wiredesk.domain.urls import canonical_url, host_of, is_http_url

from .strategies import FEEDS, HTML, OPML, SITEMAP, SITEMAP_INDEX, XML_DOCS, corpus_documents, documents, mutated, nasty_text

FEED_SEEDS = FEEDS + corpus_documents()
HTML_SEEDS = [HTML, b"<html><body><article><h1>T</h1><p>One paragraph of text long enough to keep.</p>"
                    b"<figure><img src=a.jpg><figcaption>A caption. Photo: AP</figcaption></figure></article></body></html>"]


def _item(content: str, kind: str = "html") -> InputItem:
    raw = content.encode("utf-8", "surrogatepass")
    return InputItem(origin="fuzz", kind=kind, content=content, raw=raw, raw_sha256=hashlib.sha256(raw).hexdigest(),
                     meta=ItemMeta())


@given(documents(FEED_SEEDS), st.sampled_from(["", "application/rss+xml", "application/json", "text/html; charset=utf-8"]))
def test_parse_feed_returns_a_feed_or_a_feed_error(data, content_type):
    try:
        feed = parse_feed(data, "https://example.com/feed", content_type)
    except FeedError as exc:
        assert exc.reason
        return
    assert isinstance(feed, ParsedFeed)
    for entry in feed.entries:  # what the entries feed into must hold too
        entry_keys(entry, "https://example.com/feed")
        fingerprint(entry)
    plans = plan_entries(feed.entries, "https://example.com/feed", KnownEntries())
    assert [p.action for p in plans if p.action not in ("new", "skipped")] == []


@given(documents(XML_DOCS + [SITEMAP, SITEMAP_INDEX]))
def test_parse_sitemap_returns_entries_or_an_index_or_a_feed_error(data):
    try:
        result = parse_sitemap(data, "https://example.com/sitemap.xml", max_decoded_bytes=1_000_000)
    except FeedError as exc:
        assert exc.reason
        return
    assert isinstance(result, (ParsedFeed, SitemapIndex))


@given(documents(XML_DOCS + [OPML]))
def test_parse_opml_returns_subscriptions_or_a_feed_error(data):
    try:
        subs = parse_opml(data)
    except FeedError as exc:
        assert exc.reason
        return
    assert isinstance(subs, list)


@given(documents(HTML_SEEDS), st.text(max_size=60))
def test_decode_html_always_returns_text(data, content_type):
    assert isinstance(decode_html(data, content_type), str)


@given(documents(HTML_SEEDS + FEEDS), st.sampled_from(["html", "text", "json"]),
       st.sampled_from(["", "cp1252", "latin-1", "utf-16", "no-such-codec", "rot13"]))
def test_file_decoding_returns_text_or_a_bad_input_error(data, kind, fallback):
    try:
        assert isinstance(decode(data, kind, fallback), str)
    except BadInputError as exc:
        assert exc.reason in ("empty", "binary", "decode")


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(documents(HTML_SEEDS))
def test_html_cleaning_returns_an_article_or_a_clean_error(data):
    item = _item(decode_html(data, ""))
    try:
        article = HtmlCleaner().clean(item)
    except CleanError as exc:
        assert exc.reason
        return
    assert isinstance(article, Article)
    assert all(p.text.strip() for p in article.paragraphs)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(nasty_text, documents(HTML_SEEDS).map(lambda b: b.decode("utf-8", "surrogateescape"))),
       st.sampled_from(["html", "text", "markdown"]))
def test_the_clean_stage_never_raises(content, kind):
    result = clean_one(_item(content, kind), CleanSettings())
    assert isinstance(result, (Article, Failure))
    if isinstance(result, Failure):
        assert result.reason and result.stage == "clean"


@given(nasty_text)
def test_text_paragraphs_and_front_matter_never_raise(text):
    paragraphs = paragraphs_from_text(text)
    assert all(p.role in ("body", "caption", "credit", "boilerplate") for p in paragraphs)
    meta, body = split_front_matter(text)
    assert isinstance(meta, dict) and isinstance(body, str)
    try:
        TextCleaner().clean(_item(text, "text"))
    except CleanError as exc:
        assert exc.reason


@given(st.one_of(nasty_text, st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                 st.sampled_from(["2019-12-31", "31/12/2019", "Tue, 31 Dec 2019 10:00:00 GMT", "0000-00-00",
                                  "9999-99-99T99:99:99Z", "-1", "1e309", "yesterday"])))
def test_publication_dates_parse_or_are_none(value):
    parsed = parse_published(value)
    assert parsed is None or isinstance(parsed, datetime)
    if isinstance(value, str):
        d = parse_date(value)
        assert d is None or isinstance(d, datetime)


@given(nasty_text, st.none() | st.datetimes(timezones=st.just(UTC)), st.booleans())
def test_event_date_expressions_resolve_or_are_none(expression, published, future):
    resolve_date(expression, published, future=future)


@given(st.one_of(nasty_text, st.builds(lambda s, h, p, q: f"{s}://{h}/{p}?{q}",
                                       st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", ""]),
                                       st.text(max_size=30), st.text(max_size=30), st.text(max_size=30))))
def test_url_normalization_never_raises(url):
    assume(isinstance(url, str))
    canonical = canonical_url(url)
    assert isinstance(canonical, str)
    is_http_url(url)
    if is_http_url(url):
        assert isinstance(host_of(url), str)
        assert canonical_url(canonical) == canonical  # idempotent


# Entries come from the parsers, which never return lone surrogates (feedparser refuses them, JSON is scrubbed).
entry_text = st.none() | nasty_text.map(scrub_surrogates)


@given(st.builds(FeedEntry, guid=entry_text, link=entry_text, title=entry_text, summary=entry_text, content=entry_text))
def test_entry_identity_never_raises(entry):
    keys = entry_keys(entry, "https://example.com/feed")
    assert all(k.startswith(("guid:", "url:", "content:")) for k in keys.all)  # none: planned as skipped
    assert isinstance(fingerprint(entry), str)


# -- file loading: a folder of fuzzed files -------------------------------------------------------

NAMES = st.sampled_from(["a.html", "b.htm", "c.txt", "d.md", "e.json", "f.jsonl", "g.txt.meta.json", "c.meta.json",
                         "README.md", ".hidden.txt", "h.HTML"])
JSON_SEEDS = [json.dumps({"text": "A record with text.", "url": "https://e.org/1", "published": "2019-12-31"}).encode(),
              json.dumps([{"html": "<p>x</p>"}, {"text": 5}, None, {"title": "no text"}]).encode(),
              b'{"text": "one"}\n{"html": "<p>two</p>", "published": 1e300}\n\nnot json\n']
FILE_SEEDS = HTML_SEEDS + JSON_SEEDS + [b"---\ntitle: T\npublished: 2019-12-31\n---\nBody text here.\n",
                                        b"Plain text.\n\nSecond paragraph.\n"]


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(NAMES, documents(FILE_SEEDS)), min_size=1, max_size=8))
def test_loading_a_folder_of_fuzzed_files_never_raises(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzzfiles")
    for name, data in files:
        (folder / name).write_bytes(data)
    from wiredesk.sources.files import discover

    paths, missing = discover([folder])
    assert not missing
    loaded = load_files(paths, IngestSettings(max_record_bytes=100_000, fallback_encoding=""))
    for failure in loaded.failures:
        assert failure.reason and failure.message and failure.stage == "load"
    for item in loaded.items:
        assert item.kind in ("html", "text", "markdown")


# -- the whole pipeline ----------------------------------------------------------------------------

RUN_EXAMPLES = 40 if os.environ.get("WIREDESK_FUZZ_PROFILE") == "slow" else 4  # each is a whole run


@pytest.mark.parametrize("_", [0])
@settings(max_examples=RUN_EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
          deadline=None)
@given(st.lists(st.tuples(NAMES, documents(FILE_SEEDS)), min_size=1, max_size=6))
def test_a_run_over_fuzzed_files_stores_failures_with_reasons_and_ingests_the_good_ones(_, tmp_path_factory, files):
    import duckdb

    from wiredesk.pipeline.ingest import run_ingest
    from wiredesk.domain.settings import EventsSettings, Settings

    folder = tmp_path_factory.mktemp("fuzzrun")
    for i, (name, data) in enumerate(files):
        (folder / f"{i}-{name}").write_bytes(data)
    good = folder / "good.txt"
    good.write_text("The harbour council approved the new pier on Tuesday after a long debate about its cost.\n")
    db = folder.parent / f"{folder.name}.duckdb"
    settings_ = Settings(db_path=str(db), ingest=IngestSettings(workers=1), events=EventsSettings(enabled=False))
    summary = run_ingest([str(folder)], settings_)
    con = duckdb.connect(str(db), read_only=True)
    try:
        failures = con.execute("SELECT reason, message FROM failures").fetchall()
        origins = {r[0] for r in con.execute("SELECT origin FROM documents").fetchall()}
    finally:
        con.close()
    assert str(good) in origins  # the good file is in, whatever came with it
    assert all(reason and message for reason, message in failures)
    assert len(failures) == summary.counts.items_failed
