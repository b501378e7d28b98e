"""Cleaning for the world's news: all article text kept, captions in place without link lists, roles and
furniture in many languages, and a language for every document. Pages are small ones the tests write."""

import subprocess
import sys

import trafilatura

from wiredesk.clean.cleaner import clean_item
from wiredesk.clean.furniture import RULES, parse_rules, site_furniture
from wiredesk.clean.language import document_language, normalize_language
from wiredesk.clean.paragraphs import Block, assign_roles, split_credit
from wiredesk.domain.models import InputItem, ItemMeta
from wiredesk.domain.normalize import normalize_for_match
from wiredesk.domain.settings import IngestSettings
from wiredesk.sources.files import load_files

DE = [
    "Die Stadtverwaltung hat am Dienstag die neue Brücke über den Fluss eröffnet, nachdem die Bauarbeiten drei "
    "Jahre gedauert hatten und mehrfach verschoben worden waren.",
    "Bürgermeisterin Anna Keller sprach von einem großen Tag für die Pendler, die seit Jahren lange Umwege "
    "fahren mussten und nun wieder direkt in die Innenstadt gelangen.",
    "Die Kosten lagen bei 48 Millionen Euro, deutlich über der ersten Schätzung von 30 Millionen Euro, wie der "
    "Rechnungshof im Frühjahr in seinem Bericht kritisiert hatte.",
    "Nach Angaben der Verkehrsbetriebe sollen ab Montag auch die Straßenbahnen wieder über die Brücke fahren, "
    "zunächst im Zehn-Minuten-Takt und ab Juni im Fünf-Minuten-Takt.",
]


def _html_item(html: str, **meta) -> InputItem:
    return InputItem(origin="page.html", kind="html", content=html, raw=html.encode(), raw_sha256="-",
                     meta=ItemMeta(**meta))


def _page(body: str, lang: str = "de", title: str = "Brücke eröffnet") -> str:
    return (f"<html lang='{lang}'><head><title>{title}</title></head><body><nav><a href='/'>Start</a></nav>"
            f"<main><article><h1>{title}</h1>{body}</article></main><footer>Impressum</footer></body></html>")


def _roles(article) -> list[tuple[str, str]]:
    return [(p.role, p.text) for p in article.paragraphs]


def test_german_text_left_loose_between_blocks_is_kept_in_the_body():
    # trafilatura returns the second and fourth paragraphs as tails after <p> elements: none may be lost
    page = _page(f"<p>{DE[0]}</p><span>{DE[1]}</span><p>{DE[2]}</p>{DE[3]}")
    article = clean_item(_html_item(page))
    assert [p.text for p in article.paragraphs if p.role == "body"] == DE
    bare = (trafilatura.extract(page) or "").split()
    assert article.text.split() == bare[2:]  # all of trafilatura's words but the headline (metadata here)


def test_paragraphs_written_with_double_line_breaks_are_separate_and_words_are_not_glued():
    page = _page(f"<div>{DE[0]}<br><br>{DE[1]}<br><br>{DE[2]}<br>{DE[3]}</div>")
    body = [p.text for p in clean_item(_html_item(page)).paragraphs if p.role == "body"]
    assert body == [DE[0], DE[1], f"{DE[2]} {DE[3]}"]


def test_figure_caption_is_placed_where_the_figure_stands_with_its_german_credit_split_off():
    page = _page(f"<p>{DE[0]}</p><figure><img src='bruecke.jpg'><figcaption>Radfahrer auf der neuen Brücke am "
                 f"Dienstag. Foto: Dan Bashakov/AP</figcaption></figure><p>{DE[1]}</p><p>{DE[2]}</p>")
    roles = _roles(clean_item(_html_item(page)))
    assert roles[:4] == [("body", DE[0]), ("caption", "Radfahrer auf der neuen Brücke am Dienstag."),
                         ("credit", "Dan Bashakov/AP"), ("body", DE[1])]


def test_teaser_figures_of_a_related_list_after_the_article_are_not_taken_in():
    teasers = "".join(
        f"<li><figure><img src='t{i}.jpg'><figcaption>Teaserbild {i} zu einem anderen Artikel der Redaktion"
        f"</figcaption></figure><a href='/artikel-{i}'>Ein ganz anderer Artikel Nummer {i} über die Stadt</a></li>"
        for i in range(4))
    page = _page("".join(f"<p>{t}</p>" for t in DE) + f"<h3>Ähnliche Artikel</h3><ul>{teasers}</ul>")
    article = clean_item(_html_item(page))
    assert "Teaserbild" not in " ".join(p.text for p in article.paragraphs)
    assert "anderer Artikel" not in article.text and article.text.count("\n\n") == 3


JA = [
    "政府は火曜日、新しい経済対策を発表した。対策の総額は二十兆円に上り、物価高に苦しむ家計を支援する内容となっている。",
    "首相は記者会見で、来年度の予算編成でも賃上げを後押しする考えを示し、中小企業への支援を拡充すると述べた。",
    "野党からは財源の裏付けが不十分だとの批判が出ており、国会での論戦が続く見通しだ。",
    "専門家は、対策の効果が表れるまでには時間がかかるとみており、今後の物価動向を注視する必要があると指摘している。",
    "経済界からは歓迎の声が上がる一方、財政規律の緩みを懸念する意見も根強く、政府は難しいかじ取りを迫られている。",
    "政府は年内に補正予算案を国会に提出し、早期の成立を目指す方針で、与党内での調整を急いでいる。",
]


def test_japanese_related_article_list_and_access_ranking_are_not_body():
    related = "".join(f"<li><a href='/news/{i}'>別のニュース記事の見出しその{i}について</a></li>" for i in range(5))
    page = _page("".join(f"<p>{t}</p>" for t in JA)
                 + f"<p>関連記事</p><ul>{related}</ul><p>アクセスランキング</p><ol>{related}</ol>",
                 lang="ja", title="経済対策を発表")
    article = clean_item(_html_item(page))
    assert [p.text for p in article.paragraphs if p.role == "body"] == JA
    assert {p.text for p in article.paragraphs if p.role != "body"} <= {"関連記事", "アクセスランキング"}
    assert "見出し" not in article.text and article.language == "ja"


def test_credits_in_many_languages_are_credits_not_body():
    paragraphs = assign_roles([
        "Foto: Dan Bashakov/AP",
        "AP Photo/Edgar H. Clemente",
        "Polizisten sichern den Platz vor dem Rathaus (Bildquelle: Neumann)",
        "Des manifestants devant l'Assemblée nationale. Crédit : AFP",
        DE[0],
    ])
    assert sorted((p.role, p.text) for p in paragraphs) == sorted([
        ("credit", "Dan Bashakov/AP"),
        ("credit", "AP Photo/Edgar H. Clemente"),
        ("caption", "Polizisten sichern den Platz vor dem Rathaus"), ("credit", "Neumann"),
        ("caption", "Des manifestants devant l'Assemblée nationale."), ("credit", "AFP"),
        ("body", DE[0]),
    ])
    # a standalone credit belongs to the short unpunctuated line after it
    by_position = {p.position: p for p in paragraphs}
    ap = next(p for p in paragraphs if p.text == "AP Photo/Edgar H. Clemente")
    assert by_position[ap.attached_to].text == "Polizisten sichern den Platz vor dem Rathaus"


def test_furniture_in_many_languages_is_boilerplate_and_article_sentences_are_not():
    furniture = ["Lesedauer: 4 Minuten", "Ähnliche Artikel", "Kommentar abgeben", "Annonce",
                 "Offentliggjort 12. maj 2023 kl. 10.15", "Lire aussi : La réforme des retraites adoptée",
                 "Leer más: El Gobierno aprueba el presupuesto", "関連記事", "Most read in Football", "Czytaj też:"]
    sentences = [DE[0], "Lire aussi les textes de loi est devenu un passe-temps pour les députés de la majorité.",
                 "Annonce faite, le ministre a quitté la salle sans répondre aux questions des journalistes.",
                 "Kommentar abgeben wollte der Sprecher des Ministeriums am Dienstag auf Anfrage nicht."]
    roles = [p.role for p in assign_roles(furniture + sentences)]
    assert roles == ["boilerplate"] * len(furniture) + ["body"] * len(sentences)


def test_a_sentence_mentioning_a_photo_is_not_split_as_a_credit():
    assert split_credit("Das Bild: ein Land im Umbruch, sagte der Minister, und die Lage sei ernst.") is None
    assert split_credit(DE[0]) is None


def test_link_lists_are_furniture_but_a_lone_linked_line_in_the_article_is_not():
    blocks = [Block(DE[0]), Block("Ein verlinkter Zwischentitel im Text", link_share=1.0), Block(DE[1]),
              Block("Erster Artikel einer Liste", link_share=1.0), Block("Zweiter Artikel einer Liste", link_share=1.0),
              Block("Lea también: El Gobierno aprueba el presupuesto", link_share=0.8)]
    assert [p.role for p in assign_roles(blocks)] == ["body", "body", "body", "boilerplate", "boilerplate", "boilerplate"]


def test_short_lines_repeated_across_pages_of_a_site_become_boilerplate():
    pages = [[f"Artikel {i}: {DE[i]}", "Jetzt den Newsletter der Redaktion bestellen", "Alle Rechte beim Verlag"]
             for i in range(3)]
    seen = site_furniture(pages)
    assert seen == {normalize_for_match("Jetzt den Newsletter der Redaktion bestellen"),
                    normalize_for_match("Alle Rechte beim Verlag")}
    roles = [p.role for p in assign_roles([DE[0], "Jetzt den Newsletter der Redaktion bestellen"], site_furniture=seen)]
    assert roles == ["body", "boilerplate"]
    assert [p.role for p in assign_roles([DE[0], "Jetzt den Newsletter der Redaktion bestellen"])] == ["body", "body"]


def test_every_row_of_the_furniture_file_has_a_language_and_a_reason_and_bad_rows_are_refused():
    assert len(RULES.rows) > 100 and all(len(r.lang) == 2 and r.reason for r in RULES.rows)
    header = "role\tmatch\tlang\ttext\treason\n"
    try:
        parse_rules(header + "boilerplate\tword\tde\tFoto\tnot a furniture match\n")
    except ValueError as exc:
        assert "inconsistent" in str(exc)
    else:
        raise AssertionError("a boilerplate row with match=word was accepted")


def test_language_codes_are_normalised_to_iso_639_1():
    assert [normalize_language(v) for v in ("en-US", "de_DE", "DEU", "ger", "fr", "iw", "und", "x-default", "", None)] == [
        "en", "de", "de", "de", "fr", "he", None, None, None, None]


def test_language_comes_from_supplied_metadata_then_the_page_then_detection():
    german = " ".join(DE)
    assert document_language(german, supplied="de-AT", declared="en") == ("de", "supplied")
    assert document_language("Kurz.", declared="de") == ("de", "declared")
    assert document_language(german) == ("de", "detected")
    # a template that declares English on a German article: the long, unambiguous text wins
    assert document_language(german * 2, declared="en") == ("de", "detected")
    assert document_language("ok") == (None, None)


def test_html_without_a_declared_language_and_text_files_get_a_detected_language(tmp_path):
    page = _page("".join(f"<p>{t}</p>" for t in DE)).replace(" lang='de'", "")
    assert clean_item(_html_item(page)).language == "de"
    assert clean_item(_html_item(page, language="de-CH")).language == "de"
    (tmp_path / "artikel.txt").write_text("\n\n".join(DE), encoding="utf-8")
    (tmp_path / "article.md").write_text("# Heading\n\nThe council opened the new bridge on Tuesday after three "
                                         "years of repairs, and commuters crossed it within the hour.", encoding="utf-8")
    items = load_files(sorted(tmp_path.iterdir()), IngestSettings()).items
    assert sorted(clean_item(i).language for i in items) == ["de", "en"]


def test_the_language_is_the_same_when_no_file_can_be_written_as_on_a_full_disk():
    # py3langid unpacks its model through a temporary file; with no room to write files the model is read
    # in memory instead, so a document cleaned during a full disk gets the language a clean run gives it
    script = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))\n"
        "from wiredesk.clean.cleaner import clean_item\n"
        "from wiredesk.domain.models import InputItem\n"
        f"text = {chr(10).join(DE)!r}\n"
        "a = clean_item(InputItem(origin='a.txt', kind='text', content=text, raw=b'', raw_sha256='-'))\n"
        "print(a.language)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (done.returncode, done.stdout.split()) == (0, ["de"]), done.stderr
