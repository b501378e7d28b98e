"""The token work the cleaning workers carry to the writer is what the stage would make of the same texts.

``token_work`` hashes a batch's words once for both keys and sketches; its keys must be
``compute_keys_flat``'s and its sketches ``sketches_of``'s, and ``articles_token_work`` (one pass over a
worker's articles, cut per article) must give each article what ``token_work`` gives it alone.
"""

from __future__ import annotations

import pickle
import random

import numpy as np
from unit.dedup.test_batch_tokens import PAIRS, TRICKY, aeb_texts, seed_texts

from wiredesk.dedup.keys import compute_keys_flat
from wiredesk.dedup.matchtext import match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.sketch import sketches_of
from wiredesk.dedup.tokenwork import articles_token_work, token_work

S = DedupSettings()


def assert_same_as_the_stage(texts: list[str], languages: list[str | None], settings: DedupSettings = S) -> None:
    tokens, salient, lengths = match_tokens_batch(texts)
    keys = compute_keys_flat(tokens, lengths, settings, languages)
    made = token_work(texts, languages, settings)
    work = made.work
    assert (made.tokens, made.salient) == (tokens, salient)
    assert not any(" " in t or not t for t in tokens)  # what lets a worker send them as one string
    assert work.n_tokens.tolist() == lengths and work.computed.all()
    assert work.keys.tolist() == keys.keys.tolist()
    assert work.key_counts.tolist() == np.bincount(keys.owner, minlength=len(texts)).tolist()
    assert work.sketch == b"".join(sketches_of(tokens, salient, lengths))
    assert work.signature == settings.signature_version


def test_token_work_equals_keys_and_sketches_made_apart_on_seeds_pairs_and_tricky_text():
    texts = seed_texts() + [p[s] for p in PAIRS for s in ("a", "b")] + TRICKY
    languages = [random.Random(i).choice([None, "en", "de", "fr"]) for i in range(len(texts))]
    assert_same_as_the_stage(texts, languages)
    assert_same_as_the_stage(texts, languages, DedupSettings(min_tokens=12, dense_anchor_tokens=10))
    assert_same_as_the_stage([], [])


def test_token_work_equals_keys_and_sketches_made_apart_on_the_aeb_articles():
    texts = aeb_texts()
    assert len(texts) > 1000
    assert_same_as_the_stage(texts, ["en"] * len(texts))


def test_each_articles_work_is_what_the_article_alone_gives_and_skips_what_is_not_linked():
    rng = random.Random(5)
    texts = aeb_texts()[:600] + TRICKY
    articles, start = [], 0
    while start < len(texts):
        n = rng.randrange(0, 9)
        roles = [rng.choice(["body", "body", "caption", "credit"]) for _ in texts[start : start + n]]
        articles.append((list(zip(roles, texts[start : start + n])), rng.choice([None, "en", "de"])))
        start += n
    works = articles_token_work(articles, S)
    assert len(works) == len(articles)
    skipped = 0
    for (paragraphs, language), work in zip(articles, works):
        linked = [role in S.roles and len(text) >= S.min_chars for role, text in paragraphs]
        skipped += linked.count(False)
        made = token_work([t for _, t in paragraphs], [language] * len(paragraphs), S, linked)
        alone = made.work
        assert work.computed.tolist() == linked
        assert (work.n_tokens.tolist(), work.key_counts.tolist(), work.keys.tolist(), work.sketch) == (
            alone.n_tokens.tolist(), alone.key_counts.tolist(), alone.keys.tolist(), alone.sketch)
        # the match tokens travel as one string: verification of the batch's pairs reads them back
        assert (work.tokens.split(" ") if work.tokens else []) == made.tokens
        assert list(map(bool, work.salient)) == made.salient
        # and each paragraph's tokens are found alone by their characters in that string
        starts = alone.token_offsets()
        for j in range(len(paragraphs)):
            piece = work.tokens[work.token_chars[j] : work.token_chars[j + 1] - 1]
            assert (piece.split(" ") if work.n_tokens[j] else []) == made.tokens[starts[j] : starts[j + 1]]
        assert not work.n_tokens[~work.computed].any() and not work.key_counts[~work.computed].any()
    assert skipped > 50
    # what crosses the process boundary: about what the texts weigh, not a multiple of it
    size = len(pickle.dumps(works))
    assert size < 5 * sum(len(t.encode()) for t in texts)
