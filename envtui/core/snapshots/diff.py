"""What differs between two installed sets: added, removed, and changed old -> new.

Packages are matched by name (an editable whose name is unknown, by its line). What a line
pins is its version (``alpha==1.0`` -> ``1.0``), its URL (``alpha @ file:///…``) or, for an
editable, ``-e URL``; a package whose pin differs is "changed", even at the same version.
"""

from __future__ import annotations

from collections.abc import Iterable

from envtui.core.env.changes import Change, Preview
from envtui.core.snapshots.freeze import FreezeLine


class SetDiff(Preview):
    """Everything that differs between two installed sets, by package name.

    A preview's shape (added, removed, changed; the same JSON), so the change commands and the
    snapshot commands describe a difference in one way; what each pins is its version, URL or
    ``-e URL``.
    """

    def summary(self) -> str:
        """One line, e.g. ``1 added, 2 changed, 0 removed``."""
        return "no differences" if self.empty else super().summary()


def diff_lines(old: Iterable[FreezeLine], new: Iterable[FreezeLine]) -> SetDiff:
    """How to get from ``old`` to ``new``, package by package, in name order."""
    before = _by_key(old)
    after = _by_key(new)
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        a, b = before.get(key), after.get(key)
        if a is not None and b is not None and a.line == b.line:
            continue
        name = (a or b).name or key  # type: ignore[union-attr]
        changes.append(Change(name, a.pin if a else None, b.pin if b else None))
    return SetDiff(changes)


def _by_key(lines: Iterable[FreezeLine]) -> dict[str, FreezeLine]:
    found: dict[str, FreezeLine] = {}
    for entry in lines:
        key = entry.key
        if key in found:  # the same name twice (a broken venv): keep both apart by their lines
            key = entry.line
        found[key] = entry
    return found
