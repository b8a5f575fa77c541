"""What a change will do, read from uv's own summary lines.

uv (0.13) ends ``pip install``, ``pip uninstall`` and ``pip sync`` — with ``--dry-run`` or for
real — with one line per distribution::

     - alpha==1.0
     + alpha==2.0
     + delta==1.0
     ~ beta==1.1          (reinstalled)
     + proj==0.1 (from file:///src/proj)

A removal and an addition of the same name make one change (old -> new). ``Would make no
changes`` (or no such lines at all) is an empty preview.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

_LINE = re.compile(
    r"^\s*(?P<op>[+\-~])\s+(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"==(?P<version>[^\s(]+)(?:\s+\(from (?P<source>.+)\))?\s*$"
)


@dataclass(frozen=True)
class Change:
    """One distribution a job adds, removes, changes or reinstalls."""

    name: str
    old: str | None
    """The installed version before, or None when it is added."""
    new: str | None
    """The version after, or None when it is removed."""
    source: str = ""
    """Where it comes from, when uv names it (a URL or local path)."""

    @property
    def kind(self) -> str:
        """``added``, ``removed``, ``changed`` or ``reinstalled``."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "reinstalled" if self.old == self.new else "changed"

    def __str__(self) -> str:
        if self.old is None:
            return f"+ {self.name} {self.new}"
        if self.new is None:
            return f"- {self.name} {self.old}"
        return f"~ {self.name} {self.old} -> {self.new}"

    def to_json(self) -> dict:
        """``{"name", "old", "new"}`` (old or new is null for an addition or removal)."""
        return {"name": self.name, "old": self.old, "new": self.new}


@dataclass
class Preview:
    """Everything a change will do (or did), in uv's order."""

    changes: list[Change] = field(default_factory=list)

    @property
    def added(self) -> list[Change]:
        """Distributions that are not installed now."""
        return [c for c in self.changes if c.kind == "added"]

    @property
    def removed(self) -> list[Change]:
        """Distributions that go away."""
        return [c for c in self.changes if c.kind == "removed"]

    @property
    def changed(self) -> list[Change]:
        """Distributions that move from one version to another (or are reinstalled)."""
        return [c for c in self.changes if c.kind in ("changed", "reinstalled")]

    @property
    def empty(self) -> bool:
        """Whether the job would change nothing."""
        return not self.changes

    def summary(self) -> str:
        """One line, e.g. ``1 added, 2 changed, 0 removed``."""
        if self.empty:
            return "no changes"
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"

    def to_json(self) -> dict:
        """``{"added": [...], "removed": [...], "changed": [...]}`` of ``{"name", "old", "new"}``."""
        return {
            "added": [c.to_json() for c in self.added],
            "removed": [c.to_json() for c in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }


def parse_change_line(line: str) -> tuple[str, str, str | None, str] | None:
    """``(op, name, version, source)`` for one of uv's ``+``/``-``/``~`` lines, else None."""
    match = _LINE.match(line)
    if match is None:
        return None
    return match["op"], match["name"], match["version"], match["source"] or ""


def parse_changes(lines: Iterable[str]) -> Preview:
    """The preview described by uv's output lines (stdout and stderr mixed is fine)."""
    order: list[str] = []
    old: dict[str, str | None] = {}
    new: dict[str, str | None] = {}
    names: dict[str, str] = {}
    sources: dict[str, str] = {}
    for line in lines:
        parsed = parse_change_line(line)
        if parsed is None:
            continue
        op, name, version, source = parsed
        key = canonicalize_name(name)
        if key not in names:
            order.append(key)
            names[key] = name
        if op == "-":
            old[key] = version or "?"
        elif op == "+":
            new[key] = version or "?"
            if source:
                sources[key] = source
        else:  # "~": reinstalled at the same version
            old[key] = new[key] = version or "?"
    return Preview([Change(names[k], old.get(k), new.get(k), sources.get(k, "")) for k in order])


def parse_dry_run(text: str) -> Preview:
    """The preview in the output of a ``--dry-run`` uv command."""
    return parse_changes(text.splitlines())
