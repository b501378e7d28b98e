"""Cleaning for the world's news: all article text kept, captions in place without link lists, roles and
furniture in many languages, and a language for every document. Pages are small ones the tests write."""

import subprocess
import sys
from pathlib import Path

import duckdb
import trafilatura

from wiredesk.clean.cleaner import clean_item
from wiredesk.clean.furniture import RULES, parse_rules, site_furniture
from wiredesk.clean.language import document_language, normalize_language
from wiredesk.cli import main
from wiredesk.clean.paragraphs import Block, assign_roles, is_boilerplate, split_credit
from wiredesk.domain.models import InputItem, ItemMeta
from wiredesk.domain.normalize import match_hash, normalize_for_match
from wiredesk.domain.settings import IngestSettings
from wiredesk.domain.urls import host_of
from wiredesk.sources.files import load_files
from wiredesk.store.migrate import available_migrations

from conftest import query
from support.old_database import old_database

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


def test_link_lists_and_lone_linked_headlines_are_furniture_but_a_linked_sentence_in_the_article_is_not():
    blocks = [Block(DE[0]), Block("Der Bericht des Rechnungshofs ist online.", link_share=1.0), Block(DE[1]),
              Block("Bebé muere electrocutado en su casa de San Lorenzo", link_share=1.0), Block(DE[2]),
              Block("Erster Artikel einer Liste", link_share=1.0), Block("Zweiter Artikel einer Liste", link_share=1.0),
              Block("Lea también: El Gobierno aprueba el presupuesto", link_share=0.8), Block("https://example.org/bericht.pdf", link_share=1.0)]
    assert [p.role for p in assign_roles(blocks)] == [
        "body", "body", "body", "boilerplate", "body", "boilerplate", "boilerplate", "boilerplate", "body"]


def test_a_related_list_of_headline_date_and_excerpt_is_furniture_and_the_article_around_it_is_not():
    blocks = [Block(DE[0]), Block("NOTAS RELACIONADAS"),
              Block("Hackers ofrecen descuento del 35% al Gobierno", link_share=1.0), Block("Jueves 21 abril, 2022"),
              Block("El grupo asegura que no tocará al sector privado y pide una respuesta antes del viernes."),
              Block("Grupo Conti asegura haber hackeado el Ministerio de Hacienda", link_share=1.0),
              Block("Lunes 18 abril, 2022"), Block(DE[1])]
    assert [p.role for p in assign_roles(blocks)] == ["body"] + ["boilerplate"] * 6 + ["body"]


def test_lines_that_are_only_a_date_are_furniture_in_any_language_and_sentences_with_dates_are_not():
    for line in ("Jueves 21 abril, 2022", "Letzte Änderung 14.02.2019", "sexta-feira, 22 de outubro de 2010 às 20:13",
                 "UPDATED: Tue., Nov. 19, 2019", "기사입력 :[ 2018-08-25 15:24 ]", "2019-11-19T08:57:40+01:00"):
        assert is_boilerplate(line), line
    for line in ("Am 21. Mai 2022 wird die Brücke eröffnet.", "— Rep. Ilhan Omar (@Ilhan) November 19, 2019",
                 "Die Bilanz 2021", "Ausblick auf das Jahr 2023 und die Folgen für die Pendler"):
        assert not is_boilerplate(line), line


def test_the_lead_printed_above_the_article_is_kept_as_its_first_body_paragraph():
    lead = ("Nach drei Jahren Bauzeit ist die neue Brücke offen: Pendler sparen täglich eine halbe Stunde, "
            "die Kosten aber lagen weit über dem Plan.")
    page = (f"<html lang='de'><head><title>Brücke eröffnet</title><meta name='description' content='{lead}'></head>"
            f"<body><header><h1>Brücke eröffnet</h1><div class='teaser-text'><strong>{lead}</strong></div></header>"
            f"<div class='content'>{''.join(f'<p>{t}</p>' for t in DE)}</div>"
            f"<aside><h3>Mehr aus der Stadt</h3><p>Ein Satz, der nur in der Randspalte steht und nicht zum Artikel gehört.</p></aside></body></html>")
    body = [p.text for p in clean_item(_html_item(page)).paragraphs if p.role == "body"]
    assert body == [lead, *DE]
    # a description the page does not print, or a short one (a slogan), adds nothing
    for description in ("Alles über die neue Brücke in zwei Minuten, exklusiv nur hier online lesen", "Ihre Zeitung"):
        other = page.replace(f"content='{lead}'", f"content='{description}'")
        assert [p.text for p in clean_item(_html_item(other)).paragraphs if p.role == "body"] == DE


def test_short_lines_repeated_across_pages_of_a_site_become_boilerplate():
    pages = [[f"Artikel {i}: {DE[i]}", "Jetzt den Newsletter der Redaktion bestellen", "Alle Rechte beim Verlag"]
             for i in range(3)]
    seen = site_furniture(pages)
    assert seen == {match_hash("Jetzt den Newsletter der Redaktion bestellen"), match_hash("Alle Rechte beim Verlag")}
    roles = [p.role for p in assign_roles([DE[0], "Jetzt den Newsletter der Redaktion bestellen"], site_furniture=seen)]
    assert roles == ["body", "boilerplate"]
    assert [p.role for p in assign_roles([DE[0], "Jetzt den Newsletter der Redaktion bestellen"])] == ["body", "body"]


NEWSLETTER = "Jetzt den Newsletter der Redaktion bestellen"


def _site_run(tmp_path, db, config, pages: list[int], run: str) -> None:
    folder = tmp_path / run
    folder.mkdir()
    for i in pages:
        body = f"<p>{DE[i % 4]} ({i})</p><p>{DE[(i + 1) % 4]}</p><p>{NEWSLETTER}</p>"
        (folder / f"artikel-{i}.html").write_text(_page(body, title=f"Artikel {i}"), encoding="utf-8")
        (folder / f"artikel-{i}.html.meta.json").write_text(
            f'{{"url": "https://zeitung.example/artikel-{i}"}}', encoding="utf-8")
    assert main(["run", "--no-prefect", "-q", str(folder), "--db", db, "--config", str(config)]) == 0


def test_a_line_stored_by_earlier_runs_on_pages_of_a_site_is_boilerplate_on_its_next_pages_and_reprocess_agrees(
        tmp_path):
    config = tmp_path / "wiredesk.toml"
    config.write_text("[events]\nenabled = false\n[ingest]\nbatch_size = 1\n")
    db = str(tmp_path / "site.duckdb")
    roles = ("SELECT d.url, p.role FROM paragraphs p JOIN documents d USING (document_id) "
             f"WHERE p.text = '{NEWSLETTER}' ORDER BY d.document_id")
    _site_run(tmp_path, db, config, [0, 1, 2], "first")  # one run: pages of one run do not count for each other
    assert [r[1] for r in query(db, roles)] == ["body", "body", "body"]
    _site_run(tmp_path, db, config, [3], "second")  # two earlier pages of the host carried it: furniture
    _site_run(tmp_path, db, config, [4, 5], "third")
    assert [r[1] for r in query(db, roles)] == ["body"] * 3 + ["boilerplate"] * 3
    assert query(db, "SELECT DISTINCT host FROM documents") == [("zeitung.example",)]
    derived = ("SELECT document_id, position, role, text FROM paragraphs UNION ALL "
               "SELECT paragraph_id, duplicate_of, kind, NULL FROM duplicates ORDER BY ALL")
    before = query(db, derived)
    assert main(["reprocess", "--db", db, "-q", "--config", str(config)]) == 0  # every page asks what its ingest asked
    assert query(db, derived) == before
    assert query(db, "SELECT count(*) FROM reprocess_changes WHERE paragraphs_added + paragraphs_removed > 0") == [(0,)]


def test_the_host_migration_fills_the_host_of_stored_urls_as_the_pipeline_computes_it(tmp_path):
    urls = ["https://Zeitung.Example:443/a", "http://leser@zeitung.example:8080/b?x=1", "https://zeitung.example/c#d"]
    folder = tmp_path / "in"
    folder.mkdir()
    for i, url in enumerate(urls):
        (folder / f"p{i}.txt").write_text(f"{DE[i]}", encoding="utf-8")
        (folder / f"p{i}.txt.meta.json").write_text(f'{{"url": "{url}"}}', encoding="utf-8")
    (folder / "none.txt").write_text(DE[3], encoding="utf-8")
    config = tmp_path / "wiredesk.toml"
    config.write_text("[events]\nenabled = false\n")
    db = str(tmp_path / "host.duckdb")
    assert main(["run", "--no-prefect", "-q", str(folder), "--db", db, "--config", str(config)]) == 0
    hosts = "SELECT url, host FROM documents ORDER BY url NULLS LAST"
    written = query(db, hosts)
    assert written == sorted([(u, host_of(u)) for u in urls]) + [(None, None)]
    assert {h for _, h in written} == {"zeitung.example", "zeitung.example:8080", None}
    # the same rows in a database as the wiredesk before the migration left it (no host column)
    old = str(tmp_path / "old.duckdb")
    old_database(Path(old), next(m.version for m in available_migrations() if m.name == "site_host") - 1, Path(db))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", "--no-prefect", "-q", str(empty), "--db", old, "--config", str(config)]) == 0
    assert query(old, hosts) == written


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


def test_where_each_documents_language_came_from_is_stored_and_a_reprocess_fills_it_for_older_rows(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    german = "".join(f"<p>{t}</p>" for t in DE)
    (folder / "declared.html").write_text(_page(german), encoding="utf-8")
    (folder / "detected.txt").write_text("\n\n".join(DE), encoding="utf-8")
    (folder / "supplied.html").write_text(_page(german, lang="en").replace("Brücke", "Steg"), encoding="utf-8")
    (folder / "supplied.html.meta.json").write_text('{"language": "de-AT"}', encoding="utf-8")
    db = str(tmp_path / "lang.duckdb")
    config = tmp_path / "wiredesk.toml"
    config.write_text("[events]\nenabled = false\n")
    assert main(["run", "--no-prefect", "-q", str(folder), "--db", db, "--config", str(config)]) == 0
    stored = "SELECT regexp_extract(origin, '[^/]+$'), language, language_source FROM documents ORDER BY 1"
    assert query(db, stored) == [("declared.html", "de", "declared"), ("detected.txt", "de", "detected"),
                                 ("supplied.html", "de", "supplied")]
    with duckdb.connect(db) as con:  # as stored before migration 0008
        con.execute("UPDATE documents SET language_source = NULL")
    assert main(["reprocess", "--db", db, "-q", "--config", str(config)]) == 0
    assert [r[2] for r in query(db, stored)] == ["declared", "detected", "supplied"]
    assert query(db, "SELECT count(*) FROM reprocess_changes WHERE list_contains(metadata_changed, 'language_source')") == [(3,)]
