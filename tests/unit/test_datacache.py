"""The per-user cache of tables built from packaged data (``wiredesk.domain.datacache``), and the two tables
kept there: the event gazetteer and the stories' place index, the same whether built or read back."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wiredesk.domain.datacache import cache_dir, cached
from wiredesk.events.places import Gazetteer
from wiredesk.stories import load_place_index


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("WIREDESK_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_a_table_is_built_once_then_read_back_from_the_users_cache(home, tmp_path):
    source = tmp_path / "builder.py"
    source.write_text("v1")
    builds = []

    def build():
        builds.append(1)
        return {"paris": ("g:2988507", "c:FRA"), "n": [1, 2.5, None]}

    first = cached("t", (str(source),), ("pkg/1",), build)
    again = cached("t", (str(source),), ("pkg/1",), build)
    assert first == again == {"paris": ("g:2988507", "c:FRA"), "n": [1, 2.5, None]}
    assert len(builds) == 1
    assert cache_dir() == home / "cache" and len(list(cache_dir().glob("t-*.marshal"))) == 1


def test_a_change_of_the_building_code_or_of_the_data_version_builds_the_table_again(home, tmp_path):
    source = tmp_path / "builder.py"
    source.write_text("v1")
    assert cached("t", (str(source),), ("pkg/1",), lambda: "one") == "one"
    assert cached("t", (str(source),), ("pkg/2",), lambda: "two") == "two"
    source.write_text("v2")
    assert cached("t", (str(source),), ("pkg/1",), lambda: "three") == "three"
    assert cached("t", (str(source),), ("pkg/1",), lambda: "not built") == "three"


def test_a_damaged_copy_is_built_again_and_an_unwritable_home_only_costs_the_build(home, tmp_path, monkeypatch):
    source = tmp_path / "builder.py"
    source.write_text("v1")
    cached("t", (str(source),), (), lambda: [1, 2, 3])
    (kept,) = cache_dir().glob("t-*.marshal")
    kept.write_bytes(b"\x00garbage")
    assert cached("t", (str(source),), (), lambda: [4]) == [4]
    assert cached("t", (str(source),), (), lambda: [5]) == [4]  # the damaged copy was replaced
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the home folder should be")
    monkeypatch.setenv("WIREDESK_HOME", str(blocked))
    assert cached("t", (str(source),), (), lambda: [6]) == [6]
    assert cached("t", (str(source),), (), lambda: [7]) == [7]  # nothing kept, nothing raised


def test_the_gazetteer_and_the_place_index_read_from_the_cache_equal_the_ones_built(home):
    built_gazetteer, built_places = Gazetteer(), load_place_index()
    assert len(list(cache_dir().glob("*.marshal"))) == 2
    read_gazetteer, read_places = Gazetteer(), load_place_index()
    for name in ("Basra", "Paris", "the United States", "Texas", "Mosul", "nowhere-at-all"):
        assert read_gazetteer.lookup(name) == built_gazetteer.lookup(name)
    assert read_gazetteer.lookup("Basra").country == "IRQ"
    assert read_gazetteer.country_names() == built_gazetteer.country_names()
    assert read_places == built_places and read_places.lookup("München") == ("g:2867714", "c:DEU")


def test_the_language_detector_read_from_the_cache_detects_as_the_one_unpacked_from_py3langid(home):
    script = ("from wiredesk.clean.language import detect_language\n"
              "for t in ('Die Brücke wurde am Dienstag nach drei Jahren Reparatur wieder eröffnet.',\n"
              "          'The council opened the new bridge on Tuesday after three years of repairs.',\n"
              "          'Le conseil a rouvert le pont mardi après trois ans de travaux.'):\n"
              "    print(*detect_language(t))\n")
    env = dict(os.environ, WIREDESK_HOME=str(home))
    built = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert len(list(cache_dir().glob("langid-*.marshal"))) == 1
    read = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert built.returncode == read.returncode == 0, built.stderr + read.stderr
    assert [line.split()[0] for line in built.stdout.splitlines()] == ["de", "en", "fr"]
    assert read.stdout == built.stdout
