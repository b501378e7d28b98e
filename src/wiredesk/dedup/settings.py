"""Duplicate-linking settings (the ``[dedup]`` table): one frozen dataclass with measured defaults.

``wiredesk.domain.settings`` maps the ``[dedup]`` TOML table onto ``DedupSettings`` field by field (docs/dedup.md
has the measurements behind each default). Fields split in three: *eligibility* (``min_chars``, ``roles``)
applies to exact and near links; *index* parameters change the stored keys, so ``signature_version`` changes
with them and the index must be rebuilt (``wiredesk dedup-rebuild``); *decision* parameters only change which
verified candidates become links and apply to batches ingested afterwards.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass

import numpy as np

from wiredesk.domain.errors import ConfigError

#: Bump when the code that turns text into keys changes (match_tokens, shingling, hashing, banding, the
#: common-word lists). 3: common words per document language (spaCy's lists, wiredesk.dedup.stopwords).
KEYS_CODE_VERSION = 3


def _rensa_algorithm() -> int:
    from rensa import RMinHash  # imported here so settings can be loaded without building signatures

    return int(RMinHash.ALGORITHM_VERSION)


@dataclass(frozen=True)
class DedupSettings:
    """Duplicate linking: which paragraphs take part, the near-duplicate index, and the link thresholds."""

    # -- eligibility (exact and near) --
    #: paragraphs shorter than this (in characters) are not linked: "Credit: Reuters" is not news
    min_chars: int = 30
    #: roles whose paragraphs are linked (credits and boilerplate are not)
    roles: tuple[str, ...] = ("body", "caption")

    # -- index parameters (stored keys depend on them; changing one requires a rebuild) --
    #: MinHash permutations per paragraph signature.
    num_perm: int = 64
    #: LSH bands; ``num_perm / bands`` rows per band. 16 x 4 puts the 50 % candidate point at Jaccard ~0.50.
    bands: int = 16
    #: Words per shingle for the MinHash signature.
    shingle_words: int = 3
    #: Words per shingle for winnowing anchors, and the winnowing window (in shingles). Any shared run of
    #: ``anchor_words + anchor_window - 1`` words is guaranteed to produce a shared anchor.
    anchor_words: int = 4
    anchor_window: int = 4
    #: Paragraphs with fewer match tokens than this keep every anchor shingle (no winnowing): in a short
    #: paragraph two edits leave too few shared MinHash bands and winnowed anchors to make a candidate.
    dense_anchor_tokens: int = 30
    #: MinHash seed.
    seed: int = 1
    #: Paragraphs with fewer match tokens get no near/partial keys (exact links still apply).
    min_tokens: int = 6

    # -- decision parameters (apply to new batches, no rebuild) --
    #: Two paragraphs are candidates when they share a band key, or at least this many keys in all. One shared
    #: anchor alone is mostly a common phrase; requiring two keeps false candidates (and so the cost of a
    #: batch) from growing with the corpus, at a cost of 1-2 % partial recall (docs/dedup.md).
    min_shared_keys: int = 2
    #: Whole-paragraph similarity (weighted token alignment, 0..1) at or above which two paragraphs are ``near``.
    near_threshold: float = 0.80
    #: Also ``near``: the shorter paragraph's tokens are at least this share aligned inside the longer one...
    near_containment: float = 0.85
    #: ...and it has at least this share of the longer one's length (a trimmed rewrite, not a quote).
    near_min_length_ratio: float = 0.6
    #: A ``partial`` link needs at least this many words shared in runs of ``partial_min_run`` words...
    partial_min_shared: int = 12
    partial_min_run: int = 8
    #: ...covering at least this share of the shorter paragraph.
    partial_min_containment: float = 0.15
    #: Safety valve against hot keys: at most this many stored candidates are verified per paragraph (the
    #: ones sharing most keys). Incremental and one-shot runs agree whenever no paragraph reaches the cap.
    max_candidates: int = 200
    #: Match a batch only against paragraphs indexed by runs started in the last this many days (the batch
    #: itself always included); 0: against every stored paragraph. A window keeps the cost of a batch flat
    #: as the store grows (copies of old text are rare in news) at the price of missing copies of older text
    #: and of links that depend on arrival order (docs/dedup.md, "Window"). No rebuild: keys are unchanged.
    window_days: int = 0
    #: The same window for exact links: a batch's paragraphs are clustered with the equal paragraphs stored by
    #: runs started in the last this many days only (the near stage's window start, ``dedup_runs``); 0: with every
    #: stored one. Finding equal text reads every stored paragraph's hash, a cost that grows with the store; a
    #: window bounds it at the price of copies of older text staying unlinked to it (docs/dedup.md, "Window").
    exact_window_days: int = 0

    def __post_init__(self) -> None:
        if self.num_perm <= 0 or self.bands <= 0 or self.num_perm % self.bands:
            raise ConfigError(f"dedup.bands ({self.bands}) must divide dedup.num_perm ({self.num_perm})")
        for name in ("min_chars", "min_shared_keys", "shingle_words", "anchor_words", "anchor_window", "dense_anchor_tokens",
                     "min_tokens", "partial_min_run",
                     "partial_min_shared", "max_candidates"):
            if getattr(self, name) < 1:
                raise ConfigError(f"dedup.{name} must be at least 1, got {getattr(self, name)}")
        for name in ("window_days", "exact_window_days"):
            if getattr(self, name) < 0:
                raise ConfigError(f"dedup.{name} must be 0 (no window) or more, got {getattr(self, name)}")
        for name in ("near_threshold", "near_containment", "near_min_length_ratio", "partial_min_containment"):
            if not 0.0 < getattr(self, name) <= 1.0:
                raise ConfigError(f"dedup.{name} must be in (0, 1], got {getattr(self, name)}")

    def takes_part(self, role: str, chars: int) -> bool:
        """Whether a paragraph of this role and length in characters is linked at all (exact and near): the
        eligibility fields. The SQL of the store (``reader``, ``writer``) says the same with ``roles`` and
        ``min_chars``."""
        return role in self.roles and chars >= self.min_chars

    def takes_part_all(self, roles: np.ndarray, chars: np.ndarray) -> np.ndarray:
        """``takes_part`` of many paragraphs at once (their roles and lengths as arrays): the same rule, a bool
        array (what the near stage asks of a whole batch's stored rows)."""
        roles = np.asarray(roles, dtype=object)
        return np.isin(roles, np.array(self.roles, dtype=object)) & (np.asarray(chars) >= self.min_chars)

    @property
    def rows_per_band(self) -> int:
        return self.num_perm // self.bands

    @property
    def signature_version(self) -> str:
        """Identifies the stored keys: equal versions mean the index can be reused as it is."""
        return (
            f"keys/{KEYS_CODE_VERSION};minhash/rensa-r{_rensa_algorithm()};p{self.num_perm};b{self.bands};k{self.shingle_words};"
            f"s{self.seed};anchor{self.anchor_words}x{self.anchor_window}d{self.dense_anchor_tokens};"
            f"min{self.min_tokens}t{self.min_chars}c;"
            f"roles={','.join(sorted(self.roles))}"
        )

    @property
    def fingerprint(self) -> str:
        """Short hash of every field (index and decision parameters), stored on each duplicate link
        (``duplicates.dedup_settings``) so links made under other settings can be told apart."""
        fields = asdict(self)
        if not fields["exact_window_days"]:  # added later: off, links keep the label they had before it existed
            del fields["exact_window_days"]
        text = json.dumps(fields, sort_keys=True, default=list)
        return "dedup-settings/" + hashlib.sha256(text.encode()).hexdigest()[:12]
