"""`wiredesk status` on real databases (runs, failing and due sources, index health), the flow's summary
artifact grouping errors by source, and the per-task timeout stopping a stuck stage."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wiredesk.cli import main
from wiredesk.domain.models import Failure
from wiredesk.cli.report import errors_by_source


class _Server:
    """127.0.0.1, port 0: ``/down`` answers 500, ``/slow`` answers after 20 s (or at shutdown)."""

    def __init__(self):
        stop = self.stop = threading.Event()

        class H(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                if self.path == "/slow":
                    stop.wait(20)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local():
    srv = _Server()
    yield srv
    srv.close()


@pytest.fixture
def cfg(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text("[http]\nallow_networks = [\"127.0.0.1/32\"]\nper_host_delay = 0.0\nretries = 1\nretry_backoff = 0.0\n"
                    "[events]\nenabled = false\n")
    return path


def test_status_shows_runs_sources_size_and_a_healthy_index(seeds, db, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    capsys.readouterr()
    assert main(["status", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "last runs" in out and "completed" in out and "2 new, 0 updated, 0 failed, 3 duplicates" in out
    assert "no run in progress" in out and "0 missing" in out and "settings match" in out
    assert out.rstrip().endswith("health     ok")  # no warnings line
    assert main(["status", "--db", db, "--strict"]) == 0


def test_status_names_a_failing_source_and_exits_1(local, db, cfg, capsys):
    url = local.url("/down")
    assert main(["run", "--no-prefect", "-q", url, "--db", db, "--config", str(cfg)]) == 1
    capsys.readouterr()
    assert main(["status", "--db", db, "--config", str(cfg), "--json"]) == 1
    st = json.loads(capsys.readouterr().out)
    (failing,) = st["sources_failing"]
    assert failing["consecutive_failures"] == 1 and failing["last_status"] == 500 and "HTTP 500" in failing["last_error"]
    assert st["sources_total"] == 1 and st["sources_due"] == []  # backing off: not due yet
    assert "1 failing source(s)" in st["problems"] and st["warnings"] == []
    assert main(["status", "--db", db, "--config", str(cfg), "--strict"]) == 1  # a problem either way


def test_status_reports_index_settings_changed_since_the_index_was_built(seeds, db, tmp_path, capsys):
    assert main(["run", "--no-prefect", "-q", str(seeds), "--db", db]) == 0
    changed = tmp_path / "d.toml"
    changed.write_text("[dedup]\nnum_perm = 32\n")
    capsys.readouterr()
    assert main(["status", "--db", db, "--config", str(changed)]) == 1
    out = capsys.readouterr().out
    assert "settings CHANGED" in out and "run `wiredesk dedup-rebuild`" in out


def test_status_of_a_missing_database_is_one_line(tmp_path, capsys):
    assert main(["status", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no database at" in capsys.readouterr().err


def test_errors_are_grouped_by_source_host_or_folder():
    failures = [Failure("https://a.example/x", "fetch", "status", "HTTP 500"),
                Failure("https://a.example/y", "fetch", "timeout", "t"),
                Failure("https://a.example/z", "fetch", "status", "HTTP 500"),
                Failure("/data/in/bad.html", "load", "empty", "e")]
    assert errors_by_source(failures) == [("a.example", 3, "fetch/status x2, fetch/timeout x1"),
                                          ("/data/in", 1, "load/empty x1")]


def test_the_flow_publishes_errors_by_source_in_its_summary_artifact(prefect_harness, local, db, cfg):
    from prefect import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from wiredesk_flows.ingest import ingest_flow

    summary = ingest_flow(paths=[local.url("/down")], db=db, config=str(cfg))
    import duckdb

    con = duckdb.connect(db, read_only=True)
    (flow_run_id,) = con.execute("SELECT flow_run_id FROM runs").fetchone()
    con.close()
    with get_client(sync_client=True) as client:
        (artifact,) = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    assert summary.counts.items_failed == 1
    assert "## Errors by source" in artifact.data and "| 127.0.0.1 | 1 | fetch/status x1 |" in artifact.data


def test_a_slow_feed_group_ends_within_its_fetch_budget_instead_of_its_task_timeout(prefect_harness, local, db,
                                                                                      tmp_path):
    from wiredesk_flows.ingest import ingest_flow

    cfg = tmp_path / "t.toml"
    cfg.write_text("[http]\nallow_networks = [\"127.0.0.1/32\"]\nper_host_delay = 0.0\nretries = 0\n"
                   "read_timeout = 60.0\ntotal_timeout = 60.0\n[serve]\ntask_timeout_seconds = 4.0\n[events]\n"
                   "enabled = false\n")
    summary = ingest_flow(paths=[local.url("/slow")], db=db, config=str(cfg))  # the server answers after 20 s
    assert summary.status == "completed"  # the feed was cut at the budget (3 s) and left for the next run
    import duckdb

    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT status FROM runs").fetchall() == [("completed",)]
    assert con.execute("SELECT error FROM fetches").fetchall() == [("deferred",)]
    assert con.execute("SELECT next_fetch_at IS NULL, consecutive_failures FROM sources").fetchall() == [(True, 0)]
    con.close()


def test_a_task_that_exceeds_its_timeout_fails_the_run_instead_of_hanging(prefect_harness, db, tmp_path):
    import json

    from prefect.task_engine import TaskRunTimeoutError

    from wiredesk_flows.ingest import ingest_flow

    # reading 200,000 records takes seconds (measured ~3 s): the load stage runs into a 1 s task timeout
    # (fetching cannot: its budget ends it first, see the test above)
    empty = tmp_path / "empty"
    empty.mkdir()
    assert ingest_flow(paths=[str(empty)], db=db).status == "completed"  # the database exists, migrated
    big = tmp_path / "in" / "big.jsonl"
    big.parent.mkdir()
    big.write_text("".join(json.dumps({"text": f"Record {i}: the harbour council met on Tuesday."}) + "\n"
                           for i in range(200_000)))
    cfg = tmp_path / "t.toml"
    cfg.write_text("[serve]\ntask_timeout_seconds = 1.0\n[events]\nenabled = false\n[ingest]\nworkers = 1\n")
    # the timeout lands in whichever task first passes 1 s: in Python code it is Prefect's TaskRunTimeoutError;
    # inside a DuckDB query (plan or store of a batch, under load) DuckDB reports the interruption instead
    with pytest.raises((TaskRunTimeoutError, RuntimeError)) as raised:
        ingest_flow(paths=[str(big.parent)], db=db, config=str(cfg))
    assert raised.type is TaskRunTimeoutError or "interrupted" in str(raised.value)
    import duckdb

    con = duckdb.connect(db, read_only=True)
    assert con.execute("SELECT status FROM runs ORDER BY run_id").fetchall() == [("completed",), ("failed",)]
    con.close()
