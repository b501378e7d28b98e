"""Cleaning: an input item (HTML, text, Markdown) becomes an ``Article`` of paragraphs with roles.

``cleaner`` runs trafilatura on HTML and the same normalization on text; ``textblocks`` reads
trafilatura's output tree and puts figure captions back in place; ``paragraphs`` splits text into
paragraphs and gives each its role (body, caption, credit, boilerplate), with the multilingual phrase
list and site repetition of ``furniture`` (``data/furniture.tsv``); ``language`` gives every document a
language; ``siterules`` (per-site CSS selectors: checked, matched to hosts, versioned) and ``sitepages`` (a
rule applied to a page) let a site's rule choose the body. No database access.
"""
