"""The Article Extraction Benchmark (AEB) corpus and its metric, for wiredesk's benchmarks.

Reads ``../shared/corpus/aeb`` beside the repository (``WIREDESK_CORPUS`` overrides); never copies it
into the repo. The metric re-implements the benchmark's published definition: token 4-gram shingles
(tokens are ``\\w+`` runs) of the extracted body against the human-checked ``articleBody``; per
document tp/fp/fn normalised to sum 1; precision and recall averaged over documents; F1 from the means.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

from corpus_path import REPO, corpus_dir  # noqa: F401 (re-exported for the scripts)


def aeb_pages() -> dict[str, bytes]:
    """``{page id: html bytes}`` for the 181 pages, or exit with a message if the corpus is absent."""
    html_dir = corpus_dir() / "aeb" / "html"
    if not html_dir.is_dir():
        sys.exit(f"AEB corpus not found at {html_dir} (set WIREDESK_CORPUS)")
    return {p.name.removesuffix(".html.gz"): gzip.decompress(p.read_bytes()) for p in sorted(html_dir.glob("*.html.gz"))}


def aeb_truth() -> dict[str, str]:
    data = json.loads((corpus_dir() / "aeb" / "ground-truth.json").read_text(encoding="utf-8"))
    return {k: v.get("articleBody", "") for k, v in data.items()}


def write_pages(pages: dict[str, bytes], folder: Path) -> list[Path]:
    """Write pages as ``<id>.html`` files (what ``wiredesk run`` reads)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for key, html in pages.items():
        path = folder / f"{key}.html"
        path.write_bytes(html)
        out.append(path)
    return out


_TOKEN = re.compile(r"\w+")


def _shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_scores(truth: str, pred: str) -> tuple[float, float, float]:
    """Normalised (tp, fp, fn) of one document."""
    t, p = _shingles(truth), _shingles(pred)
    tp = sum((t & p).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def aeb_metric(truth: dict[str, str], predicted: dict[str, str]) -> dict[str, float]:
    """Precision, recall and F1 over all documents of ``truth`` (a missing prediction is empty text)."""
    scores = [shingle_scores(truth[k], predicted.get(k, "")) for k in truth]

    def precision(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fp == 0 else tp / (tp + fp))

    def recall(tp, fp, fn):
        return 1.0 if fp == fn == 0 else (0.0 if tp == fn == 0 else tp / (tp + fn))

    p = statistics.mean(precision(*s) for s in scores if s[0] + s[1] > 0)
    r = statistics.mean(recall(*s) for s in scores if s[0] + s[2] > 0)
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r), "documents": len(scores)}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
