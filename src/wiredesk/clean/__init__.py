"""Cleaning: an input item (HTML, text, Markdown) becomes an ``Article`` of paragraphs with roles.

``cleaner`` runs trafilatura on HTML and the same normalization on text; ``paragraphs`` splits text into
paragraphs and gives each its role (body, caption, credit, boilerplate). No database access.
"""
