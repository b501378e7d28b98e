"""Where everything a person reads goes: results on standard output, notes and progress on standard error.

Every command prints through one ``Screen`` (made once by ``wiredesk.cli.app.main``): ``screen.out`` and
``screen.err`` are text streams that are safe on a closed pipe. When the reader goes away
(``wiredesk query ... | head``), the next write or flush raises ``BrokenPipeError`` deep inside a print;
here it is caught once, the stream's file descriptor is pointed at ``/dev/null`` (so the interpreter's last
flush at exit cannot raise again: docs.python.org/3/library/signal.html#note-on-sigpipe), and every later
write is dropped. The command then ends normally, with its own exit status: a run whose summary nobody
reads has still stored its batches and says so in its status.

``Screen.listening`` routes the ``wiredesk`` loggers to the person for the length of a command: notes (a wait
for another run, a warning) print on standard error, and, while a run shows its progress
(``wiredesk.cli.live``), the pipeline's progress records go to that display.

Not here: what is printed (``wiredesk.cli.output``), the live progress display (``wiredesk.cli.live``).
"""

from __future__ import annotations

import errno
import io
import logging
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from wiredesk.pipeline.progress import ATTRIBUTE, RunProgress, StageProgress


def _closed_pipe(exc: OSError) -> bool:
    return isinstance(exc, BrokenPipeError) or exc.errno in (errno.EPIPE, errno.EINVAL)


class SafeStream(io.TextIOBase):
    """A text stream over ``raw`` whose writes stop quietly once its reader has closed the pipe."""

    def __init__(self, raw: TextIO):
        super().__init__()
        self.raw = raw
        self.closed_by_reader = False

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        try:
            return not self.closed_by_reader and self.raw.isatty()
        except (ValueError, OSError):
            return False

    def fileno(self) -> int:
        return self.raw.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        if self.closed_by_reader:
            return len(text)
        try:
            return self.raw.write(text)
        except OSError as exc:
            if not _closed_pipe(exc):
                raise
            self._reader_gone()
            return len(text)

    def flush(self) -> None:
        if self.closed_by_reader:
            return
        try:
            self.raw.flush()
        except OSError as exc:
            if not _closed_pipe(exc):
                raise
            self._reader_gone()
        except ValueError:  # the underlying stream was closed by its owner (a test harness)
            pass

    def _reader_gone(self) -> None:
        self.closed_by_reader = True
        try:  # what is left in the buffer must never be flushed onto the closed pipe again
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.raw.fileno())
            finally:
                os.close(devnull)
        except (OSError, ValueError, io.UnsupportedOperation):
            pass  # not a real file (captured output): nothing will flush it at exit


class Display(Protocol):
    """Where a run's progress goes while it works (``wiredesk.cli.live``)."""

    def stage(self, event: StageProgress) -> None: ...

    def stored(self, event: RunProgress) -> None: ...

    def message(self, text: str) -> None: ...


class Screen:
    """The two streams of the command line, closed-pipe safe, and what they are connected to."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self.out = out if isinstance(out, SafeStream) else SafeStream(out or sys.stdout)
        self.err = err if isinstance(err, SafeStream) else SafeStream(err or sys.stderr)
        #: the progress display of a run while it works (None: notes print as lines)
        self.display: Display | None = None
        #: the lowest level of a ``wiredesk`` log record printed as a note (WARNING with ``--quiet``)
        self.notes_level = logging.INFO

    def print(self, *parts: object, sep: str = " ") -> None:
        """A line of the command's result (standard output)."""
        self.out.write(sep.join(str(p) for p in parts) + "\n")

    def note(self, *parts: object, sep: str = " ") -> None:
        """A line for the person watching: progress, waits, warnings, errors (standard error), at once."""
        self.err.write(sep.join(str(p) for p in parts) + "\n")
        self.err.flush()

    def message(self, text: str) -> None:
        """A note that goes above a live display when one is shown."""
        if self.display is not None:
            self.display.message(text)
        else:
            self.note(text)

    @contextmanager
    def listening(self) -> Iterator[None]:
        """For the block: ``wiredesk`` log records reach this screen (notes, and progress to ``display``)."""
        logger = logging.getLogger("wiredesk")
        level = logger.level
        handler = _Route(self)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        try:
            yield
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)

    def write(self, text: str) -> None:
        """Result text as it is (no newline added)."""
        self.out.write(text)

    @property
    def live(self) -> bool:
        """Whether standard error is a terminal that can show a live display (not a pipe, a file, or TERM=dumb)."""
        return self.err.isatty() and os.environ.get("TERM", "") != "dumb"

    @property
    def width(self) -> int:
        """Columns of the terminal (80 when not a terminal)."""
        return shutil.get_terminal_size((80, 24)).columns

    @property
    def reader_gone(self) -> bool:
        """True once the reader of standard output has closed it."""
        return self.out.closed_by_reader

    def close(self) -> None:
        """Flush both streams (a closed pipe is met here, not at the interpreter's exit)."""
        self.out.flush()
        self.err.flush()


class _Route(logging.Handler):
    """Progress records to the screen's display (dropped when none is shown); other records at or above the
    screen's ``notes_level`` as notes."""

    def __init__(self, screen: Screen):
        super().__init__(logging.DEBUG)
        self.screen = screen
        self.setFormatter(logging.Formatter("%(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            event = getattr(record, ATTRIBUTE, None)
            display = self.screen.display
            if event is not None:
                if isinstance(event, StageProgress) and display is not None:
                    display.stage(event)
                elif isinstance(event, RunProgress) and display is not None:
                    display.stored(event)
            elif record.levelno >= self.screen.notes_level:
                self.screen.message(self.format(record))
        except Exception:  # a display problem must never stop a run
            self.handleError(record)
