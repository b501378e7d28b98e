"""The values and rules every other package shares: models, errors, settings, code versions, text
normalization, dates and URLs. Plain Python: nothing here opens a file, a socket or a database, and
nothing imports duckdb, prefect, spaCy or trafilatura at import time.
"""
