"""What differs between two installed sets: added, removed, and changed old -> new.

Packages are matched by name (an editable whose name is unknown, by its line). What a line
pins is its version (``alpha==1.0`` -> ``1.0``), its URL (``alpha @ file:///…``) or, for an
editable, ``-e URL``; a package whose pin differs is "changed", even at the same version.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from envtui.core.snapshots.freeze import FreezeLine


@dataclass(frozen=True)
class LineChange:
    """One package that differs between the two sets."""

    name: str
    old: str | None
    """What the first set pins (version, URL or ``-e URL``); None when the package is added."""
    new: str | None
    """What the second set pins; None when the package is removed."""

    @property
    def kind(self) -> str:
        """``added``, ``removed`` or ``changed``."""
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed"

    def __str__(self) -> str:
        if self.old is None:
            return f"+ {self.name} {self.new}"
        if self.new is None:
            return f"- {self.name} {self.old}"
        return f"~ {self.name} {self.old} -> {self.new}"

    def to_json(self) -> dict:
        """``{"name", "old", "new"}``, as the change commands print theirs."""
        return {"name": self.name, "old": self.old, "new": self.new}


@dataclass
class SetDiff:
    """Everything that differs, by package name."""

    changes: list[LineChange] = field(default_factory=list)

    @property
    def added(self) -> list[LineChange]:
        """Packages only the second set has."""
        return [c for c in self.changes if c.kind == "added"]

    @property
    def removed(self) -> list[LineChange]:
        """Packages only the first set has."""
        return [c for c in self.changes if c.kind == "removed"]

    @property
    def changed(self) -> list[LineChange]:
        """Packages both have, pinned differently."""
        return [c for c in self.changes if c.kind == "changed"]

    @property
    def empty(self) -> bool:
        """Whether the two sets are the same."""
        return not self.changes

    def summary(self) -> str:
        """One line, e.g. ``1 added, 2 changed, 0 removed``."""
        if self.empty:
            return "no differences"
        return f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"

    def to_json(self) -> dict:
        """``{"added": [...], "removed": [...], "changed": [...]}`` of ``{"name", "old", "new"}``."""
        return {
            "added": [c.to_json() for c in self.added],
            "removed": [c.to_json() for c in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }


def diff_lines(old: Iterable[FreezeLine], new: Iterable[FreezeLine]) -> SetDiff:
    """How to get from ``old`` to ``new``, package by package, in name order."""
    before = _by_key(old)
    after = _by_key(new)
    changes: list[LineChange] = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.line == b.line:
            continue
        name = (a or b).name or key  # type: ignore[union-attr]
        changes.append(LineChange(name, a.pin if a else None, b.pin if b else None))
    return SetDiff(changes)


def _by_key(lines: Iterable[FreezeLine]) -> dict[str, FreezeLine]:
    found: dict[str, FreezeLine] = {}
    for entry in lines:
        key = entry.key
        if key in found:  # the same name twice (a broken venv): keep both apart by their lines
            key = entry.line
        found[key] = entry
    return found
