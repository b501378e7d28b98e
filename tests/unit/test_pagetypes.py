"""What a page says it is: og:type and the schema.org types of its JSON-LD and microdata, top level only."""

from lxml import html

from wiredesk.clean.pagetypes import MAX_TYPES, page_types

NEWS = """<html><head><meta property="og:type" content="article">
<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",
 "headline": "Police arrest 12 in Basra", "author": {"@type": "Person", "name": "A. Reporter"},
 "publisher": {"@type": "NewsMediaOrganization", "name": "The Daily"}}</script></head>
<body><article><p>Police arrested 12 protesters.</p></article></body></html>"""

# a WordPress recipe blog (Yoast): one @graph with the post, the site, the page and the recipe
RECIPE = """<html><head><meta property="og:type" content="article" />
<script type="application/ld+json" class="yoast-schema-graph">{"@context":"https://schema.org","@graph":[
{"@type":"Article","@id":"https://example.org/cake/#article","headline":"Easy cake"},
{"@type":"WebPage","@id":"https://example.org/cake/"},{"@type":"WebSite","name":"Bake"},
{"@type":"Recipe","name":"Easy cake","recipeIngredient":["2 cups flour"],
 "review":{"@type":"Review","itemReviewed":{"@type":"Product","name":"Mixer"}}}]}</script></head>
<body><p>Beat the butter.</p></body></html>"""

PRODUCT = """<html><head><meta property="og:type" content="product"></head><body>
<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Mixer</span>
<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">$99</div></div></body></html>"""


def test_a_news_page_declares_its_article_type_and_og_type():
    assert page_types(html.fromstring(NEWS)) == ("og:article", "NewsArticle")


def test_the_members_of_a_graph_are_the_page_and_nested_objects_are_not():
    types = page_types(html.fromstring(RECIPE))
    assert types == ("og:article", "Article", "WebPage", "WebSite", "Recipe")
    assert "Review" not in types and "Product" not in types  # what the recipe's review is about is not the page


def test_microdata_items_count_only_at_the_top():
    assert page_types(html.fromstring(PRODUCT)) == ("og:product", "Product")


def test_broken_json_ld_says_nothing_and_stops_nothing():
    page = NEWS.replace('"NewsArticle",', '"NewsArticle",,,') + ""
    assert page_types(html.fromstring(page)) == ("og:article",)


def test_a_page_declaring_many_types_keeps_a_bounded_list():
    graph = ",".join(f'{{"@type": "Type{i}"}}' for i in range(40))
    page = f'<html><head><script type="application/ld+json">{{"@graph": [{graph}]}}</script></head><body></body></html>'
    assert len(page_types(html.fromstring(page))) == MAX_TYPES
