"""The near-duplicate stage's work on a batch's own texts, done once and wherever the paragraphs are made.

Before the stage reads anything of the store it needs, for each new paragraph: its match tokens
(``wiredesk.dedup.matchtext``), their count, its index keys (``wiredesk.dedup.keys``) and its token sketch
(``wiredesk.dedup.sketch``). None of it depends on the store, and it is most of the stage's CPU time, so:

* ``token_work`` computes it for a list of texts, hashing each distinct word once for both keys and
  sketches (the keys' ``Words`` and the sketches share one ``word_hashes`` call);
* ``articles_token_work`` runs it in the pool workers that clean a batch (``wiredesk.pipeline.scaleout``),
  one ``TokenWork`` per article, which travels with the article to the writer (numpy arrays, bytes and
  the match tokens as one string: about 730 bytes a paragraph when pickled);
* ``carried_work`` is what the stage (``wiredesk.dedup.near``) makes of a batch: the carried work of the
  paragraphs that have it, the rest computed inline (reprocess, rebuilds, callers that carry nothing).

The keys and sketches are the same whichever way they were made (tested): carried work only moves CPU out
of the writer. Pure functions, no store, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from wiredesk.dedup.keys import BatchKeys, compute_keys_words
from wiredesk.dedup.matchtext import match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import Words, number_words, word_hashes
from wiredesk.dedup.sketch import sketch_bytes
from wiredesk.dedup.verify import MatchText


@dataclass(frozen=True)
class TokenWork:
    """Token counts, keys and sketches of a list of paragraphs (an article's, in order). A paragraph the
    stage does not link (``computed[i]`` false: its role or length) has none; ``signature`` is the
    ``DedupSettings.signature_version`` the keys were made with (other settings: the stage ignores it)."""

    signature: str
    computed: np.ndarray  # bool per paragraph
    n_tokens: np.ndarray  # int32 per paragraph
    key_counts: np.ndarray  # int32 per paragraph
    keys: np.ndarray  # int64: paragraph after paragraph, each paragraph's sorted
    sketch: bytes  # 4-byte words: n_tokens[i] of them for paragraph i, in order
    tokens: str = ""  # the match tokens, space-separated (a token never holds a space), paragraph after paragraph
    salient: bytes = b""  # one byte a token: its salience flag

    def key_offsets(self) -> np.ndarray:
        return np.r_[0, np.cumsum(self.key_counts, dtype=np.int64)]

    def token_offsets(self) -> np.ndarray:
        return np.r_[0, np.cumsum(self.n_tokens, dtype=np.int64)]


@dataclass
class InlineWork:
    """``token_work``'s result with the match tokens kept (verification of the batch's pairs reuses them)."""

    work: TokenWork
    tokens: list[str]
    salient: list[bool]


def token_work(texts: Sequence[str], languages: Sequence[str | None], settings: DedupSettings,
               computed: Sequence[bool] | None = None) -> InlineWork:
    """Match tokens, keys and sketches of ``texts`` (``languages[i]``: text ``i``'s document language).
    ``computed``: which texts to do (default all); the others get no tokens, keys or sketch."""
    mask = np.ones(len(texts), dtype=bool) if computed is None else np.asarray(computed, dtype=bool)
    todo = np.flatnonzero(mask)
    tokens, salient, lengths = match_tokens_batch([texts[i] for i in todo])
    words, ids = number_words(tokens)
    hashes = word_hashes(words)[ids] if len(ids) else np.zeros(0, dtype=np.uint64)
    langs = [languages[i] for i in todo]
    keys = compute_keys_words(Words.of_numbered(words, ids, hashes, lengths, langs), lengths, settings)
    n_tokens = np.zeros(len(texts), dtype=np.int32)
    n_tokens[todo] = lengths
    key_counts = np.zeros(len(texts), dtype=np.int32)
    key_counts[todo] = np.bincount(keys.owner, minlength=len(todo))
    work = TokenWork(settings.signature_version, mask, n_tokens, key_counts, keys.keys,
                     sketch_bytes(hashes, salient))
    return InlineWork(work, tokens, salient)


def articles_token_work(articles: Sequence[tuple[Sequence[tuple[str, str]], str | None]],
                        settings: DedupSettings) -> list[TokenWork]:
    """``TokenWork`` of each article, given as ``([(role, text) of each paragraph], language)``, computed in
    one batch pass: what a pool worker sends to the writer with the articles it cleaned."""
    texts, langs, computed, sizes = [], [], [], []
    for paragraphs, language in articles:
        sizes.append(len(paragraphs))
        for role, text in paragraphs:
            texts.append(text)
            langs.append(language)
            computed.append(settings.takes_part(role, text))
    made = token_work(texts, langs, settings, computed)
    whole = made.work
    out, p, k, t = [], 0, 0, 0
    for size in sizes:
        n_keys = int(whole.key_counts[p : p + size].sum())
        n_tok = int(whole.n_tokens[p : p + size].sum())
        out.append(TokenWork(whole.signature, whole.computed[p : p + size].copy(), whole.n_tokens[p : p + size].copy(),
                             whole.key_counts[p : p + size].copy(), whole.keys[k : k + n_keys].copy(),
                             whole.sketch[4 * t : 4 * (t + n_tok)], " ".join(made.tokens[t : t + n_tok]),
                             bytes(made.salient[t : t + n_tok])))
        p, k, t = p + size, k + n_keys, t + n_tok
    return out


#: paragraph id -> (the work of its article, the paragraph's number in it)
Carried = Mapping[int, tuple[TokenWork, int]]


@dataclass
class BatchWork:
    """What the stage needs of its batch (``ids``, of which ``eligible`` are linked), however it was made."""

    n_tokens: list[int]  # per id (0: not eligible)
    keys: BatchKeys  # owner indexes ids
    sketches: dict[int, bytes]  # per eligible id
    #: eligible id -> (match tokens, salience flags, its first and end token); made here or carried
    token_runs: dict[int, tuple[Sequence[str], Sequence[bool], int, int]]
    carried: int  # eligible ids whose work came with the batch

    def match_texts(self, ids: Iterable[int]) -> dict[int, MatchText]:
        """The ``MatchText`` of those of ``ids`` in the batch (what verification compares)."""
        out = {}
        for pid in ids:
            got = self.token_runs.get(pid)
            if got is not None:
                tokens, salient, lo, hi = got
                out[pid] = MatchText(tuple(tokens[lo:hi]), tuple(map(bool, salient[lo:hi])))
        return out


def carried_work(ids: Sequence[int], eligible: Sequence[int], text_of: Mapping[int, str],
                 language_of: Mapping[int, str | None], settings: DedupSettings,
                 carried: Carried | None = None) -> BatchWork:
    """The batch's token counts, keys and sketches: carried where the batch brought them (made with these
    settings), computed here for the other eligible ids."""
    carried = carried or {}
    use = {}
    for pid in eligible:
        got = carried.get(pid)
        if got is not None and got[0].signature == settings.signature_version and bool(got[0].computed[got[1]]):
            use[pid] = got
    here = [pid for pid in eligible if pid not in use]
    made = token_work([text_of[pid] for pid in here], [language_of[pid] for pid in here], settings)
    here_at = {pid: i for i, pid in enumerate(here)}
    key_off, tok_off = made.work.key_offsets(), made.work.token_offsets()
    offsets: dict[int, tuple[np.ndarray, np.ndarray, list[str]]] = {}
    n_tokens, key_parts, owners, sketches, runs = [], [], [], {}, {}
    for pos, pid in enumerate(ids):
        if pid in here_at:
            w, j, ko, to = made.work, here_at[pid], key_off, tok_off
            runs[pid] = (made.tokens, made.salient, int(to[j]), int(to[j + 1]))
        elif pid in use:
            w, j = use[pid]
            if id(w) not in offsets:
                offsets[id(w)] = (w.key_offsets(), w.token_offsets(), w.tokens.split(" ") if w.tokens else [])
            ko, to, words = offsets[id(w)]
            runs[pid] = (words, w.salient, int(to[j]), int(to[j + 1]))
        else:
            n_tokens.append(0)
            continue
        n_tokens.append(int(w.n_tokens[j]))
        key_parts.append(w.keys[ko[j] : ko[j + 1]])
        owners.append(np.full(int(ko[j + 1] - ko[j]), pos, dtype=np.int64))
        sketches[pid] = w.sketch[4 * int(to[j]) : 4 * int(to[j + 1])]
    keys = BatchKeys(np.concatenate([*key_parts, np.zeros(0, dtype=np.int64)]).astype(np.int64, copy=False),
                     np.concatenate([*owners, np.zeros(0, dtype=np.int64)]))
    return BatchWork(n_tokens, keys, sketches, runs, len(use))
