"""One snapshot: the exact installed set of an environment at a moment, and why it was taken."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from envtui.core.snapshots.freeze import FreezeLine, parse_line
from envtui.core.snapshots.project import ProjectFiles

#: The version of the file format; a newer one is read as far as it is understood.
FORMAT = 1

_ID = re.compile(r"[0-9a-f]{8}\Z")


def new_snapshot_id() -> str:
    """A short random id (8 hex digits) that a person can type a prefix of."""
    return os.urandom(4).hex()


def is_snapshot_id(text: str) -> bool:
    """Whether ``text`` has the shape of a full snapshot id."""
    return bool(_ID.match(text))


@dataclass
class Snapshot:
    """An environment's installed set, taken before a change job."""

    id: str
    time: float
    """When it was taken, seconds since the epoch."""
    env: str
    """The environment's resolved path."""
    python: str
    """The environment's Python version then, e.g. ``3.11.7``."""
    envtui: str
    """The envtui version that took it."""
    reason: str
    """Why it was taken, e.g. ``before upgrade alpha``."""
    freeze: list[str] = field(default_factory=list)
    """``uv pip freeze``, line for line."""
    names: dict[int, str] = field(default_factory=dict)
    """Package names of the lines that do not carry one (editables), by line index."""
    job: str | None = None
    """The id of the job that followed it, or None."""
    kind: str | None = None
    """That job's kind: ``install``, ``upgrade``, ``uninstall``, ``sync`` or ``rollback``."""
    target: str | None = None
    """For a rollback job: the id of the snapshot it restores."""
    mode: str | None = None
    """For a rollback job: ``undo`` or ``redo`` when it came from those keys, else None."""
    project: ProjectFiles | None = None
    """In a uv project: its pyproject.toml and uv.lock then, restored with the environment."""
    _lines: list[FreezeLine] | None = field(default=None, repr=False, compare=False)

    @classmethod
    def of(cls, lines: list[FreezeLine], **fields: Any) -> Snapshot:
        """A snapshot of ``lines`` (the other fields by name)."""
        names = {i: e.name for i, e in enumerate(lines) if e.line[:3] == "-e " and e.name}
        snapshot = cls(freeze=[e.line for e in lines], names=names, **fields)
        snapshot._lines = list(lines)
        return snapshot

    @property
    def lines(self) -> list[FreezeLine]:
        """The lines with their package names, parsed when first asked for (a listing never does)."""
        if self._lines is None:
            names = self.names
            self._lines = [parse_line(line, names.get(i)) for i, line in enumerate(self.freeze)]
        return self._lines

    @property
    def packages(self) -> int:
        """How many distributions were installed."""
        return len(self.freeze)

    @property
    def iso_time(self) -> str:
        """The time in ISO 8601, local time with its offset (``2026-11-26T05:12:03+01:00``)."""
        import datetime  # not at the top: a job takes a snapshot but never prints its time

        return datetime.datetime.fromtimestamp(self.time).astimezone().isoformat(timespec="seconds")

    def text(self) -> str:
        """The installed set as a pinned requirements file (what ``export`` prints)."""
        return "".join(f"{line}\n" for line in self.freeze)

    def summary_json(self, outcome: str | None) -> dict:
        """The ``envtui snapshots --json`` shape (a contract: keep the keys)."""
        return {
            "id": self.id,
            "time": self.iso_time,
            "packages": self.packages,
            "reason": self.reason,
            "job": self.job,
            "outcome": outcome,
        }

    def to_json(self) -> dict:
        """Everything, as stored on disk."""
        return {
            "format": FORMAT,
            "id": self.id,
            "time": self.time,
            "env": self.env,
            "python": self.python,
            "envtui": self.envtui,
            "reason": self.reason,
            "job": self.job,
            "kind": self.kind,
            "target": self.target,
            "mode": self.mode,
            "freeze": self.freeze,
            "names": {str(i): name for i, name in self.names.items()},
            "project": self.project.to_json() if self.project is not None else None,
        }

    @classmethod
    def from_json(cls, data: object) -> Snapshot:
        """Read a stored snapshot; ValueError when it is not one (the store reports and skips it)."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        try:
            freeze = data["freeze"]
            if not isinstance(freeze, list) or not all(_is_line(line) for line in freeze):
                raise TypeError("freeze is not a list of lines")
            names = data.get("names") or {}
            if not isinstance(names, dict):
                raise TypeError("names is not an object")
            snapshot = cls(
                id=_text(data["id"]),
                time=float(data["time"]),
                env=_text(data["env"]),
                python=_text(data.get("python", "")),
                envtui=_text(data.get("envtui", "")),
                reason=_text(data.get("reason", "")),
                freeze=freeze,
                names={int(i): _text(name) for i, name in names.items()},
                job=_optional(data.get("job")),
                kind=_optional(data.get("kind")),
                target=_optional(data.get("target")),
                mode=_optional(data.get("mode")),
                project=ProjectFiles.from_json(data.get("project")),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"missing or wrong field: {exc}") from exc
        if not is_snapshot_id(snapshot.id):
            raise ValueError(f"not a snapshot id: {snapshot.id!r}")
        return snapshot


def _is_line(value: object) -> bool:
    """One non-empty line of text (whether uv could have printed it is checked before a restore)."""
    return isinstance(value, str) and bool(value.strip()) and "\n" not in value and "\r" not in value


def _text(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _text(value)
