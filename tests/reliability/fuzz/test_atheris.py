"""Coverage-guided fuzzing (bench/fuzz_atheris.py) of every target finds no crash: slow, and skipped
when atheris (the ``fuzz`` extra) is not installed."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO

pytest.importorskip("atheris", reason="atheris not installed: pip install -c constraints.txt -e '.[fuzz]'")

RUNS = {"feed": 5000, "sitemap": 5000, "opml": 5000, "html": 1000, "file": 5000}


@pytest.mark.slow
@pytest.mark.parametrize("target", list(RUNS))
def test_coverage_guided_fuzzing_finds_no_crash(target, tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "bench" / "fuzz_atheris.py"), target,
                           f"-atheris_runs={RUNS[target]}", "-rss_limit_mb=1024", "-timeout=120"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=3600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert f"atheris {target}: " in proc.stderr and list(tmp_path.glob("crash-*")) == []
