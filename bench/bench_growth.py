"""Does one more batch cost the same against 1,000,000 stored paragraphs as against 100,000? Every store step.

    python bench/bench_growth.py                         # 100k, 300k and 1M stored paragraphs, 3 repeats
    python bench/bench_growth.py --quick                 # 100k and 300k, one repeat (a check that it runs)
    python bench/bench_growth.py --sizes 100000,1000000 --window-days 10 --out bench/results/growth.json
    python bench/bench_growth.py --only duplicates --only views --keep --exact-only --exact-window-days 10 --dir DIR
                                                         # kept stores: probe the same ones again (another PYTHONPATH)

For each size, one more batch of 10,000 paragraphs (400 documents of 25, or 500 of 20 in the first store) is
stored step by step in a transaction that is rolled back, so every repeat and every step sees the same store;
the median of ``--repeats`` is reported, with the repeats' range beside it. Three synthetic stores, because each step needs its own realistic
data and a generator for it exists already (nothing is duplicated here):

1. **Duplicates** (``synthetic.Generator``, the paragraphs of ``bench_dedup.py``): grown batch by batch to the
   largest size, each batch a run started one day after the previous one and linked by the real stages. At
   each size the probe batch is *written* (documents and paragraphs, plain SQL), *exact-linked*
   (``writer.relink_exact`` with its cluster refresh), and *near-linked* (``near_index.link_near``) twice:
   against the whole store and with ``dedup.window_days = --window-days`` (10 days: 100,000 paragraphs here),
   and a third time against the whole store with the token-sketch filter off (every candidate verified on its
   text, as before the filter); with ``--exact-window-days``, exact links again with ``dedup.exact_window_days``.
   ``--keep`` keeps the store at each size (with the generator's state) in ``--dir`` and probes the kept copies on
   later runs; ``--exact-only`` probes the write and exact links only.
2. **Views** (``bench_views.build``, built per size): *clusters* (``refresh_clusters`` after a batch of links
   of the store's shape), *event regrouping* (storing the blocking keys of the batch's 1,200 new mentions,
   then ``regroup_events``, window ``events.group_window_days`` 30, the default, and ``EVENTS_WINDOW`` 3 days,
   which the 100k store already fills), *entity counts* (``add_entity_counts``, as the writer) and the *search index*
   (``refresh_search_index`` of the 400 new documents). A store kept in ``--dir`` by an earlier run is upgraded
   first (the migrations it lacks, as a user's store would be).
3. **Stories** (``bench_stories_scale.build``, built per size with one stored document per 25 paragraphs):
   the *story step* of 400 new documents (``read_state``, ``assign``, ``write_result``).

Prints one Markdown table (seconds per step at each size and the ratio largest/smallest; target <= 1.2x) and
writes ``--out``. Speed figures depend on the machine and its load: re-measure idle before quoting them.
"""

from __future__ import annotations

import argparse
import json
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_stories_scale as stories_bench  # noqa: E402
import bench_views as views_bench  # noqa: E402
from synthetic import EPOCH, PER_DOC, Generator, insert_documents  # noqa: E402

from wiredesk.dedup.settings import DedupSettings  # noqa: E402
from wiredesk.store.clusters import refresh_clusters  # noqa: E402
from wiredesk.store.entity_counts import add_entity_counts  # noqa: E402
from wiredesk.store.event_neighbours import store_mention_keys  # noqa: E402
from wiredesk.store.events import regroup_events  # noqa: E402
from wiredesk.store.migrate import migrate  # noqa: E402
from wiredesk.store.near_index import link_near  # noqa: E402
from wiredesk.store.search_index import refresh_search_index  # noqa: E402
from wiredesk.store.writer import relink_exact  # noqa: E402
from wiredesk.stories.model import Settings as StorySettings  # noqa: E402

BATCH = 10_000
#: events.group_window_days of the windowed regrouping probe: the views stores hold 960 documents a day, so the
#: 100k store (4,000 documents) spans 4 days and a 3-day window is full at every size
EVENTS_WINDOW = 3
DAY = timedelta(days=1)


def _run_row(con, run_id: int) -> None:
    con.execute("INSERT INTO runs (run_id, started_at, status, pipeline_version, inputs) VALUES (?, ?, 'completed', "
                "'bench', [])", [run_id, EPOCH + run_id * DAY])


def _store_batch(con, gen: Generator, run_id: int, texts: list[str] | None, settings: DedupSettings,
                 window: DedupSettings | None = None, near: bool = True,
                 exact_window: DedupSettings | None = None) -> dict[str, float]:
    """Write one batch of the duplicates store as run ``run_id`` and link it; seconds per step (``near=False``:
    the write and exact links only; ``exact_window``: and the exact links again with these settings, whose
    ``exact_window_days`` bounds them, in their own rolled-back transaction)."""
    out: dict[str, float] = {}
    t = time.perf_counter()
    _run_row(con, run_id)
    first_doc = run_id * (BATCH // PER_DOC) + 1
    ids = insert_documents(con, gen, first_doc, run_id * BATCH + 1, BATCH // PER_DOC, texts)
    out["write"] = time.perf_counter() - t
    t = time.perf_counter()
    hashes = [r[0] for r in con.execute(
        "SELECT DISTINCT match_hash FROM paragraphs WHERE paragraph_id BETWEEN ? AND ?", [ids[0], ids[-1]]).fetchall()]
    relink_exact(con, sorted(hashes), [], set(ids), settings, run_id)
    out["exact links"] = time.perf_counter() - t

    def again() -> None:  # the same batch again, in its own rolled-back transaction
        con.execute("ROLLBACK")
        con.execute("BEGIN TRANSACTION")
        _run_row(con, run_id)
        insert_documents(con, gen, first_doc, run_id * BATCH + 1, BATCH // PER_DOC, texts)

    if near:
        t = time.perf_counter()
        link_near(con, ids, settings, run_id, now=EPOCH + run_id * DAY)
        out["near links, whole store"] = time.perf_counter() - t
    if near and window is not None:  # with the window
        again()
        t = time.perf_counter()
        link_near(con, ids, window, run_id, now=EPOCH + run_id * DAY)
        out[f"near links, window {window.window_days} days"] = time.perf_counter() - t
        # and against the whole store with every candidate verified on its text (no token-sketch filter)
        again()
        t = time.perf_counter()
        link_near(con, ids, settings, run_id, now=EPOCH + run_id * DAY, prefilter=False)
        out["near links, whole store, without the sketch filter"] = time.perf_counter() - t
    if exact_window is not None:
        again()
        t = time.perf_counter()
        relink_exact(con, sorted(hashes), [], set(ids), exact_window, run_id, now=EPOCH + run_id * DAY)
        out[f"exact links, window {exact_window.exact_window_days} days"] = time.perf_counter() - t
    return out


def duplicates_store(path: Path, sizes: list[int], repeats: int, window_days: int,
                     keep: bool = False, exact_only: bool = False,
                     exact_window_days: int = 0) -> dict[int, dict[str, list[float]]]:
    """Grow the duplicates store to each size and time ``repeats`` probe batches there (rolled back).

    ``keep``: keep a copy of the store at each size (``duplicates-SIZE.duckdb`` beside ``path``, with the
    generator's state in ``duplicates-SIZE.state``) and probe those copies on later runs instead of growing the
    store again, so that runs of two versions of the code (``PYTHONPATH``) probe the same stores."""
    kept = {size: (path.with_name(f"{path.stem}-{size}.duckdb"), path.with_name(f"{path.stem}-{size}.state"))
            for size in sizes}
    if keep and all(db.exists() and state.exists() for db, state in kept.values()):
        return {size: _probe_kept(db, state, repeats, None if exact_only else window_days, exact_window_days)
                for size, (db, state) in kept.items()}
    for suffix in ("", ".wal"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    migrate(con)
    settings = DedupSettings()
    window = None if exact_only else replace(settings, window_days=window_days)
    gen = Generator()
    results: dict[int, dict[str, list[float]]] = {}
    run_id, stored = 0, 0
    for size in sizes:
        started = time.perf_counter()
        while stored < size:
            con.execute("BEGIN TRANSACTION")
            _store_batch(con, gen, run_id, None, settings)
            con.execute("COMMIT")
            run_id, stored = run_id + 1, stored + BATCH
        print(f"duplicates store at {stored:,} ({time.perf_counter() - started:.0f} s to grow)", flush=True)
        if keep:
            con.execute("CHECKPOINT")
            shutil.copyfile(path, kept[size][0])
            kept[size][1].write_bytes(pickle.dumps((run_id, gen.rng.getstate(), list(gen.recent))))
        results[size] = _probe(con, gen, run_id, repeats, settings, window, exact_window_days)
        print(f"{size:,} (duplicates): " + ", ".join(f"{k} {statistics.median(v):.2f} s"
                                                  for k, v in results[size].items()), flush=True)
    con.close()
    return results


def _probe(con, gen: Generator, run_id: int, repeats: int, settings: DedupSettings,
           window: DedupSettings | None, exact_window_days: int = 0) -> dict[str, list[float]]:
    """``repeats`` probe batches of the duplicates store as run ``run_id``, each rolled back (``window``
    ``None``: the write and exact links only)."""
    recent = gen.recent.copy()
    runs = []
    for _ in range(repeats):
        gen.recent = recent.copy()  # copies come from stored paragraphs, not from a rolled-back probe
        texts = [gen.next() for _ in range(BATCH)]
        con.execute("BEGIN TRANSACTION")
        exact_window = replace(settings, exact_window_days=exact_window_days) if exact_window_days else None
        runs.append(_store_batch(con, gen, run_id, texts, settings, window, near=window is not None,
                                 exact_window=exact_window))
        con.execute("ROLLBACK")
    gen.recent = recent
    return _each_step(runs)


def _probe_kept(db: Path, state: Path, repeats: int, window_days: int | None,
                exact_window_days: int = 0) -> dict[str, list[float]]:
    """Probe a store kept by ``duplicates_store(keep=True)``, from the generator's state saved with it."""
    run_id, rng_state, recent = pickle.loads(state.read_bytes())
    gen = Generator()
    gen.rng.setstate(rng_state)
    gen.recent.extend(recent)
    settings = DedupSettings()
    con = duckdb.connect(str(db))
    try:
        window = None if window_days is None else replace(settings, window_days=window_days)
        steps = _probe(con, gen, run_id, repeats, settings, window, exact_window_days)
    finally:
        con.close()
    print(f"{db.name} (duplicates, kept): " + ", ".join(f"{k} {statistics.median(v):.2f} s"
                                                       for k, v in steps.items()), flush=True)
    return steps


def _views_probe(con, docs: int) -> tuple[list[int], list[int], object]:
    """Insert the views store's probe batch (in the caller's transaction): its new document ids, new paragraph
    ids and the last stored publication time before it."""
    p, d, last = con.execute("SELECT max(paragraph_id), max(document_id), max(published_at) FROM paragraphs "
                             "JOIN documents USING (document_id)").fetchone()
    # the batch: documents published after the last stored one, their paragraphs (text of a stored
    # paragraph each), copy links of the store's shape, 3 event mentions and 12 entity mentions each
    con.execute(f"""INSERT INTO documents (document_id, doc_key, version, is_current, url, title, authors, source,
            published_at, language, text, content_hash, origin, kind, raw_sha256, cleaner, pipeline_version, run_id,
            ingested_at, derived_run_id, supplied_meta, lead_line)
        SELECT $d + k, 'new/' || k, 1, true, 'new/' || k, 'New title ' || k, [], 'source-' || (k % 60),
               $last::TIMESTAMPTZ + to_seconds(k * 90), 'en', x.text, md5(k::VARCHAR), 'new/' || k, 'html',
               md5(k::VARCHAR), 'synthetic/1', 'wiredesk/bench', 2, now(), 2, NULL, NULL
        FROM range(1, {docs} + 1) t(k) JOIN paragraphs x ON x.paragraph_id = $p - k * 7""",
                {"d": d, "last": last, "p": p})
    con.execute(f"""INSERT INTO paragraphs (paragraph_id, document_id, position, role, text, attached_to,
            match_hash, n_chars, derived_by, run_id)
        SELECT $p + i, $d + 1 + (i - 1) // {views_bench.PER_DOC}, (i - 1) % {views_bench.PER_DOC}, 'body',
               x.text, NULL, x.match_hash, x.n_chars, 'paragraphs/1', 2
        FROM range(1, {BATCH} + 1) t(i) JOIN paragraphs x ON x.paragraph_id = $p - i * 3""", {"p": p, "d": d})
    con.execute(f"""INSERT INTO duplicates (paragraph_id, duplicate_of, kind, similarity, method, run_id)
        SELECT $p + i, $p - 1 - hash(i) % (2000 * {views_bench.PER_DOC}), 'near', 0.9, 'near/1', 2
        FROM range(1, {BATCH} + 1) t(i) WHERE hash(i * 11) % 100 < 18""", {"p": p})
    con.execute(f"""INSERT INTO event_mention_rows (mention_id, document_id, paragraph_position, sentence_index,
            sentence, sentence_start, sentence_end, trigger, trigger_lemma, trigger_start, trigger_end,
            event_class, actor_name, place_name, place_country, date_precision, negated, confidence, event_id,
            extractor, run_id, place_feature)
        SELECT (SELECT max(mention_id) FROM event_mention_rows) + k * 3 + m, $d + k, m, m, 'A sentence', 0, 40,
               'attacked', 'attack', 2 + m * 100, 10 + m * 100,
               ['PROTEST', 'ASSAULT', 'ACCUSE', 'CONSULT', 'AID'][1 + e % 5],
               'actor ' || (hash(e) % 5000), 'place ' || (hash(e * 3) % 2000), 'IRQ', 'day', false, 0.7, NULL,
               'rules/bench', 2, 'city'
        FROM (SELECT k, m, (($d + k) * 3 + m * 7) // 5 AS e FROM range(1, {docs} + 1) a(k), range(3) b(m))""",
                {"d": d})
    con.execute(f"""INSERT INTO entity_mention_rows (entity_id, document_id, text, start_offset, end_offset,
            extractor, run_id)
        SELECT 1 + floor(pow(50000, (hash(k * 12 + j) % 1000000) / 1e6))::BIGINT % 50000, $d + k, 'Entity',
               j * 10, j * 10 + 6, 'rules/bench', 2
        FROM range(1, {docs} + 1) a(k), range(12) b(j)""", {"d": d})
    return list(range(d + 1, d + docs + 1)), list(range(p + 1, p + BATCH + 1)), last


def regroup(con, new_docs: list[int], window_days: int) -> None:
    """What the writer does for the batch's new mentions: store their blocking keys, then regroup."""
    store_mention_keys(con, new_docs)
    regroup_events(con, 2, new_docs, [], window_days)


def views_batch(path: Path, repeats: int) -> dict[str, list[float]]:
    """The views store's write-side steps for 400 new documents (10,000 paragraphs), rolled back."""
    docs = BATCH // views_bench.PER_DOC
    con = duckdb.connect(str(path))
    runs = []
    try:
        for _ in range(repeats):
            con.execute("BEGIN TRANSACTION")
            new_docs, touched, last = _views_probe(con, docs)
            out = {}
            for name, step in (
                ("clusters refresh", lambda: refresh_clusters(con, touched)),
                ("event regrouping", lambda: regroup(con, new_docs, 30)),
                ("entity counts", lambda: add_entity_counts(con, new_docs, [])),
                ("search index refresh", lambda: refresh_search_index(con, last + timedelta(days=1), 2)),
            ):
                t = time.perf_counter()
                step()
                out[name] = time.perf_counter() - t
            con.execute("ROLLBACK")
            con.execute("BEGIN TRANSACTION")  # the same batch again, regrouped within the short window
            new_docs, _, _ = _views_probe(con, docs)
            t = time.perf_counter()
            regroup(con, new_docs, EVENTS_WINDOW)
            out[f"event regrouping, window {EVENTS_WINDOW} days"] = time.perf_counter() - t
            con.execute("ROLLBACK")
            runs.append(out)
    finally:
        con.close()
    return _each_step(runs)


def stories_batch(path: Path, stored_documents: int, repeats: int) -> dict[str, list[float]]:
    if not path.exists():
        stories_bench.build(path, stored_documents)
    docs = stories_bench.batch(path, BATCH // views_bench.PER_DOC, seed=stored_documents)
    runs = [stories_bench.time_step(path, docs, StorySettings()) for _ in range(repeats)]
    return {"story step": [r["total"] for r in runs]}


def _each_step(runs: list[dict[str, float]]) -> dict[str, list[float]]:
    """Every repeat's seconds, step by step (the median is reported, and the range beside it)."""
    return {k: [r[k] for r in runs] for k in runs[0]}


def report(results: dict[int, dict[str, list[float]]]) -> None:
    """One Markdown row per step: the median seconds at each size, the repeats' range beside it (so growth can
    be told from noise), and the ratio of the medians, largest size / smallest."""
    sizes = sorted(results)
    steps = list(results[sizes[0]])
    print("| step | " + " | ".join(f"{s:,} stored (range)" for s in sizes) + f" | {sizes[-1]:,} / {sizes[0]:,} |")
    print("|---|" + "---|" * (len(sizes) + 1))
    for step in steps:
        med = {s: statistics.median(results[s][step]) for s in sizes}
        cells = [f"{med[s]:.2f} s ({min(results[s][step]):.2f}-{max(results[s][step]):.2f})" for s in sizes]
        ratio = med[sizes[-1]] / med[sizes[0]] if med[sizes[0]] else float("nan")
        print(f"| {step} | " + " | ".join(cells) + f" | {ratio:.2f}x |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,300000,1000000", help="stored paragraphs, comma-separated, ascending")
    ap.add_argument("--quick", action="store_true", help="sizes 100000,300000 and one repeat")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--window-days", type=int, default=10, help="dedup.window_days of the windowed near-link probe")
    ap.add_argument("--only", choices=("duplicates", "views", "stories"), action="append",
                    help="measure only these stores (repeatable)")
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "wiredesk-bench-growth")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--exact-window-days", type=int, default=0,
                    help="also probe exact links with dedup.exact_window_days set to this (0: not)")
    ap.add_argument("--exact-only", action="store_true",
                    help="probe the duplicates store's write and exact links only (not the near stage)")
    ap.add_argument("--keep", action="store_true",
                    help="keep the duplicates store at each size in --dir and probe the kept copies on later runs")
    args = ap.parse_args()
    if args.quick:
        args.sizes, args.repeats = "100000,300000", 1
    sizes = sorted(int(s) for s in args.sizes.split(","))
    only = set(args.only or ("duplicates", "views", "stories"))
    args.dir.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, list[float]]] = {s: {} for s in sizes}
    started = time.perf_counter()
    if "duplicates" in only:
        for size, steps in duplicates_store(args.dir / "duplicates.duckdb", sizes, args.repeats,
                                                     args.window_days, args.keep, args.exact_only,
                                                     args.exact_window_days).items():
            results[size].update(steps)
    for size in sizes:
        if "views" in only:
            path = args.dir / f"views-{size}.duckdb"
            if not path.exists():
                views_bench.build(path, size)
                # the writer stores a place's kind, and regrouping reads it: a city each, so that mentions at two
                # places are two events, as in news (an unresolved place conflicts with none: one event a class)
                with duckdb.connect(str(path)) as con:
                    con.execute("UPDATE event_mention_rows SET place_feature = 'city' WHERE place_feature IS NULL")
            else:  # a store kept from an earlier run, maybe by an older wiredesk: the migrations it lacks
                views_bench.upgrade(path)
            results[size].update(views_batch(path, args.repeats))
        if "stories" in only:
            results[size].update(stories_batch(args.dir / f"stories-{size}.duckdb", size // views_bench.PER_DOC,
                                               args.repeats))
        print(f"{size:,}: " + ", ".join(f"{k} {statistics.median(v):.2f} s" for k, v in results[size].items()),
              flush=True)
    report(results)
    print(f"(whole benchmark {time.perf_counter() - started:.0f} s; speed figures under the machine's current load)")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"sizes": sizes, "repeats": args.repeats, "window_days": args.window_days,
                                        "results": {str(k): {step: statistics.median(v) for step, v in steps.items()}
                                                    for k, steps in results.items()},
                                        "repeats_seconds": {str(k): v for k, v in results.items()},
                                        "machine": views_bench.machine()}, indent=1))


if __name__ == "__main__":
    main()
