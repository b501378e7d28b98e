"""Paragraph deduplication: the pure decisions (no database access).

``exact`` links clusters of equal normalized text. Near and partial duplicates: ``matchtext`` (the words
compared), ``shingles`` and ``minhash`` (hashes), ``keys`` (the index keys of a batch), ``verify`` (the kind
and similarity of a candidate pair), ``links`` (direction to the earliest copy), ``settings`` (``[dedup]``).
The index itself lives in DuckDB and is read and written by ``wiredesk.store.near_index`` and
``wiredesk.store.near_links``. See docs/dedup.md.
"""
