"""The near-duplicate stage's work on a batch's own texts, done once and wherever the paragraphs are made.

Before the stage reads anything of the store it needs, for each new paragraph: its match tokens
(``wiredesk.dedup.matchtext``), their count, its index keys (``wiredesk.dedup.keys``) and its token sketch
(``wiredesk.dedup.sketch``). None of it depends on the store, and it is most of the stage's CPU time, so:

* ``token_work`` computes it for a list of texts, hashing each distinct word once for both keys and
  sketches (the keys' ``Words`` and the sketches share one ``word_hashes`` call);
* ``articles_token_work`` runs it in the pool workers that clean a batch (``wiredesk.pipeline.scaleout``),
  one ``TokenWork`` per article, which travels with the article to the writer (numpy arrays, bytes and
  the match tokens as one string: about 850 bytes a paragraph when pickled);
* ``split_carried`` and ``carried_work`` are what the stage (``wiredesk.dedup.near``) makes of a batch: the
  carried work of the paragraphs that have it, the rest computed inline (reprocess, rebuilds, callers that
  carry nothing), put together with a few numpy operations, not a step per paragraph.

The keys and sketches are the same whichever way they were made (tested): carried work only moves CPU out
of the writer. Pure functions, no store, no Prefect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from wiredesk.dedup.keys import BatchKeys, compute_keys_words
from wiredesk.dedup.matchtext import match_tokens_batch
from wiredesk.dedup.settings import DedupSettings
from wiredesk.dedup.shingles import Words, number_words, word_hashes
from wiredesk.dedup.sketch import SketchTable, ranges, sketch_bytes
from wiredesk.dedup.verify import TokenRows


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
    #: where each paragraph's tokens start in ``tokens`` (characters; one more than the paragraphs, the last
    #: one past the end), so one paragraph's tokens are split without splitting the article's; ``None``:
    #: not given (the whole string is split)
    token_chars: np.ndarray | None = None

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
            computed.append(settings.takes_part(role, len(text)))
    made = token_work(texts, langs, settings, computed)
    whole = made.work
    # characters before each token in the tokens joined by spaces, and the first token of each paragraph
    chars = np.r_[0, np.cumsum(np.fromiter(map(len, made.tokens), dtype=np.int64, count=len(made.tokens)) + 1)]
    first_token = whole.token_offsets()
    out, p, k, t = [], 0, 0, 0
    for size in sizes:
        n_keys = int(whole.key_counts[p : p + size].sum())
        n_tok = int(whole.n_tokens[p : p + size].sum())
        out.append(TokenWork(whole.signature, whole.computed[p : p + size].copy(), whole.n_tokens[p : p + size].copy(),
                             whole.key_counts[p : p + size].copy(), whole.keys[k : k + n_keys].copy(),
                             whole.sketch[4 * t : 4 * (t + n_tok)], " ".join(made.tokens[t : t + n_tok]),
                             bytes(made.salient[t : t + n_tok]),
                             (chars[first_token[p : p + size + 1]] - chars[t]).astype(np.int32)))
        p, k, t = p + size, k + n_keys, t + n_tok
    return out


#: paragraph id -> (the work of its article, the paragraph's number in it)
Carried = Mapping[int, tuple[TokenWork, int]]


def split_carried(eligible: Sequence[int], settings: DedupSettings,
                  carried: Carried | None) -> tuple[dict[int, tuple[TokenWork, int]], list[int]]:
    """Which of the ``eligible`` ids have usable carried work (made with these settings, for a paragraph the
    maker computed), and the rest, whose work the stage makes (their texts are then needed)."""
    carried = carried or {}
    signature = settings.signature_version
    use, here = {}, []
    for pid in eligible:
        got = carried.get(pid)
        if got is not None and got[0].signature == signature and got[0].computed[got[1]]:
            use[pid] = got
        else:
            here.append(pid)
    return use, here


@dataclass
class BatchWork:
    """What the stage needs of its batch (``ids``, of which ``eligible`` are linked), however it was made."""

    n_tokens: list[int]  # per id (0: not eligible)
    keys: BatchKeys  # owner indexes ids
    sketches: SketchTable  # of the eligible ids
    carried: int  # eligible ids whose work came with the batch
    #: the works the batch's paragraphs come from (carried, and the one made here), and per eligible id its
    #: work's number and its own number in that work
    works: list[TokenWork] = field(default_factory=list)
    where: dict[int, tuple[int, int]] = field(default_factory=dict)
    #: per work: its match tokens as a list and their salience flags (split when first needed)
    _words: dict[int, tuple[Sequence[str], np.ndarray]] = field(default_factory=dict)
    #: per work, the number of its first paragraph among all works' paragraphs; per such paragraph, the number
    #: of its first token among all works' tokens (one more than the paragraphs)
    _first_paragraph: list[int] = field(default_factory=list)
    _first_token: list[int] = field(default_factory=list)

    def token_rows(self, ids: Iterable[int]) -> tuple[list[int], TokenRows]:
        """Those of ``ids`` in the batch (in the order given) and their match tokens, one row each, as
        ``verify.compare_pairs`` reads them."""
        found: list[int] = []
        tokens: list[str] = []
        flags: list[np.ndarray] = []
        lengths: list[int] = []
        for pid in ids:
            got = self.where.get(pid)
            if got is None:
                continue
            w, j = got
            work = self.works[w]
            g, first = self._first_paragraph[w] + j, self._first_token[self._first_paragraph[w]]
            lo, hi = self._first_token[g] - first, self._first_token[g + 1] - first
            if w not in self._words and work.token_chars is not None:  # this paragraph's tokens alone
                c0, c1 = int(work.token_chars[j]), int(work.token_chars[j + 1])
                if hi > lo:
                    tokens += work.tokens[c0 : c1 - 1].split(" ")
                    flags.append(np.frombuffer(work.salient, dtype=np.uint8, count=hi - lo, offset=lo).astype(bool))
            else:
                if w not in self._words:
                    self._words[w] = (work.tokens.split(" ") if work.tokens else [],
                                      np.frombuffer(work.salient, dtype=np.uint8).astype(bool))
                words, salient = self._words[w]
                tokens += words[lo:hi]
                flags.append(salient[lo:hi])
            found.append(pid)
            lengths.append(hi - lo)
        salient_all = np.concatenate(flags) if flags else np.zeros(0, dtype=bool)
        return found, TokenRows.of(tokens, salient_all, lengths)


def carried_work(ids: Sequence[int], use: Mapping[int, tuple[TokenWork, int]], here: Sequence[int],
                 texts: Sequence[str], languages: Sequence[str | None], settings: DedupSettings) -> BatchWork:
    """The batch's token counts, keys and sketches: ``use`` carried (``split_carried``), made here for the
    ids of ``here`` from their ``texts`` and ``languages``. Vectorised over the batch: the works' arrays
    are concatenated once and every paragraph's keys and sketch taken from them by offsets."""
    made = token_work(texts, languages, settings) if here else None
    works: list[TokenWork] = []
    number: dict[int, int] = {}
    for w, _ in use.values():
        if id(w) not in number:
            number[id(w)] = len(works)
            works.append(w)
    where = {pid: (number[id(w)], j) for pid, (w, j) in use.items()}
    words: dict[int, tuple[Sequence[str], np.ndarray]] = {}
    if made is not None:
        words[len(works)] = (made.tokens, np.asarray(made.salient, dtype=bool))
        where.update((pid, (len(works), j)) for j, pid in enumerate(here))
        works.append(made.work)
    # every work's paragraphs, numbered one after the other
    sizes = np.fromiter((len(w.n_tokens) for w in works), dtype=np.int64, count=len(works))
    base = np.r_[0, np.cumsum(sizes)]
    n_tok = np.concatenate([w.n_tokens for w in works] + [np.zeros(0, np.int32)]).astype(np.int64)
    n_key = np.concatenate([w.key_counts for w in works] + [np.zeros(0, np.int32)]).astype(np.int64)
    all_keys = np.concatenate([w.keys for w in works] + [np.zeros(0, np.int64)]).astype(np.int64, copy=False)
    sketch = b"".join(w.sketch for w in works)
    key_off, tok_off = np.r_[0, np.cumsum(n_key)], np.r_[0, np.cumsum(n_tok)]
    # the batch's eligible paragraphs in id order: their global numbers and positions in ids
    pos = np.fromiter((i for i, pid in enumerate(ids) if pid in where), dtype=np.int64)
    g = np.fromiter((base[where[ids[i]][0]] + where[ids[i]][1] for i in pos.tolist()), dtype=np.int64, count=len(pos))
    counts = n_key[g]
    keys = BatchKeys(all_keys[ranges(key_off[g], counts)], np.repeat(pos, counts))
    n_tokens = np.zeros(len(ids), dtype=np.int64)
    n_tokens[pos] = n_tok[g]
    # every eligible paragraph's sketch words taken from the works' by offsets: one array, no bytes a paragraph
    sketch_words = np.frombuffer(sketch, dtype="<u4")
    sketches = SketchTable(np.asarray(ids, dtype=np.int64)[pos], np.r_[0, np.cumsum(n_tok[g])].astype(np.int64),
                           sketch_words[ranges(tok_off[g], n_tok[g])])
    return BatchWork(n_tokens.tolist(), keys, sketches, len(use), works, where, words, base.tolist(), tok_off.tolist())

