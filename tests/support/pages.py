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


#: The four paragraphs of ``split_article``.
SPLIT_PARAGRAPHS = (
    "The harbour authority in Port Elwen approved a plan on Tuesday to deepen the main shipping channel by four "
    "metres, ending a dispute between the port, the fishing cooperative and two neighbouring towns that had "
    "stalled the project for more than two years and cost the harbour several contracts with shipping lines.",
    "Engineers said the dredging would begin in the spring and last about eighteen months, with work paused "
    "during the herring spawning season to protect the fishery.",
    "Local fishermen, who had opposed the first version of the plan, said the new schedule met most of their "
    "demands, although some still fear the noise will drive fish away.",
    "The council expects larger container ships to call at the port from the end of next year, and estimates "
    "that the deeper channel will bring about three hundred new jobs.",
)


def split_article(title: str = "Harbour channel to be deepened") -> bytes:
    """A page whose article body is split across sibling containers: the first paragraph in
    ``div.story-body``, the rest in ``div.rest.hide-mobile`` (a site folding the rest of the story away on
    small screens). trafilatura's generic extraction discards the ``hide-`` containers as hidden and keeps
    only the first paragraph; a site rule keeping both containers gets all four. The page also carries a
    newsletter box inside the article, which a drop selector removes."""
    rest = "\n".join(f'<div class="rest hide-mobile"><p>{p}</p></div>' for p in SPLIT_PARAGRAPHS[1:])
    return f"""<!DOCTYPE html><html lang="en"><head><title>{title}</title></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav></header>
<main><article><h1>{title}</h1>
<div class="story-body"><p>{SPLIT_PARAGRAPHS[0]}</p></div>
<div class="newsletter-box"><p>Get the Port Elwen Courier in your inbox every morning: sign up for our free
newsletter today and never miss a story from the harbour.</p></div>
{rest}
</article></main>
<footer><p>Copyright 2026 Port Elwen Courier</p></footer>
</body></html>""".encode()
