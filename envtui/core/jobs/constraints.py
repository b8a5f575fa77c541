"""Upgrades that keep the environment consistent.

``uv pip install --upgrade-package alpha`` takes the newest alpha that alpha's own requirements
allow, even when an installed package says ``alpha<2.0``: the upgrade silently breaks it. envtui
hands uv every installed package's version bounds on the others as constraints, so the upgrade
takes the newest version that everything installed allows, and says what held it back.
``--latest`` takes the newest anyway, and names each installed package that breaks.

A bound the environment already violates is not passed on: uv would otherwise have to change
that package (downgrade it) to satisfy it, which is not what an upgrade asks for.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from packaging.markers import InvalidMarker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

if TYPE_CHECKING:
    from envtui.core.env.packages import Package


class Changed(Protocol):
    """One distribution a change moves (a preview's ``Change``): its name and version after."""

    @property
    def name(self) -> str: ...

    @property
    def new(self) -> str | None:
        """The version after the change; None when it is removed."""


@dataclass(frozen=True)
class Hold:
    """One installed package's version bound on another installed package."""

    dependent: str
    """The installed package whose requirement it is, as it is named."""
    name: str
    """The required package's canonical name."""
    specifier: SpecifierSet
    """The versions the dependent allows."""

    @property
    def requirement(self) -> str:
        """``alpha<2.0``: the bound as a constraint line."""
        return f"{self.name}{self.specifier}"

    def allows(self, version: str) -> bool:
        """Whether ``version`` satisfies the bound (an unreadable version is taken as allowed)."""
        try:
            return self.specifier.contains(Version(version), prereleases=True)
        except InvalidVersion:
            return True

    def __str__(self) -> str:
        return f"{self.dependent} requires {self.requirement}"


def find_holds(
    packages: Mapping[str, Package], markers: Mapping[str, str], *, exclude: Iterable[str] = ()
) -> list[Hold]:
    """Every version bound an installed package puts on another installed package.

    Packages in ``exclude`` (those being upgraded) put no bounds: their own requirements change
    with their new versions. Requirements behind a marker that does not apply here, on extras,
    by URL, or without a version bound are left out, and so is a bound the installed version
    already violates.
    """
    skip = {canonicalize_name(n) for n in exclude}
    markers = dict(markers)
    holds: list[Hold] = []
    for key, package in packages.items():
        if key in skip:
            continue
        for text in package.requires:
            try:
                requirement = Requirement(text)
            except InvalidRequirement:
                continue
            if requirement.url or not requirement.specifier:
                continue
            if requirement.marker is not None:
                try:
                    if not requirement.marker.evaluate({**markers, "extra": ""}):
                        continue
                except (InvalidMarker, Exception):  # packaging raises several types here
                    continue
            name = canonicalize_name(requirement.name)
            target = packages.get(name)
            if target is None or name == key:
                continue
            hold = Hold(package.name, name, requirement.specifier)
            if hold.allows(target.version):
                holds.append(hold)
    return holds


def constraints_text(holds: Iterable[Hold]) -> str:
    """The holds as a uv constraints file (one line each, duplicates once)."""
    lines = ["# installed packages' requirements: an upgrade must keep them satisfied"]
    seen: set[str] = set()
    for hold in holds:
        if hold.requirement not in seen:
            seen.add(hold.requirement)
            lines.append(hold.requirement)
    return "\n".join(lines) + "\n"


@contextmanager
def constraints_file(holds: Iterable[Hold]) -> Iterator[Path | None]:
    """The holds written to a private temporary constraints file for uv (None when there are none)."""
    holds = list(holds)
    if not holds:
        yield None
        return
    fd, name = tempfile.mkstemp(prefix="envtui-constraints-", suffix=".txt")  # 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(constraints_text(holds))
        yield Path(name)
    finally:
        try:
            os.unlink(name)
        except OSError:
            pass


def _versions_after(changes: Iterable[Changed], installed: Mapping[str, Package]) -> dict[str, str]:
    """Each package's version once the previewed change is made."""
    after = {key: package.version for key, package in installed.items()}
    for change in changes:
        key = canonicalize_name(change.name)
        if change.new is None:
            after.pop(key, None)
        else:
            after[key] = change.new
    return after


def held_back(
    names: Iterable[str],
    constrained: Iterable[Changed],
    unconstrained: Iterable[Changed],
    installed: Mapping[str, Package],
    holds: Iterable[Hold],
) -> list[str]:
    """``held back: alpha 1.1, 2.0 exists: capped requires alpha<2.0`` for each name kept below the newest."""
    holds = list(holds)
    got = _versions_after(constrained, installed)
    newest = _versions_after(unconstrained, installed)
    lines: list[str] = []
    for name in names:
        key = canonicalize_name(name)
        have, could = got.get(key), newest.get(key)
        if have is None or could is None or have == could:
            continue
        why = [str(h) for h in holds if h.name == key and not h.allows(could)]
        if not why:  # held back through another package's bound: name what binds that one
            why = [str(h) for h in holds if newest.get(h.name) is not None and not h.allows(newest[h.name])]
        label = installed[key].name if key in installed else name
        lines.append(f"held back: {label} {have}, {could} exists: {'; '.join(why) or 'installed requirements'}")
    return lines


def broken_by(changes: Iterable[Changed], installed: Mapping[str, Package], holds: Iterable[Hold]) -> list[str]:
    """``breaks capped: capped requires alpha<2.0, gets 2.0`` for each bound the change violates."""
    changes = list(changes)
    after = _versions_after(changes, installed)
    removed = {canonicalize_name(c.name) for c in changes if c.new is None}
    lines: list[str] = []
    for hold in holds:
        if canonicalize_name(hold.dependent) in removed:
            continue
        version = after.get(hold.name)
        if version is None:
            lines.append(f"breaks {hold.dependent}: {hold}, removed")
        elif not hold.allows(version):
            lines.append(f"breaks {hold.dependent}: {hold}, gets {version}")
    return lines
