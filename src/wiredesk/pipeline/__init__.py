"""The pipeline: the stages put together, batch by batch, for files, feeds and reprocess.

Stages take data and the database path, never a connection, so they run as plain functions or as
Prefect tasks (``flows/``). Decisions live elsewhere (``sources``, ``clean``, ``dedup``, ``events``); all
SQL is ``wiredesk.store``'s.
"""
