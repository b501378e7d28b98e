"""Synthetic stores shared by the benchmarks: real-length paragraphs with a known share of copies.

``Generator`` makes a deterministic stream of paragraphs from the aeb corpus's article bodies (nothing is
copied into the repository); ``insert_documents`` writes documents of ``PER_DOC`` of them with plain SQL, the
rows the store writes. Used by ``bench_dedup.py`` (the near-duplicate index at 1M) and ``bench_growth.py``
(the cost of one more batch as the store grows). Not a benchmark itself.
"""

from __future__ import annotations

import json
import random
from collections import Counter, deque
from datetime import datetime, timedelta, timezone

from corpus_path import corpus_dir
from make_dedup_pairs import make_near, make_partial, sentences

from wiredesk.domain.normalize import match_hash

PER_DOC = 20
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)



class Generator:
    """Deterministic stream of real-length paragraphs with a known share of copies."""

    def __init__(self, seed: int = 1):
        truth = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
        self.bases = [p.strip() for doc in truth.values() for p in doc["articleBody"].split("\n") if len(p.split()) >= 6]
        self.sentences = [s for p in self.bases for s in sentences(p) if len(s.split()) >= 6]
        counts = Counter(w.lower() for p in self.bases for w in p.split())
        self.stop = {w for w, _ in counts.most_common(150)}
        self.vocab = [w for w in counts if w not in self.stop and w.isalpha()]
        self.rng = random.Random(seed)
        self.recent: deque[str] = deque(maxlen=20_000)
        self.kinds = Counter()

    def new(self) -> str:
        words = [w for _ in range(self.rng.choice((1, 2, 2, 3))) for w in self.rng.choice(self.sentences).split()]
        return " ".join(w if w.lower() in self.stop or self.rng.random() >= 0.9 else self.rng.choice(self.vocab) for w in words)

    def next(self) -> str:
        r = self.rng.random()
        text = None
        if self.recent and r < 0.20:
            earlier = self.recent[self.rng.randrange(len(self.recent))]
            if r < 0.12:
                made = make_near(self.rng, earlier)
                text, kind = (made[0], "near") if made else (None, "")
            elif r < 0.17:
                text, kind = make_partial(self.rng, earlier, [self.new() for _ in range(3)]), "partial"
            else:
                text, kind = earlier, "exact"
        if text is None:
            text, kind = self.new(), "new"
        self.kinds[kind] += 1
        self.recent.append(text)
        return text


def insert_documents(con, gen: Generator, first_doc: int, first_par: int, n_docs: int,
                     texts: list[str] | None = None) -> list[int]:
    """Insert ``n_docs`` documents of PER_DOC paragraphs (plain SQL, as the store would); returns paragraph ids.
    ``texts``: the paragraphs (default: the next ``n_docs * PER_DOC`` of ``gen``)."""
    doc_ids = list(range(first_doc, first_doc + n_docs))
    texts = texts if texts is not None else [gen.next() for _ in range(n_docs * PER_DOC)]
    pub = [EPOCH + timedelta(minutes=gen.rng.randrange(2 * 365 * 24 * 60)) for _ in doc_ids]
    con.execute(
        """INSERT INTO documents (document_id, doc_key, version, is_current, url, title, authors, source, published_at,
           language, text, content_hash, origin, kind, raw_sha256, cleaner, pipeline_version, run_id, ingested_at,
           derived_run_id, supplied_meta, language_source, host, lead_line)
           SELECT unnest($1::BIGINT[]), 'bench:' || unnest($1::BIGINT[]), 1, true, NULL, NULL, [],
           'outlet' || (unnest($1::BIGINT[]) % 50), unnest($2::TIMESTAMPTZ[]), 'en', '', '', 'bench', 'text', '', 'bench',
           'bench', 0, now(), 0, NULL, NULL, NULL, NULL""",
        [doc_ids, pub],
    )
    par_ids = list(range(first_par, first_par + len(texts)))
    con.execute(
        """INSERT INTO paragraphs (paragraph_id, document_id, position, role, text, attached_to, match_hash, n_chars,
           derived_by, run_id) SELECT unnest($1::BIGINT[]), unnest($2::BIGINT[]), unnest($3::INTEGER[]), 'body',
           unnest($4::VARCHAR[]), NULL, unnest($5::BIGINT[]), unnest($6::INTEGER[]), 'bench', 0""",
        [par_ids, [d for d in doc_ids for _ in range(PER_DOC)], list(range(PER_DOC)) * n_docs, texts,
         [match_hash(t) for t in texts], [len(t) for t in texts]],
    )
    return par_ids
