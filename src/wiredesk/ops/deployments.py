"""Scheduled runs as data: ``[serve] schedules`` turned into deployment specs, one per source group.

A *source group* is a tag of the sources file (``tags = ["wire"]``) or ``*``, which means what
``wiredesk run`` with no paths does (seeds/ and every due source). Each group gets its own Prefect
deployment of the ``wiredesk-ingest`` flow with its own cron or interval schedule, e.g.

    [serve]
    schedules = ["* = 30m", "wire = */5 * * * *", "weekly = 0 6 * * 1"]

Pure: no Prefect import, no clock. ``wiredesk serve`` (``flows/serve.py``) builds Prefect
deployments from these specs; tests check the specs without a server. Within a group, each source is
still fetched only when due (``wiredesk.sources.schedule``): the schedule says how often to *look*.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wiredesk.domain.errors import ConfigError
from wiredesk.sources.config import parse_duration

#: The group that means "everything `wiredesk run` would do".
ALL_GROUP = "*"
_GROUP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


@dataclass(frozen=True)
class GroupSchedule:
    """One source group's schedule: exactly one of ``cron`` and ``interval`` is set."""

    group: str
    cron: str | None = None
    interval: timedelta | None = None

    def describe(self) -> str:
        return f"cron {self.cron!r}" if self.cron else f"every {int(self.interval.total_seconds())}s"


@dataclass(frozen=True)
class DeploymentSpec:
    """What one Prefect deployment of the ingestion flow should be (see ``flows/serve.py``)."""

    name: str
    schedule: GroupSchedule
    timezone: str
    parameters: dict[str, Any] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    description: str = ""


def _is_cron(spec: str) -> bool:
    return len(spec.split()) >= 5


def _check_cron(spec: str, where: str) -> None:
    from cronsim import CronSim, CronSimError  # lazy: only a cron schedule needs it (Prefect's own parser)

    try:
        next(CronSim(spec, datetime(2026, 1, 1)))
    except (CronSimError, StopIteration, ValueError) as exc:
        raise ConfigError(f"{where}: {spec!r} is not a valid cron expression ({exc})") from None


def parse_schedule(entry: str, where: str) -> GroupSchedule:
    """``"GROUP = SPEC"`` into a ``GroupSchedule``; ``ConfigError`` naming ``where`` otherwise."""
    if not isinstance(entry, str) or "=" not in entry:
        raise ConfigError(f"{where}: expected \"GROUP = SPEC\" (e.g. \"* = 15m\" or \"wire = */5 * * * *\"), got {entry!r}")
    group, spec = (part.strip() for part in entry.split("=", 1))
    if group != ALL_GROUP and not _GROUP.match(group):
        raise ConfigError(f"{where}: group {group!r} must be '*' or a source tag (letters, digits, - _ .)")
    if not spec:
        raise ConfigError(f"{where}: group {group!r} has no schedule")
    if _is_cron(spec):
        _check_cron(spec, where)
        return GroupSchedule(group, cron=spec)
    return GroupSchedule(group, interval=parse_duration(spec, f"{where} ({group})"))


def parse_schedules(entries: tuple[str, ...] | list[str], key: str = "serve.schedules") -> list[GroupSchedule]:
    """Every schedule of ``[serve] schedules``; a group may appear once."""
    out: list[GroupSchedule] = []
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        sched = parse_schedule(entry, f"setting '{key}'[{i}]")
        if sched.group in seen:
            raise ConfigError(f"setting '{key}'[{i}]: group {sched.group!r} is scheduled twice")
        seen.add(sched.group)
        out.append(sched)
    return out


def validate_timezone(name: str, key: str = "serve.timezone") -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"setting '{key}': unknown time zone {name!r} (e.g. 'UTC', 'Europe/Berlin')") from None


def deployment_name(group: str) -> str:
    """``all`` for ``*``, else ``group-<tag>``: unique per group, valid as a Prefect deployment name."""
    return "all" if group == ALL_GROUP else f"group-{group}"


def deployment_specs(settings, *, db: str, config: str | None) -> list[DeploymentSpec]:
    """One spec per scheduled group. ``db`` and ``config`` should be absolute: the flow run may start
    in another working directory (a worker)."""
    serve = settings.serve
    specs = []
    for sched in parse_schedules(serve.schedules):
        tag = None if sched.group == ALL_GROUP else sched.group
        what = "seeds/ and every due source" if tag is None else f"the due sources tagged {tag!r}"
        specs.append(DeploymentSpec(
            name=deployment_name(sched.group),
            schedule=sched,
            timezone=serve.timezone,
            parameters={"db": db, "config": config, "source_tag": tag, "lock_wait": serve.lock_wait_seconds},
            tags=("wiredesk", f"group:{sched.group}"),
            description=f"wiredesk: ingest {what} into {db}, {sched.describe()}",
        ))
    return specs
