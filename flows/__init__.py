"""wiredesk's Prefect flows, shipped as the package ``wiredesk_flows`` (see pyproject.toml).

From a clone, ``prefect deploy`` uses the entrypoint ``flows/ingest.py:ingest_flow``; the CLI imports
``wiredesk_flows.ingest``. Both are this same file.
"""
