"""The soak test of bench/soak.py, small enough for every test run: 10 feeds on 10 local hosts (one drips,
one resets connections, one answers 503), two pages each, two runs. The full soak (200 feeds, five runs)
is in BENCHMARKS.md; this keeps the script and what it checks working as the code changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SOAK = Path(__file__).resolve().parents[2] / "bench" / "soak.py"


def test_a_small_soak_stores_every_normal_page_once_and_records_each_failing_page_once(tmp_path):
    report_file = tmp_path / "soak.json"
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "TMPDIR": str(scratch)}
    done = subprocess.run([sys.executable, str(SOAK), "--feeds", "10", "--hosts", "10", "--pages", "2", "--runs", "2",
                           "--task-timeout", "20", "--json", str(report_file)],
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = json.loads(report_file.read_text())
    assert report["violations"] == []
    kinds = report["host_kinds"]
    assert kinds["drip"] == kinds["reset"] == kinds["5xx"] == 1
    # every normal page is one document; every failing page one row, tried in both runs
    assert report["documents"] == report["normal_pages"] == report["pages"] - 3 * 2
    assert report["failure_rows"] == {"timeout x2": 2, "protocol x2": 2, "status x2": 2}
    # all normal pages in the first run; the second asks only the failing ones again
    assert [r["articles_downloaded"] for r in report["runs"]] == [report["normal_pages"], 0]
    assert list(scratch.iterdir()) == []  # the soak's database folder is removed
