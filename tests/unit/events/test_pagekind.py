"""The page-kind gate: which documents report news (``wiredesk.events.pagekind``). Pure: real-shaped documents
in, a decision and its reason out."""

from wiredesk.events import DocumentInput
from wiredesk.events.pagekind import page_kind

REPORT = ("Police arrested 12 protesters in Basra on Tuesday after a crowd stormed the provincial council "
          "building, officials said. The governor condemned the violence and called for calm. ") * 8
HOW_TO = ("Before you start, you will need a mixer. Beat your butter for five minutes until it looks pale, then "
          "add the sugar. If you want a lighter cake, you can fold in the egg whites. ") * 8
DIARY = ("I woke up early and my coffee was cold. I walked to the lake, where I met my old friend, and we talked "
         "about my plans for the summer. I think I will go back next week. ") * 8
QUOTED = ("\u201cI was scared and I did not know what to do,\u201d the woman told reporters on Monday. Police said "
          "the man was arrested at the scene. \u201cYou never expect it,\u201d her neighbour said. ") * 8


def _doc(text, url=None, types=()):
    return DocumentInput(doc_key="d", body=text, language="en", url=url, page_types=tuple(types))


def test_a_declared_news_article_is_news_whatever_its_text():
    kind = page_kind(_doc(HOW_TO, "https://news.example.com/2019/11/19/x", ["og:article", "NewsArticle"]))
    assert kind.news and kind.reason == "type NewsArticle"


def test_a_recipe_a_product_or_a_game_review_is_no_news():
    for types, reason in ((["og:article", "Article", "Recipe"], "type Recipe"), (["og:product", "Product"],
                          "type og:product"), (["og:article", "Review"], "type Review"),
                          (["og:trustpilot:review"], "type og:trustpilot:review")):
        kind = page_kind(_doc(REPORT, "https://example.com/p", types))
        assert not kind.news and kind.reason == reason and kind.cause == "type"


def test_an_event_listed_beside_an_article_does_not_make_the_article_an_event_page():
    assert page_kind(_doc(REPORT, "https://spacenews.example/x", ["og:article", "Article", "Event"])).news
    assert not page_kind(_doc(REPORT, "https://tickets.example/x", ["Event"])).news


def test_the_address_of_a_wiki_a_forum_or_a_recipe_is_no_news():
    for url in ("https://harrypotter.fandom.com/wiki/Water-Making_Spell", "https://github.com/a/b",
                "https://www.bettycrocker.com/recipes/easy-cake/123", "https://example.com/forum/thread-1"):
        kind = page_kind(_doc(REPORT, url))
        assert not kind.news and kind.cause == "url", url


def test_a_text_addressed_to_its_reader_or_told_in_the_first_person_is_no_news():
    assert page_kind(_doc(HOW_TO)).reason == "text: addressed to the reader"
    assert page_kind(_doc(DIARY)).reason == "text: told in the first person"


def test_quotations_do_not_make_a_report_personal():
    kind = page_kind(_doc(QUOTED))
    assert kind.news and kind.cause == "text"


def test_whether_the_text_reads_as_a_report_is_a_field_of_the_verdict():
    assert page_kind(_doc(REPORT)).text_report
    assert not page_kind(_doc("The council met. " * 40)).text_report  # judged, no report: no evidence
    assert not page_kind(_doc(HOW_TO)).text_report


def test_plain_text_or_a_short_brief_with_no_evidence_is_read():
    assert page_kind(_doc("The council met. " * 40)).reason == "no evidence"
    assert page_kind(_doc("You must beat the butter. " * 5)).news  # too short to judge
    assert page_kind(_doc(REPORT)).news
