"""Settings: the example file is the defaults; every mistake is one message naming the key."""

from dataclasses import fields

import pytest

from wiredesk.domain.errors import ConfigError
from wiredesk.domain.settings import SECTIONS, Settings, load_settings, settings_from_dict

from conftest import REPO


def test_example_config_lists_exactly_the_defaults():
    assert load_settings(REPO / "config" / "wiredesk.example.toml") == Settings()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"ingest": {"batch_sise": 5}}, "unknown setting 'ingest.batch_sise'"),
        ({"ingest": {"batch_size": "5"}}, "setting 'ingest.batch_size' must be int"),
        ({"ingest": {"batch_size": 0}}, "must be greater than 0"),
        ({"ingest": {"workers": -1}}, "setting 'ingest.workers' must be 0"),
        ({"clean": {"favor_precision": "yes"}}, "setting 'clean.favor_precision' must be bool"),
        ({"dedup": {"roles": ["body", "sidebar"]}}, "unknown role(s) ['sidebar']"),
        ({"extract": {}}, "unknown section [extract]"),
        ({"database": {"file": "x"}}, "section [database] takes only 'path'"),
    ],
)
def test_invalid_settings_name_the_key_and_the_problem(data, message):
    with pytest.raises(ConfigError) as err:
        settings_from_dict(data)
    assert message in str(err.value)


def test_every_section_and_setting_is_documented_in_the_configuration_doc():
    doc = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    keys = ["database.path", "database.write_wait_seconds"]
    keys += [f"{section}.{f.name}" for section, cls in SECTIONS.items() for f in fields(cls)]
    missing = [key for key in keys if f"`{key}`" not in doc]
    assert not missing, f"settings missing from docs/configuration.md: {missing}"


@pytest.mark.parametrize("data, message", [
    ({"database": {"write_wait_seconds": -1}}, "'database.write_wait_seconds' must be a number of seconds"),
    ({"runner": {"batches_ahead": -1}}, "'runner.batches_ahead' must be 0 or more"),
    ({"http": {"max_retry_after": "30"}}, "'http.max_retry_after' must be float"),
])
def test_the_limits_that_were_constants_are_checked_like_every_setting(data, message):
    with pytest.raises(ConfigError, match=message):
        settings_from_dict(data)


def test_file_errors_name_the_file(tmp_path):
    bad = tmp_path / "w.toml"
    bad.write_text("[ingest\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "missing.toml")


def test_wiredesk_toml_in_the_working_directory_is_read(tmp_path, monkeypatch):
    (tmp_path / "wiredesk.toml").write_text('[database]\npath = "elsewhere.duckdb"\n[ingest]\nbatch_size = 7\n')
    monkeypatch.chdir(tmp_path)
    s = load_settings()
    assert (s.db_path, s.ingest.batch_size) == ("elsewhere.duckdb", 7)
