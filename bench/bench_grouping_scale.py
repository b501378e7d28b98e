"""How grouping time grows with the number of mentions (synthetic mentions, no NLP).

    python bench/bench_grouping_scale.py [N ...]    (default: 1000 3000 6000 20000)

Mentions are random but shaped like news: 5 classes, 300 cities (60% of mentions have one), dates over 60
days (50% known), 5 mentions per document, 50 outlets. Reports seconds and events for each N.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import datetime, timedelta, timezone

from wiredesk.events.group import group_mentions
from wiredesk.events.model import UNKNOWN_DATE, DateRef, EventMention, Place

CLASSES = ["ASSAULT", "PROTEST", "COERCE", "ACCUSE", "THREATEN"]
WORDS = ["police", "fired", "protesters", "city", "killed", "market", "army", "rebels", "attack", "bomb"]


def synthetic(n: int, seed: int = 1) -> list[EventMention]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        published = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=rnd.randrange(60))
        day = published.date() - timedelta(days=rnd.randrange(3))
        city = f"City{rnd.randrange(300)}"
        out.append(EventMention(
            doc_key=f"doc{i // 5}", source=f"src{rnd.randrange(50)}", published_at=published, sentence_index=i % 5,
            sentence=" ".join(rnd.choice(WORDS) for _ in range(15)), sentence_start=0, sentence_end=10,
            trigger="attack", trigger_start=i % 5 * 100, trigger_end=i % 5 * 100 + 6, event_class=rnd.choice(CLASSES),
            cameo=None, actor=None, target=None,
            place=Place(city, city, "XXX", 0.0, 0.0, "city", None, 0, 0) if rnd.random() < 0.6 else None,
            date=DateRef(day, day, "day") if rnd.random() < 0.5 else UNKNOWN_DATE, killed=None, wounded=None,
            crowd=None, negated=False, modality=None, confidence=0.8, trigger_lemma="attack"))
    return out


def main(argv: list[str] | None = None) -> int:
    sizes = [int(a) for a in (sys.argv[1:] if argv is None else argv)] or [1000, 3000, 6000, 20000]
    for n in sizes:
        mentions = synthetic(n)
        t0 = time.perf_counter()
        events = group_mentions(mentions)
        print(f"{n:>7} mentions → {len(events):>6} events in {time.perf_counter() - t0:6.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
