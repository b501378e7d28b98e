"""Coverage-guided fuzzing of wiredesk's input stages with atheris (libFuzzer for Python).

Complements the Hypothesis tests in tests/reliability/fuzz/ (which mutate real documents by rules): atheris
instruments the Python code and evolves inputs toward new branches. One target per run:

    python bench/fuzz_atheris.py feed     -atheris_runs=20000   # parse_feed (RSS/Atom/RDF/JSON Feed)
    python bench/fuzz_atheris.py sitemap  -atheris_runs=20000   # parse_sitemap
    python bench/fuzz_atheris.py opml     -atheris_runs=20000   # parse_opml
    python bench/fuzz_atheris.py html     -atheris_runs=3000    # charset decoding + the HTML cleaner
    python bench/fuzz_atheris.py file     -atheris_runs=20000   # file decoding, front matter, JSON records

The property is the stages' contract: a result, or the documented per-item error (``FeedError``,
``CleanError``, ``BadInputError``); anything else is a crash and libFuzzer stops with the input saved as
``crash-*``. Seeds: the built-in documents of tests/reliability/fuzz/strategies.py. Needs the ``fuzz`` extra
(``pip install -c constraints.txt -e ".[fuzz]"``); run by ``make reliability`` and by
tests/reliability/fuzz/test_atheris.py under ``pytest -m slow``. Prints the run count on exit.
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

with atheris.instrument_imports():
    from wiredesk.clean.cleaner import HtmlCleaner
    from wiredesk.domain.errors import BadInputError, CleanError, FeedError
    from wiredesk.sources.feeds.collect import decode_html
    from wiredesk.sources.feeds.opml import parse_opml
    from wiredesk.sources.feeds.parse import parse_feed
    from wiredesk.sources.feeds.sitemap import parse_sitemap
    from wiredesk.sources.files import decode, record_to_item, split_front_matter
    from wiredesk.domain.models import InputItem, ItemMeta

from fuzz.strategies import FEEDS, HTML, OPML, SITEMAP, SITEMAP_INDEX  # noqa: E402

RUNS = {"n": 0}


def feed(data: bytes) -> None:
    try:
        parse_feed(data, "https://example.com/feed")
    except FeedError:
        pass


def sitemap(data: bytes) -> None:
    try:
        parse_sitemap(data, "https://example.com/sitemap.xml", max_decoded_bytes=1_000_000)
    except FeedError:
        pass


def opml(data: bytes) -> None:
    try:
        parse_opml(data)
    except FeedError:
        pass


def html(data: bytes) -> None:
    text = decode_html(data, "")
    item = InputItem(origin="fuzz", kind="html", content=text, raw=data, raw_sha256=hashlib.sha256(data).hexdigest(),
                     meta=ItemMeta())
    try:
        HtmlCleaner().clean(item)
    except CleanError:
        pass


def file(data: bytes) -> None:
    try:
        text = decode(data, "html", "")
    except BadInputError:
        return
    split_front_matter(text)
    try:
        record = json.loads(text)
    except ValueError:
        return
    try:
        record_to_item(record, "fuzz.json", data)
    except BadInputError:
        pass


TARGETS = {"feed": (feed, FEEDS), "sitemap": (sitemap, [SITEMAP, SITEMAP_INDEX]), "opml": (opml, [OPML]),
           "html": (html, [HTML]), "file": (file, [HTML, *FEEDS, b'{"text": "x", "published": 1e300}'])}


def main() -> None:
    name = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("-") else "feed"
    target, seeds = TARGETS[name]
    seed_dir = Path(tempfile.mkdtemp(prefix=f"wiredesk-atheris-{name}-"))
    for i, seed in enumerate(seeds):
        (seed_dir / f"seed{i}").write_bytes(seed)

    for seed in seeds:  # warm up: htmldate's dateparser fallback compiles ~200 locales' regexes on first use
        target(seed)     # (~9 s once per process, instrumented far longer), which libFuzzer would call a hang

    def one(data: bytes) -> None:
        RUNS["n"] += 1
        target(data)

    argv = [sys.argv[0], *[a for a in sys.argv[1:] if a.startswith("-")], str(seed_dir)]
    import atexit

    atexit.register(lambda: print(f"atheris {name}: {RUNS['n']} inputs run", file=sys.stderr))
    atheris.Setup(argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
