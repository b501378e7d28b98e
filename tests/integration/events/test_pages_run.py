"""A real run reads events only from pages that report news; the others are stored, counted and named."""

from conftest import query

NEWS_PAGE = ("<html lang=\"en\"><head><title>Arrests in Basra</title><meta property=\"og:type\" content=\"article\">"
             "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@type\": \"NewsArticle\", "
             "\"headline\": \"Arrests in Basra\"}</script></head><body><article><h1>Arrests in Basra</h1>"
             "<p>Police arrested 12 protesters in Basra on Tuesday after a crowd stormed the provincial council "
             "building, officials said.</p><p>The governor condemned the violence and called for calm in the "
             "city.</p></article></body></html>")
RECIPE_PAGE = ("<html lang=\"en\"><head><title>Butter cake</title><meta property=\"og:type\" content=\"article\">"
               "<script type=\"application/ld+json\">{\"@context\": \"https://schema.org\", \"@graph\": ["
               "{\"@type\": \"Article\", \"headline\": \"Butter cake\"}, {\"@type\": \"Recipe\", \"name\": "
               "\"Butter cake\"}]}</script></head><body><article><h1>Butter cake</h1>"
               "<p>Beat the butter for five minutes until it is pale, then beat in the sugar. The cake won first "
               "prize at the county fair, and the judges said it was the best they had tasted.</p>"
               "<p>Bake the cake for forty minutes and let it cool before you cut it.</p></article></body></html>")


def _pages(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "news.html").write_text(NEWS_PAGE, encoding="utf-8")
    (pages / "recipe.html").write_text(RECIPE_PAGE, encoding="utf-8")
    return pages


def _mentions_by_title(db):
    return dict(query(db, "SELECT d.title, count(m.mention_id) FROM documents d "
                          "LEFT JOIN event_mentions m USING (document_id) GROUP BY 1"))


def test_a_page_that_is_no_news_is_stored_counted_and_not_read_for_events(tmp_path, capsys):
    from wiredesk.cli import main

    pages = _pages(tmp_path)
    db = str(tmp_path / "w.duckdb")
    assert main(["run", "--no-prefect", str(pages), "--db", db]) == 0
    assert "1 not news, not read (type Recipe 1)" in capsys.readouterr().out
    assert query(db, "SELECT event_documents_not_news, event_documents_skipped FROM runs") == [(1, 0)]
    for command in ("status", "stats"):  # the stored run's line says it too
        assert main([command, "--db", db]) == 0
        assert "1 not read for events (not news)" in capsys.readouterr().out
    by_title = _mentions_by_title(db)
    assert by_title["Butter cake"] == 0 and by_title["Arrests in Basra"] > 0
    types = dict(query(db, "SELECT title, page_types FROM documents"))
    assert types["Butter cake"] == ["og:article", "Article", "Recipe"]
    assert types["Arrests in Basra"] == ["og:article", "NewsArticle"]
    # a reprocess of the events decides from the stored evidence as the run did, and counts it as its own run
    assert main(["reprocess", "--stage", "events", "-q", "--db", db]) == 0
    assert "1 not news, not read" in capsys.readouterr().out
    assert query(db, "SELECT kind, event_documents_not_news FROM runs ORDER BY run_id")[-1] == ("reprocess", 1)
    assert _mentions_by_title(db)["Butter cake"] == 0


def test_event_pages_all_reads_every_page(tmp_path, capsys):
    from wiredesk.cli import main

    pages = _pages(tmp_path)
    db = str(tmp_path / "all.duckdb")
    assert main(["run", "--no-prefect", "--event-pages", "all", str(pages), "--db", db]) == 0
    assert "not news" not in capsys.readouterr().out
    assert query(db, "SELECT event_documents_not_news FROM runs") == [(0,)]
    assert _mentions_by_title(db)["Butter cake"] > 0  # "won first prize": read when every page is
    # the mentions' lineage says they were read from every page, so they are not taken for the default's
    assert {e.endswith(" pages=all") for (e,) in query(db, "SELECT DISTINCT extractor FROM event_mentions")} == {True}
