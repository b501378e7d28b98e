"""What Prefect prints on the terminal of `wiredesk run`: its own error records of an error wiredesk reports
itself are left out.

A run that meets an error meant for the user (another run holds the database, a full disk, a damaged file:
a ``WiredeskError``) ends in one line, ``wiredesk: error: ...``, printed by the command line. Prefect logs
the same error first, with its traceback, once for the task and once for the flow, which buried that line
(131 lines for a full disk). ``quiet_expected_errors`` adds a filter to Prefect's console handlers that
drops those records; they still reach the Prefect API (the UI shows them), and any other error (a bug)
is printed as before.

Thin on purpose: logging only, no data decisions.
"""

from __future__ import annotations

import logging

from wiredesk.domain.errors import WiredeskError


class ExpectedErrorFilter(logging.Filter):
    """Drops a record carrying a ``WiredeskError`` and the "Finished in state Failed" line of the same task."""

    def __init__(self) -> None:
        super().__init__()
        self._quiet_task_runs: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        task_run = str(getattr(record, "task_run_id", "") or "")
        if isinstance(exc, WiredeskError):
            if task_run:
                self._quiet_task_runs.add(task_run)
            return False
        return not (task_run in self._quiet_task_runs and record.getMessage().startswith("Finished in state"))


def quiet_expected_errors() -> None:
    """Add ``ExpectedErrorFilter`` to every console handler Prefect configured (call after importing Prefect)."""
    from prefect.logging.handlers import PrefectConsoleHandler  # lazy on purpose: Prefect configures logging on import

    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
                                       if name.startswith("prefect")]
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, PrefectConsoleHandler) and not any(
                    isinstance(f, ExpectedErrorFilter) for f in handler.filters):
                handler.addFilter(ExpectedErrorFilter())
