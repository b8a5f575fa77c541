"""What a project's ``pyproject.toml`` declares: its direct dependencies, section by section.

A dependency is declared in one or more *sections*: the main ``[project] dependencies``, an
extra (``[project.optional-dependencies]``), or a dependency group (``[dependency-groups]``,
PEP 735; uv's older ``[tool.uv] dev-dependencies`` count as the ``dev`` group). ``uv add`` and
``uv remove`` name the section with ``--optional X``, ``--dev`` or ``--group G``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from envtui.core.env.names import canonical_name
from envtui.core.errors import UsageError
from envtui.core.project.detect import read_toml

MAIN, DEV, GROUP, OPTIONAL = "main", "dev", "group", "optional"
#: PEP 685 / PEP 735 names: what an extra or a group may be called.
_SECTION_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")


@dataclass(frozen=True)
class Section:
    """Where a direct dependency is declared: main, the dev group, another group, or an extra."""

    kind: str = MAIN
    """``main``, ``dev``, ``group`` or ``optional``."""
    name: str = ""
    """The group or extra name (``dev`` for the dev group; empty for main)."""

    @classmethod
    def main(cls) -> Section:
        """``[project] dependencies``."""
        return cls(MAIN, "")

    @classmethod
    def dev(cls) -> Section:
        """The ``dev`` dependency group (``uv add --dev``)."""
        return cls(DEV, "dev")

    @classmethod
    def group(cls, name: str) -> Section:
        """A dependency group (``uv add --group NAME``); ``dev`` is the dev group."""
        checked = check_section_name(name, "group")
        return cls.dev() if canonical_name(checked) == "dev" else cls(GROUP, checked)

    @classmethod
    def optional(cls, name: str) -> Section:
        """An extra (``uv add --optional NAME``)."""
        return cls(OPTIONAL, check_section_name(name, "extra"))

    @property
    def label(self) -> str:
        """The ``group`` value of a package: ``main``, ``dev``, the group's or the extra's name."""
        return self.name if self.kind != MAIN else MAIN

    def uv_flags(self) -> list[str]:
        """The ``uv add`` / ``uv remove`` options that name this section."""
        if self.kind == DEV:
            return ["--dev"]
        if self.kind == GROUP:
            return ["--group", self.name]
        if self.kind == OPTIONAL:
            return ["--optional", self.name]
        return []

    def describe(self) -> str:
        """For people: ``dependencies``, ``dev group``, ``group docs``, ``extra cli``."""
        return {MAIN: "dependencies", DEV: "dev group", GROUP: f"group {self.name}", OPTIONAL: f"extra {self.name}"}[
            self.kind
        ]


def check_section_name(name: str, what: str) -> str:
    text = (name or "").strip()
    if not _SECTION_NAME.fullmatch(text):
        raise UsageError(f"not a valid {what} name: {name!r}", cause="letters, digits, '.', '_' and '-' only")
    return text


@dataclass
class Manifest:
    """The dependency declarations of one ``pyproject.toml``."""

    path: Path
    name: str
    declared: dict[Section, list[str]] = field(default_factory=dict)
    """Every section's requirement strings, as written."""
    default_groups: tuple[str, ...] = ("dev",)
    """The groups ``uv sync`` installs unless told otherwise (``[tool.uv] default-groups``)."""

    def sections_of(self, name: str) -> list[Section]:
        """Every section that declares ``name`` directly (compared by canonical name)."""
        key = canonical_name(name)
        return [section for section, reqs in self.declared.items() if key in {_req_name(r) for r in reqs}]

    def direct_names(self) -> set[str]:
        """The canonical names declared in any section."""
        return {name for reqs in self.declared.values() for name in map(_req_name, reqs) if name}

    def requirements(self) -> list[tuple[Section, str]]:
        """``(section, requirement)`` for every declaration, in file order."""
        return [(section, req) for section, reqs in self.declared.items() for req in reqs]


def _req_name(text: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement  # costs start-up time: only when read

    try:
        return canonical_name(Requirement(text).name)
    except InvalidRequirement:
        return ""


def table(value: Any) -> dict[str, Any]:
    """A TOML table, or an empty one for anything else (a file written by hand may hold anything)."""
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def read_manifest(path: Path) -> Manifest:
    """Read a ``pyproject.toml``'s dependency declarations; a UsageError when it cannot be read."""
    data = read_toml(path)
    project = table(data.get("project"))
    manifest = Manifest(path=path, name=str(project.get("name", "")))
    declared = manifest.declared
    declared[Section.main()] = _strings(project.get("dependencies"))
    extras = project.get("optional-dependencies")
    if isinstance(extras, dict):
        for extra, reqs in extras.items():
            declared[Section(OPTIONAL, str(extra))] = _strings(reqs)
    groups = data.get("dependency-groups")
    if isinstance(groups, dict):
        for group, reqs in groups.items():
            section = Section.dev() if canonical_name(str(group)) == "dev" else Section(GROUP, str(group))
            declared.setdefault(section, []).extend(_strings(reqs))  # include-group tables are skipped
    uv = table(table(data.get("tool")).get("uv"))
    legacy_dev = _strings(uv.get("dev-dependencies"))
    if legacy_dev:
        declared.setdefault(Section.dev(), []).extend(legacy_dev)
    defaults = uv.get("default-groups")
    if isinstance(defaults, list):
        manifest.default_groups = tuple(str(g) for g in defaults)
    elif defaults == "all" and isinstance(groups, dict):
        manifest.default_groups = tuple(str(g) for g in groups)
    return manifest


def left_out_by_sync(pyproject: Path, section: Section | None) -> str | None:
    """The warning for an install into a group or extra that a plain ``uv sync`` leaves out (and so undoes)."""
    if section is None or section.kind == MAIN:
        return None
    if section.kind == OPTIONAL:
        how = f"uv sync --extra {section.name}"
    else:
        defaults = {canonical_name(g) for g in read_manifest(pyproject).default_groups}
        if canonical_name(section.name) in defaults:
            return None
        how = f"uv sync --group {section.name}"
    return f"a plain uv sync leaves out the {section.describe()} and would remove what this installs for it: run {how}"
