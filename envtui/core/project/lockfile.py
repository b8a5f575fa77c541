"""What a project's ``uv.lock`` pins, and for each package its group and whether it is direct.

uv.lock (version 1) lists every ``[[package]]`` with its ``name``, ``version``, ``source`` and
the edges ``dependencies``, ``optional-dependencies.<extra>`` and ``dev-dependencies.<group>``
(uv keeps PEP 735 groups under that key). The project itself (and each workspace member) is a
package whose source is ``virtual`` or ``editable``; its edges are the direct dependencies.

A package's *group* is where it comes from: ``main`` when the main dependencies reach it,
else the first dependency group that does (``dev`` first), else the first extra. A package is
*direct* when a project (or workspace member) names it itself.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from envtui.core.env.changes import Change
from envtui.core.errors import UsageError
from envtui.core.project.detect import read_toml
from envtui.core.project.manifest import MAIN, table


@dataclass(frozen=True)
class LockedPackage:
    """One ``[[package]]`` of uv.lock."""

    name: str
    """Canonical name."""
    version: str
    """The pinned version ("" for a project whose version is dynamic)."""
    source: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    dependencies: tuple[str, ...] = ()
    """Canonical names of its main dependencies."""
    extras: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    """Extra -> canonical names (``[package.optional-dependencies]``)."""
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)
    """Dependency group -> canonical names (``[package.dev-dependencies]``)."""

    @property
    def is_project(self) -> bool:
        """Whether this is the project itself or a workspace member (a local, editable or virtual source)."""
        return "virtual" in self.source or "editable" in self.source


@dataclass
class Lock:
    """A parsed uv.lock."""

    path: Path
    packages: dict[str, list[LockedPackage]] = field(default_factory=dict)
    """Canonical name -> its entries (more than one when the resolution forks by platform)."""
    members: tuple[str, ...] = ()
    """Canonical names of the project and its workspace members."""
    _classified: dict[str, tuple[str, bool]] | None = field(default=None, repr=False, compare=False)

    def membership(self, name: str) -> tuple[str | None, bool]:
        """``(group, direct)`` of one package; ``(None, False)`` when the lock does not name it."""
        if self._classified is None:
            self._classified = self.classify()
        return self._classified.get(canonicalize_name(name), (None, False))

    def required_by(self, name: str) -> list[str]:
        """The locked packages (not the project itself) whose dependencies name ``name``."""
        key = canonicalize_name(name)
        return sorted(
            {
                p.name
                for group in self.packages.values()
                for p in group
                if p.name not in self.members and (key in p.dependencies or any(key in e for e in p.extras.values()))
            }
        )

    def versions(self, name: str) -> list[str]:
        """The versions the lock pins for ``name`` (empty when it does not name it)."""
        return [p.version for p in self.packages.get(canonicalize_name(name), ())]

    def names(self) -> set[str]:
        """Every canonical name the lock names."""
        return set(self.packages)

    def roots(self) -> list[LockedPackage]:
        """The project and its workspace members."""
        return [p for name in self.members for p in self.packages.get(name, ())]

    def direct(self) -> dict[str, list[str]]:
        """Canonical name -> the groups that name it directly (``main``, a group, an extra), in that order."""
        found: dict[str, list[str]] = {}
        for root in self.roots():
            for label, names in _labelled_edges(root):
                for name in names:
                    labels = found.setdefault(name, [])
                    if label not in labels:
                        labels.append(label)
        return found

    def classify(self) -> dict[str, tuple[str, bool]]:
        """Canonical name -> ``(group, direct)`` for every package the lock names.

        The members themselves are ``("main", False)``: uv installs them with the main
        dependencies, but nothing declares them.
        """
        direct = self.direct()
        result: dict[str, tuple[str, bool]] = {name: (MAIN, False) for name in self.members}
        for label, starts in self._entry_points():
            queue = deque(starts)
            while queue:
                name = queue.popleft()
                if name in result:
                    continue
                result[name] = (label, name in direct)
                for entry in self.packages.get(name, ()):
                    queue.extend(entry.dependencies)
                    for names in entry.extras.values():  # ``dep[extra]`` edges are kept in the same table
                        queue.extend(names)
        return result

    def _entry_points(self) -> list[tuple[str, list[str]]]:
        """``(group, direct names)`` in the order groups claim packages: main, dev, other groups, extras."""
        main: list[str] = []
        groups: dict[str, list[str]] = {}
        extras: dict[str, list[str]] = {}
        for root in self.roots():
            main.extend(root.dependencies)
            for group, names in root.groups.items():
                groups.setdefault(group, []).extend(names)
            for extra, names in root.extras.items():
                extras.setdefault(extra, []).extend(names)
        ordered = sorted(groups, key=lambda g: (g != "dev", g))
        return [(MAIN, main), *((g, groups[g]) for g in ordered), *((e, extras[e]) for e in sorted(extras))]


def _labelled_edges(root: LockedPackage) -> Iterable[tuple[str, tuple[str, ...]]]:
    yield MAIN, root.dependencies
    for group in sorted(root.groups, key=lambda g: (g != "dev", g)):
        yield group, root.groups[group]
    for extra in sorted(root.extras):
        yield extra, root.extras[extra]


def _edge_names(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = [canonicalize_name(item["name"]) for item in value if isinstance(item, dict) and "name" in item]
    return tuple(dict.fromkeys(names))


def _edge_table(value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        return {}
    return {str(key): _edge_names(edges) for key, edges in value.items()}


def read_lock(path: Path, project_name: str = "") -> Lock:
    """Parse uv.lock; a UsageError when it cannot be read or is not a uv lock file."""
    data = read_toml(path)
    entries = data.get("package")
    if not isinstance(entries, list):
        if "version" in data:  # a lock of a project with no dependencies at all lists no packages
            entries = []
        else:
            raise UsageError(f"not a uv lock file: {path}", cause="it has no version and no [[package]] tables")
    lock = Lock(path=path)
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            continue
        package = LockedPackage(
            name=canonicalize_name(entry["name"]),
            version=str(entry.get("version", "")),
            source=table(entry.get("source")),
            dependencies=_edge_names(entry.get("dependencies")),
            extras=_edge_table(entry.get("optional-dependencies")),
            groups=_edge_table(entry.get("dev-dependencies")),
        )
        lock.packages.setdefault(package.name, []).append(package)
    manifest = table(data.get("manifest"))
    members: list[str] = [canonicalize_name(m) for m in manifest.get("members", []) if isinstance(m, str)]
    if project_name:
        members.insert(0, canonicalize_name(project_name))
    if not members:
        members = [p.name for group in lock.packages.values() for p in group if p.is_project]
    lock.members = tuple(dict.fromkeys(m for m in members if m in lock.packages))
    return lock


def only_rebuilt(change: Change, members: Iterable[str]) -> bool:
    """Whether ``change`` is the project itself (or a workspace member) only rebuilt from its source.

    uv reinstalls a project's own editable package whenever its ``pyproject.toml`` changes (a
    ``touch`` is enough); the line reads ``~ proj==0.1.0`` or a ``-``/``+`` pair whose new side
    is ``@ file://…`` (uv cannot know the version before it builds). That is no change to the
    environment; a project installed or removed for the first time, or at a new version, is.
    """
    if canonicalize_name(change.name) not in {canonicalize_name(m) for m in members}:
        return False
    if change.old is None or change.new is None:
        return False
    return change.old == change.new or change.new.startswith("@ ") or change.old.startswith("@ ")


def without_rebuilds(changes: list[Change], members: Iterable[str]) -> list[Change]:
    """``changes`` without the project's own packages that uv would only rebuild (see :func:`only_rebuilt`)."""
    return [change for change in changes if not only_rebuilt(change, members)]


def project_members(root_name: str, lock_path: Path) -> set[str]:
    """The canonical names of a project and its workspace members (from uv.lock when it is readable)."""
    names: set[str] = {canonicalize_name(root_name)}
    if lock_path.is_file():
        try:
            names.update(read_lock(lock_path, root_name).members)
        except UsageError:
            pass
    return names
