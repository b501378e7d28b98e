"""Time named pipeline stages from inside a real run, for the "share of the run" benchmarks.

``StageTimer.wrap(module, "name")`` replaces ``module.name`` with a wrapper that adds its wall time to
``timer.spent[label]``; the run calls the module attribute, so the stage is timed where it really runs.
Benchmark instrumentation only: nothing in ``src/`` uses it.
"""

from __future__ import annotations

import time
from typing import Any


class StageTimer:
    """Seconds spent in wrapped functions, summed per label."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, module: Any, attribute: str, label: str | None = None) -> None:
        fn = getattr(module, attribute)
        key = label or attribute

        def wrapped(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.spent[key] = self.spent.get(key, 0.0) + time.perf_counter() - t

        setattr(module, attribute, wrapped)

    def get(self, label: str) -> float:
        return self.spent.get(label, 0.0)

    def clear(self) -> None:
        self.spent.clear()
