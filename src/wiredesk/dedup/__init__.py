"""Paragraph deduplication: the pure decisions (no database access).

``exact`` links clusters of equal normalized text. Near and partial duplicates: ``matchtext`` (the words
compared), ``shingles`` and ``minhash`` (hashes), ``keys`` (the index keys of a batch), ``verify`` (the kind
and similarity of a candidate pair), ``links`` (direction to the earliest copy), ``settings`` (``[dedup]``).
The near-duplicate stage itself is ``near`` (decisions only); the index it decides over lives in DuckDB and
is read and written by ``wiredesk.store.near_index``. See docs/dedup.md.
"""
