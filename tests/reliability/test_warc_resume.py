"""A ``wiredesk run`` of a web archive killed mid-file, then run again, stores every page once: the same
database as a clean run. Real processes (``harness.run_wiredesk``), SIGKILL at a checkpoint (``WIREDESK_FAULT``).

The archive is read in chunks of ``ingest.batch_size`` records from a byte offset; each record is known by
``file#offset`` in ``item_state``, committed with its document, so the rerun reads the file again and finds
the stored records unchanged."""

from __future__ import annotations

import pytest

from conftest import query
from support.warc import pages, record, response, write_warc

from .harness import Fault, run_wiredesk
from .invariants import check_database, diff_snapshots, snapshot
from .workload import write_config

#: the kills: after the second batch committed, inside the third batch's transaction, while loading the fourth
FAULTS = (Fault("kill", "store:committed", 2), Fault("kill", "store:documents", 3), Fault("kill", "files:loaded", 4))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """14 pages, a request, an image and a broken record in one archive (five chunks of three records), and
    the offset of the broken record."""
    folder = tmp_path_factory.mktemp("warc")
    records = pages(6) + [record("request", "https://news.example.org/story/1", b"GET / HTTP/1.1\r\n\r\n"),
                          response("https://news.example.org/a.png", b"\x89PNG", "image/png"),
                          response("https://news.example.org/bad", b"", head=b"HTTP/1.1 OK\r\n\r\n")] + pages(8, start=6)
    offsets = write_warc(folder / "crawl.warc.gz", records)
    return folder / "crawl.warc.gz", offsets[8]


@pytest.fixture(scope="module")
def reference(tmp_path_factory, archive):
    """The database of a clean run of the archive."""
    root = tmp_path_factory.mktemp("clean")
    config = write_config(root / "wiredesk.toml", root / "wiredesk.duckdb", ingest={"batch_size": 3})
    result = run_wiredesk(root, config, [str(archive[0])])
    assert result.returncode == 0, result.stderr[-2000:]
    return root / "wiredesk.duckdb"


@pytest.mark.parametrize("fault", FAULTS, ids=str)
def test_a_run_of_an_archive_killed_mid_file_reruns_to_the_database_of_a_clean_run(tmp_path, archive, reference,
                                                                                  fault):
    path, bad_offset = archive
    keys = [r[0] for r in snapshot(reference)["documents"]]
    assert len(keys) == 14
    work = tmp_path / "broken"
    work.mkdir()
    db = work / "wiredesk.duckdb"
    config = write_config(work / "wiredesk.toml", db, ingest={"batch_size": 3})
    broken = run_wiredesk(work, config, [str(path)], fault)
    assert broken.killed, broken.stderr[-1000:]
    assert check_database(db) == []
    rerun = run_wiredesk(work, config, [str(path)])
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert check_database(db, expected_doc_keys=keys, finished=True) == []
    assert diff_snapshots(snapshot(reference), snapshot(db)) == []
    # the broken record is one failure, whichever run met it first
    failures = "SELECT origin, reason FROM failures"
    assert query(db, failures) == query(reference, failures) == [(f"{path}#{bad_offset}", "bad_http_header")]
