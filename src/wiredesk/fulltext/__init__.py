"""Full-text search: the tokenizer and the BM25 ranking query over the index ``wiredesk.store`` keeps.

Named ``fulltext``, not ``search``: ``wiredesk.search`` is the Python API's function (``wiredesk.api``), and
a subpackage of the same name would replace it as an attribute of the package once imported.
"""
