"""What a person sees while a run works: a live display on a terminal, periodic lines otherwise, nothing with
``--quiet``.

The pipeline tells how far it has got through the ``wiredesk.progress`` logger (``wiredesk.pipeline.progress``:
the stage it is in, with items done of how many; and after each commit, the inputs stored with their counts);
other ``wiredesk`` log records are notes (a wait, a warning). ``Screen.listening`` routes both to the display
``progress_display`` chooses for the length of a run:

1. ``LiveDisplay`` when standard error is a terminal: two rows drawn in place by rich (the run: inputs stored
   of all; the current stage: items done, rate, ETA, elapsed) and the counts so far; notes print above it.
2. ``PlainDisplay`` otherwise (a pipe, a log file, cron): one line every ``every`` seconds with the same facts,
   so a long stage is never silent and a log is not flooded; notes print at once.
3. ``QuietDisplay`` (``--quiet``): no progress; warnings and errors still print.

Not here: what the summary says (``wiredesk.cli.output``), where output goes (``wiredesk.cli.screen``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn
from rich.text import Text

from wiredesk.cli.screen import Screen
from wiredesk.pipeline.progress import PROGRESS_LOGGER, RunProgress, StageProgress

#: Seconds between two progress lines when standard error is not a terminal.
PLAIN_EVERY_SECONDS = 10.0


def _clock(seconds: float) -> str:
    seconds = int(max(0.0, seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


@dataclass
class _Rate:
    """Items per second through the current stage and the time left at that rate."""

    started: float
    first: int

    def of(self, done: int, total: int | None, now: float) -> tuple[float | None, float | None]:
        elapsed = now - self.started
        if elapsed <= 0.5 or done <= self.first:
            return None, None
        rate = (done - self.first) / elapsed
        return rate, ((total - done) / rate if total is not None and total >= done else None)


class QuietDisplay:
    """``--quiet``: no progress at all."""

    def __init__(self, screen: Screen):
        self.screen = screen

    def stage(self, event: StageProgress) -> None:
        pass

    def stored(self, event: RunProgress) -> None:
        pass

    def message(self, text: str) -> None:
        self.screen.note(text)

    def close(self) -> None:
        pass


class PlainDisplay:
    """One line every ``every`` seconds (from a timer thread, so a long stage still shows it is alive)."""

    def __init__(self, screen: Screen, every: float = PLAIN_EVERY_SECONDS, clock: Callable[[], float] = time.monotonic):
        self.screen = screen
        self.every = every
        self.clock = clock
        self.started = clock()
        self._lock = threading.Lock()
        self._stage: StageProgress | None = None
        self._rate: _Rate | None = None
        self._stored: RunProgress | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="wiredesk-progress", daemon=True)
        self._thread.start()

    def stage(self, event: StageProgress) -> None:
        with self._lock:
            if self._stage is None or (event.stage, event.total) != (self._stage.stage, self._stage.total):
                self._rate = _Rate(self.clock(), event.done)
            self._stage = event

    def stored(self, event: RunProgress) -> None:
        with self._lock:
            self._stored = event

    def message(self, text: str) -> None:
        with self._lock:
            self.screen.note(text)

    def line(self) -> str | None:
        """The progress line as of now (None before the run reported anything)."""
        with self._lock:
            stage, rate, stored = self._stage, self._rate, self._stored
        if stage is None and stored is None:
            return None
        now = self.clock()
        parts = []
        if stage is not None:
            text = f"{stage.label} {stage.done}/{'?' if stage.total is None else stage.total} {stage.unit}"
            per_second, left = rate.of(stage.done, stage.total, now) if rate else (None, None)
            if per_second is not None:
                text += f", {per_second:.1f} {stage.unit}/s"
            if left is not None:
                text += f", ETA {_clock(left)}"
            parts.append(text)
        if stored is not None:
            parts.append(f"stored {stored.done}/{'?' if stored.total is None else stored.total}: {stored.counts}")
        return f"  [{_clock(now - self.started)}] " + "; ".join(parts)

    def _tick(self) -> None:
        while not self._stop.wait(self.every):
            text = self.line()
            if text is not None:
                with self._lock:
                    self.screen.note(text)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        unit = task.fields.get("unit", "items")
        return Text(f"{speed:.1f} {unit}/s" if speed else "", style="progress.data.speed")


class _EtaColumn(ProgressColumn):
    max_refresh = 0.5

    def render(self, task: Task) -> Text:
        left = task.time_remaining
        return Text(f"ETA {_clock(left)}" if left is not None and not task.finished else "", style="progress.remaining")


class _ElapsedColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        return Text(_clock(task.elapsed or 0.0), style="progress.elapsed")


class _RunProgress(Progress):
    """The rows, then a line with the counts so far."""

    counts = ""

    def get_renderables(self):  # noqa: ANN201
        yield self.make_tasks_table(self.tasks)
        if self.counts:
            yield Text(f"  {self.counts}", style="dim")


class LiveDisplay:
    """Two rows drawn in place on the terminal: the run (inputs stored of all) and the current stage."""

    def __init__(self, screen: Screen):
        self.screen = screen
        console = Console(file=screen.err, highlight=False)
        self.progress = _RunProgress(
            SpinnerColumn(), TextColumn("{task.description:<20}"), BarColumn(bar_width=30),
            MofNCompleteColumn(), TextColumn("{task.fields[unit]}"), _RateColumn(), _EtaColumn(), _ElapsedColumn(),
            console=console, transient=True, refresh_per_second=8, speed_estimate_period=20.0,
        )
        self._run = self.progress.add_task("stored", total=None, unit="inputs", start=True)
        self._stage = self.progress.add_task("starting", total=None, unit="")
        self._current: tuple[str, int | None] | None = None
        self.progress.start()

    def stage(self, event: StageProgress) -> None:
        if self._current != (event.stage, event.total):
            self._current = (event.stage, event.total)
            self.progress.reset(self._stage, total=event.total, completed=event.done, description=event.label,
                                unit=event.unit)
        else:
            self.progress.update(self._stage, completed=event.done)

    def stored(self, event: RunProgress) -> None:
        self.progress.update(self._run, total=event.total, completed=event.done)
        self.progress.counts = event.counts

    def message(self, text: str) -> None:
        self.progress.console.print(text, markup=False, highlight=False, soft_wrap=True)

    def close(self) -> None:
        self.progress.stop()


@contextmanager
def progress_display(screen: Screen, *, quiet: bool = False, every: float | None = None) -> Iterator:
    """The display for one run: live on a terminal, else a line every ``every`` seconds (default
    ``PLAIN_EVERY_SECONDS``; given, it is used on a terminal too), none with ``quiet`` (notes below WARNING
    are left out too). The pipeline's progress records reach it through ``Screen.listening`` while the block
    runs. Yields the display (``stage``, ``stored``, ``message``)."""
    if quiet:
        display = QuietDisplay(screen)
    elif screen.live and every is None:
        display = LiveDisplay(screen)
    else:
        display = PlainDisplay(screen, every or PLAIN_EVERY_SECONDS)
    progress = logging.getLogger(PROGRESS_LOGGER)
    saved = screen.display, screen.notes_level, progress.level
    screen.display, screen.notes_level = display, (logging.WARNING if quiet else logging.INFO)
    progress.setLevel(logging.WARNING if quiet else logging.DEBUG)  # stage records are DEBUG: cheap unless shown
    try:
        yield display
    finally:
        display.close()
        screen.display, screen.notes_level = saved[0], saved[1]
        progress.setLevel(saved[2])
