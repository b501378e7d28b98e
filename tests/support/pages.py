"""Article pages the HTTP tests serve on 127.0.0.1: real-looking HTML with enough text that the cleaner keeps
it as an article (and the access check reads it as one)."""

from __future__ import annotations

WORDS = ("The council met on Tuesday to discuss the harbour project, which has divided residents for years. "
         "Officials said the vote would take place next month after a final round of public consultation. ")


def article(i: int, repeat: int = 2, paragraphs: int = 3) -> bytes:
    """Page ``i``: title "Story i", ``paragraphs`` paragraphs of ``WORDS`` repeated ``repeat`` times."""
    paras = "".join(f"<p>Story {i}, paragraph {j}. {WORDS * repeat}</p>" for j in range(paragraphs))
    return (f"<html><head><title>Story {i}</title></head><body><article><h1>Story {i}</h1>{paras}</article>"
            f"</body></html>").encode()
