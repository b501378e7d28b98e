"""A digest of every table after ingesting the seeds and the AEB pages: proof that a refactoring changed no row.

    python bench/table_digest.py [--corpus DIR] [--keep DIR]

Copies ``seeds/`` and writes the 181 AEB pages (``$WIREDESK_CORPUS/aeb/html/*.html.gz``, see ``aeb.py``) into a
fresh temporary folder, runs ``wiredesk run seeds aeb --no-prefect`` there with the default settings (events on)
into a fresh database, then prints one SHA-256 per table of the database (its rows sorted, the columns named in
``VOLATILE`` left out) and one over all of them. Two checkouts whose code derives the same rows print the same
digests; the command line, not a Python import path, is what is run, so the script works on either side of a
move of modules.

The paths given to the run are relative to the temporary folder (``seeds/...``, ``aeb/...``), so ``origin``,
``doc_key`` and ``runs.inputs`` hold no machine path and stay in the digest.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aeb import REPO, aeb_pages, write_pages  # noqa: E402

#: Columns left out of the digest: wall-clock times, durations and run timestamps, which differ on every run.
VOLATILE = {
    "runs": ("started_at", "finished_at"),
    "raw_pages": ("stored_at",),
    "documents": ("ingested_at",),
    "failures": ("failed_at",),
    "fetches": ("started_at", "duration_ms"),
    "sources": ("added_at", "next_fetch_at", "last_fetch_at", "last_success_at"),
    "dedup_index": ("built_at",),
    "search_index": ("built_at",),
    "schema_migrations": ("applied_at",),
}


def ingest(workdir: Path, db: Path) -> None:
    """Run ``wiredesk run seeds aeb --no-prefect`` in ``workdir`` (defaults: events on) into ``db``."""
    shutil.copytree(REPO / "seeds", workdir / "seeds")
    write_pages(aeb_pages(), workdir / "aeb")
    exe = shutil.which("wiredesk", path=str(Path(sys.executable).parent)) or "wiredesk"
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    subprocess.run([exe, "run", "seeds", "aeb", "--no-prefect", "--db", str(db)], cwd=workdir, env=env, check=True,
                   stdout=subprocess.DEVNULL)


def table_digests(db: Path) -> dict[str, tuple[int, str]]:
    """``table -> (rows, SHA-256 of its sorted rows without the VOLATILE columns)`` for every base table."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY 1").fetchall()]
        out = {}
        for table in tables:
            columns = [r[0] for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall()]
            kept = [c for c in columns if c not in VOLATILE.get(table, ())]
            select = ", ".join(f'"{c}"' for c in kept)
            rows = con.execute(f'SELECT {select} FROM "{table}" ORDER BY ALL').fetchall()
            h = hashlib.sha256(repr(kept).encode())
            for row in rows:
                h.update(repr(row).encode())
                h.update(b"\n")
            out[table] = (len(rows), h.hexdigest())
        return out
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", help="the shared corpus folder (default: $WIREDESK_CORPUS or ../shared/corpus)")
    ap.add_argument("--keep", help="build the database in this (new) folder and keep it, instead of a temporary one")
    args = ap.parse_args()
    if args.corpus:
        os.environ["WIREDESK_CORPUS"] = args.corpus
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        db = workdir / "digest.duckdb"
        ingest(workdir, db)
        digests = table_digests(db)
    total = hashlib.sha256()
    for table, (n, digest) in digests.items():
        print(f"{table:24} {n:7d} rows  {digest}")
        total.update(f"{table} {n} {digest}\n".encode())
    print(f"{'TOTAL':24} {'':12}  {total.hexdigest()}")
    print("left out: " + "; ".join(f"{t}.{', '.join(c)}" for t, c in VOLATILE.items()))


if __name__ == "__main__":
    main()
