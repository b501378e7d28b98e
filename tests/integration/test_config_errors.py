"""Every configuration mistake, through the CLI: one line naming the key and the problem, exit 2, no database.

Table-driven: each row is a settings file (and optionally a sources file) with one mistake, the command
that reads it, and the words the one-line message must contain. Cron strings are validated by the
scheduling work (``[schedule]``), not here.
"""

from __future__ import annotations

import pytest

from wiredesk.cli import main

ARTICLE = "The council met on Tuesday and approved the harbour budget for next year after a long debate.\n"

#: (id, wiredesk.toml text, sources.toml text or None, words the message must contain)
CASES = [
    ("toml_syntax", "[ingest\nbatch_size = 5\n", None, ["not valid TOML"]),
    ("toml_duplicate_key", "[ingest]\nbatch_size = 5\nbatch_size = 6\n", None, ["not valid TOML"]),
    ("not_utf8", b"[ingest]\nfallback_encoding = \"\xff\xfe\"\n", None, ["not valid TOML"]),
    ("unknown_section", "[extract]\nx = 1\n", None, ["unknown section [extract]", "known: database"]),
    ("unknown_key", "[ingest]\nbatch_sise = 5\n", None, ["'ingest.batch_sise'", "known: batch_size"]),
    ("unknown_http_key", "[http]\ntimeout = 5\n", None, ["'http.timeout'", "total_timeout"]),
    ("section_not_table", "ingest = 5\n", None, ["[ingest] must be a table"]),
    ("database_key", "[database]\nfile = \"x.duckdb\"\n", None, ["[database] takes only 'path'"]),
    ("database_empty_path", "[database]\npath = \"\"\n", None, ["'database.path'", "non-empty string"]),
    ("string_for_int", "[ingest]\nbatch_size = \"5\"\n", None, ["'ingest.batch_size'", "must be int"]),
    ("float_for_int", "[ingest]\nbatch_size = 1e3\n", None, ["'ingest.batch_size'", "must be int"]),
    ("bool_for_int", "[http]\nmax_bytes = true\n", None, ["'http.max_bytes'", "must be int"]),
    ("string_for_bool", "[clean]\nfavor_precision = \"yes\"\n", None, ["'clean.favor_precision'", "must be bool"]),
    ("zero_batch", "[ingest]\nbatch_size = 0\n", None, ["'ingest.batch_size'", "greater than 0"]),
    ("negative_timeout", "[http]\ntotal_timeout = -1\n", None, ["'http.total_timeout'", "greater than 0"]),
    ("nan_timeout", "[http]\ntotal_timeout = nan\n", None, ["'http.total_timeout'", "finite"]),
    ("inf_delay", "[http]\nper_host_delay = inf\n", None, ["'http.per_host_delay'", "finite"]),
    ("negative_redirects", "[http]\nmax_redirects = -1\n", None, ["'http.max_redirects'", "0 or more"]),
    ("string_for_list", "[http]\nallow_networks = \"10.0.0.0/8\"\n", None, ["'http.allow_networks'", "list of strings"]),
    ("bad_cidr", "[http]\nallow_networks = [\"10.0.0.0/33\"]\n", None, ["http.allow_networks", "not an IP network"]),
    ("bad_backend", "[events]\nbackend = \"gpu\"\n", None, ["'events.backend'", "auto, spacy or rules"]),
    ("bad_role", "[dedup]\nroles = [\"sidebar\"]\n", None, ["'dedup.roles'", "sidebar"]),
    ("bands_do_not_divide", "[dedup]\nbands = 7\n", None, ["dedup.bands", "dedup.num_perm"]),
    ("source_ftp_url", "", "[[source]]\nurl = \"ftp://example.com/feed\"\n", ["source[0].url", "http(s) URL"]),
    ("source_no_scheme", "", "[[source]]\nurl = \"example.com/feed\"\n", ["source[0].url", "http(s) URL"]),
    ("source_broken_ipv6", "", "[[source]]\nurl = \"http://[::1/feed\"\n", ["source[0].url", "http(s) URL"]),
    ("source_url_not_string", "", "[[source]]\nurl = 5\n", ["source[0].url", "http(s) URL"]),
    ("source_unknown_key", "", "[[source]]\nurl = \"http://example.com/f\"\ncolour = 1\n", ["source[0]", "unknown key(s) colour"]),
    ("source_bad_interval", "", "[[source]]\nurl = \"http://example.com/f\"\ninterval = \"soon\"\n", ["source[0].interval", "duration"]),
    ("source_short_interval", "", "[[source]]\nurl = \"http://example.com/f\"\ninterval = \"10s\"\n", ["source[0].interval", "minimum"]),
    ("source_bad_kind", "", "[[source]]\nurl = \"http://example.com/f\"\nkind = \"podcast\"\n", ["source[0].kind", "feed, sitemap, site"]),
    ("source_duplicate_url", "", "[[source]]\nurl = \"http://example.com/f\"\nname = \"a\"\n[[source]]\nurl = \"http://example.com/f\"\nname = \"b\"\n",
     ["source[1].url", "already used"]),
    ("sources_unknown_table", "", "[[sources]]\nurl = \"http://example.com/f\"\n", ["unknown table(s) sources"]),
    ("sources_toml_syntax", "", "[[source]\nurl = 1\n", ["invalid TOML"]),
]


@pytest.mark.parametrize("config_text, sources_text, words", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_a_config_mistake_is_one_line_naming_the_key_and_exits_2(config_text, sources_text, words, tmp_path, capsys,
                                                                   monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = tmp_path / "wiredesk.toml"
    if sources_text is not None:
        (tmp_path / "sources.toml").write_text(sources_text)
        config_text += f'[feeds]\nsources_file = "{tmp_path / "sources.toml"}"\n'
    config.write_bytes(config_text if isinstance(config_text, bytes) else config_text.encode())
    (tmp_path / "a.txt").write_text(ARTICLE)
    db = tmp_path / "news.duckdb"
    # A sources file is read by runs that fetch feeds: give one a URL (nothing is fetched, the file fails first).
    target = "http://127.0.0.1:9/feed" if sources_text is not None else str(tmp_path / "a.txt")
    code = main(["run", "--no-prefect", "-q", "--config", str(config), "--db", str(db), target])
    out, err = capsys.readouterr()
    assert code == 2, out
    assert err.count("\n") == 1 and err.startswith("wiredesk: error: "), err
    for word in words:
        assert word in err, err
    assert "Traceback" not in err
    if sources_text is None:
        assert not db.exists()  # settings are validated before the database is opened


def test_query_and_stats_validate_the_config_too(tmp_path, capsys):
    config = tmp_path / "w.toml"
    config.write_text("[ingest]\nbatch_sise = 5\n")
    for argv in (["query", "SELECT 1"], ["stats"]):
        assert main([*argv, "--config", str(config), "--db", str(tmp_path / "x.duckdb")]) == 2
        assert "'ingest.batch_sise'" in capsys.readouterr().err
