"""Exports of tables to Parquet, JSON Lines or CSV (``tables``) and the state kept with them in the
destination (``manifest``).

Named ``exports``, not ``export``: ``wiredesk.export`` is the Python API's function (``wiredesk.api``),
and a subpackage of the same name would replace it as an attribute of the package once imported.
"""
