"""The search query as shipped before the postings were kept in term-sorted segments (migration
``search_postings_by_term``), for ``tests/integration/test_search_layout.py``: it ranks an index of the old
layout, so the test can check that converting the index changes no result.

A frozen copy on purpose, not an import: ``wiredesk.fulltext.ranking.search_sql`` now reads columns the old
layout lacks (``search_postings.n_terms``, ``search_index``), and this text must stay as it was shipped. Only
the BM25 parameters and the snippet length are the current ones, imported: the test compares layouts, not
parameters.
"""

from __future__ import annotations

from wiredesk.fulltext.ranking import B, K1, SNIPPET_CHARS

SEARCH_BEFORE = f"""
WITH q AS (SELECT DISTINCT unnest($terms::VARCHAR[]) AS term),
hits AS MATERIALIZED (SELECT p.term, p.document_id, p.tf FROM search_postings p WHERE p.term IN (SELECT term FROM q)),
n AS (SELECT count(*) AS n, avg(n_terms) AS avgdl FROM search_documents),
df AS (SELECT term, count(*) AS df FROM hits GROUP BY term),
scored AS (
    SELECT h.document_id,
           sum(ln(1 + (n.n - df.df + 0.5) / (df.df + 0.5))
               * h.tf * ({K1} + 1) / (h.tf + {K1} * (1 - {B} + {B} * s.n_terms / n.avgdl))) AS score
    FROM hits h JOIN df USING (term) JOIN search_documents s USING (document_id) CROSS JOIN n
    GROUP BY h.document_id
    ORDER BY score DESC, h.document_id
    LIMIT $limit
),
best AS (
    SELECT p.document_id, p.text
    FROM paragraphs p JOIN scored USING (document_id)
    WHERE p.role = 'body'
    QUALIFY row_number() OVER (
        PARTITION BY p.document_id
        ORDER BY len(list_filter($terms::VARCHAR[], lambda t: contains(strip_accents(lower(p.text)), t))) DESC, p.position) = 1
)
SELECT row_number() OVER (ORDER BY sc.score DESC, sc.document_id) AS rank,
       round(sc.score, 3) AS score, d.title, d.source, d.published_at,
       CASE WHEN length(b.text) > {SNIPPET_CHARS} THEN left(b.text, {SNIPPET_CHARS - 1}) || '…' ELSE b.text END AS snippet,
       sc.document_id, d.url, d.origin
FROM scored sc JOIN documents d USING (document_id) LEFT JOIN best b USING (document_id)
ORDER BY rank
"""
