"""What health checks found: findings with a status, grouped by check, in one report.

A finding is ``ok``, ``warn`` or ``fail``, with a one-line detail, an optional longer one, and
the package concerned when there is one (the TUI links to it). A report holds the findings of
one run of some or all checks; its status is the worst of them.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

OK = "ok"
WARN = "warn"
FAIL = "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}

INTERPRETER = "interpreter"
DEPENDENCIES = "dependencies"
IMPORTS = "imports"
DRIFT = "drift"
SERVICES = "services"
METADATA = "metadata"
OUTDATED = "outdated"
HOOKS = "hooks"
LOCK = "lock"
LOCK_ENV = "environment vs lock"
CONFIG = "config"
"""Not a check: the finding a face adds when the configuration itself could not be read."""

#: Every check, in the order reports list them.
GROUPS: tuple[str, ...] = (
    INTERPRETER,
    DEPENDENCIES,
    IMPORTS,
    DRIFT,
    LOCK,
    LOCK_ENV,
    SERVICES,
    METADATA,
    OUTDATED,
    HOOKS,
)
#: What runs unless the caller says otherwise: ``outdated`` asks the package index, so it is opt-in.
DEFAULT_GROUPS: tuple[str, ...] = tuple(g for g in GROUPS if g != OUTDATED)


def worst(statuses: Iterable[str]) -> str:
    """The worst of some statuses (``ok`` for none)."""
    return max(statuses, key=_RANK.__getitem__, default=OK)


@dataclass(frozen=True)
class Finding:
    """One result of one check."""

    check: str
    """Which check produced it (one of ``GROUPS``)."""
    name: str
    """Unique within a report, e.g. ``import fastapi``, ``service backend``, ``dependency alpha -> beta``."""
    status: str
    """``ok``, ``warn`` or ``fail``."""
    detail: str
    """One line saying what was found."""
    long: str = ""
    """More, when there is more to say (a traceback's tail, every sub-problem)."""
    package: str | None = None
    """Canonical name of the installed package concerned, when there is one."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Extra machine-readable facts (latency, versions, URLs); merged into the JSON."""
    checked_at: float = field(default_factory=time.time)
    """When the check finished (seconds since the epoch)."""

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``envtui verify --json``: name, status, detail, then the rest."""
        out: dict[str, Any] = {"name": self.name, "status": self.status, "detail": self.detail, "check": self.check}
        if self.long:
            out["details"] = self.long
        if self.package:
            out["package"] = self.package
        for key, value in self.data.items():
            out.setdefault(key, value)
        out["checked_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.checked_at))
        return out


@dataclass(frozen=True)
class HealthReport:
    """The findings of one run of some or all checks."""

    findings: tuple[Finding, ...]
    groups: tuple[str, ...]
    """The checks that ran (a group that ran and found nothing to say has no findings)."""
    started: float = 0.0
    finished: float = 0.0

    @property
    def status(self) -> str:
        """The worst status: what the header badge shows."""
        return worst(f.status for f in self.findings)

    @property
    def ok(self) -> bool:
        """Nothing failed (warnings allowed): ``envtui verify`` exits 0."""
        return self.status != FAIL

    @property
    def duration(self) -> float:
        """Seconds the run took."""
        return max(self.finished - self.started, 0.0)

    def counts(self) -> dict[str, int]:
        """How many findings have each status."""
        counts = {OK: 0, WARN: 0, FAIL: 0}
        for finding in self.findings:
            counts[finding.status] += 1
        return counts

    def failing(self) -> list[Finding]:
        """The findings that are not ok, worst first."""
        bad = [f for f in self.findings if f.status != OK]
        return sorted(bad, key=lambda f: -_RANK[f.status])

    def merged(self, newer: HealthReport) -> HealthReport:
        """This report with the groups ``newer`` ran replaced by its findings (e.g. a services refresh)."""
        kept = [f for f in self.findings if f.check not in newer.groups]
        findings = ordered(kept + list(newer.findings))
        groups = tuple(g for g in GROUPS if g in self.groups or g in newer.groups)
        return HealthReport(
            findings, groups, min(self.started, newer.started) or newer.started, max(self.finished, newer.finished)
        )

    def to_json(self) -> dict[str, Any]:
        """``{"ok": bool, "status": ..., "checks": [...]}``."""
        return {"ok": self.ok, "status": self.status, "checks": [f.to_json() for f in self.findings]}


def ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    """Group order, first-come order within a group, names made unique."""
    order = {g: i for i, g in enumerate((CONFIG, *GROUPS))}
    ranked = sorted(enumerate(findings), key=lambda pair: (order.get(pair[1].check, len(order)), pair[0]))
    seen: dict[str, int] = {}
    result = []
    for _, finding in ranked:
        count = seen.get(finding.name, 0) + 1
        seen[finding.name] = count
        result.append(finding if count == 1 else replace(finding, name=f"{finding.name} ({count})"))
    return tuple(result)


def tail(text: str, lines: int = 30) -> str:
    """The last ``lines`` lines of a text (a traceback, an answer), for a finding's longer detail."""
    return "\n".join(text.rstrip().splitlines()[-lines:])
