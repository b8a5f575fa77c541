"""Read requirements files and ``pyproject.toml`` dependencies, and compare them with what is installed.

Requirements files are read as pip reads them: comments, line continuations, ``-r``/``-c``
includes, environment variables, options lines, per-line ``--hash`` options. Every requirement is
parsed with ``packaging``; a line that does not parse is reported with its file and line number.

A requirements file is input from elsewhere: every file read (the first and each include) must be
a regular file of at most :data:`~envtui.core.inputs.MAX_FILE_BYTES`, includes nest at most
:data:`MAX_INCLUDE_DEPTH` deep and one read takes at most :data:`MAX_FILES` files. Anything else
(``-r /dev/zero``, a FIFO, endless or exploding includes) is refused at once, exit 2.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from envtui.core.errors import UsageError
from envtui.core.inputs import InputRefused, read_text

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_ENV_VAR = re.compile(r"\$\{([A-Z0-9_]+)\}")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_INCLUDE = re.compile(r"^(-r|--requirement|-c|--constraint)(?:\s*=?\s*)(\S+)$")
_EDITABLE = re.compile(r"^(-e|--editable)(?:\s*=?\s*)(\S+)$")
_HASH = re.compile(r"\s--hash[=\s]+(\S+)")
_EGG = re.compile(r"#egg=([A-Za-z0-9._-]+)")
_WHEEL_NAME = re.compile(r"(?:^|/)([A-Za-z0-9_.]+)-[^-/]+(?:-[^-/]+)?-[^-/]+-[^-/]+-[^-/]+\.whl$")
#: How deep ``-r``/``-c`` includes may nest (pip has no limit; real files use two or three).
MAX_INCLUDE_DEPTH = 16
#: How many files one read may take in all (includes can fan out: a few levels of two each explode).
MAX_FILES = 256


@dataclass(frozen=True)
class RequirementEntry:
    """One requirement, with where it was written."""

    requirement: Requirement | None
    """The parsed requirement; None for a bare path or URL whose name is not known."""
    source: str
    line: int
    text: str
    editable: bool = False
    constraint: bool = False
    """From a ``-c`` file: limits versions, does not ask for the package."""
    hashes: tuple[str, ...] = ()

    @property
    def key(self) -> str | None:
        """Canonical name of the required package, when known."""
        return canonicalize_name(self.requirement.name) if self.requirement else None

    @property
    def where(self) -> str:
        """``file:line`` for messages."""
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class RequirementError:
    """A line that could not be understood."""

    source: str
    line: int
    text: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}: {self.text}"


@dataclass
class RequirementSet:
    """Requirements gathered from one or more files."""

    entries: list[RequirementEntry] = field(default_factory=list)
    errors: list[RequirementError] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    """Options lines (``--index-url …``, ``--find-links …``) as written."""
    files: list[str] = field(default_factory=list)

    @property
    def is_complete(self) -> bool:
        """Whether the set pins everything (a compiled lock-like file): then extras count as drift."""
        wanted = [e for e in self.entries if not e.constraint]
        return bool(wanted) and all(
            e.requirement is not None
            and any(s.operator in ("==", "===") and "*" not in s.version for s in e.requirement.specifier)
            for e in wanted
        )

    def extend(self, other: RequirementSet) -> None:
        """Add another set's entries, errors, options and files."""
        self.entries.extend(other.entries)
        self.errors.extend(other.errors)
        self.options.extend(other.options)
        self.files.extend(f for f in other.files if f not in self.files)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continuation lines and drop comments; keep the first physical line number."""
    result: list[tuple[int, str]] = []
    pending = ""
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw if not pending else raw.lstrip()
        if not pending:
            start = number
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending += line[:-1] + " "
            continue
        joined = _COMMENT.sub("", pending + line).strip()
        pending = ""
        if joined:
            result.append((start, joined))
    if pending.strip():
        result.append((start, _COMMENT.sub("", pending).strip()))
    return result


def _name_from_location(location: str) -> str | None:
    egg = _EGG.search(location)
    if egg:
        return egg.group(1)
    wheel = _WHEEL_NAME.search(location)
    return wheel.group(1) if wheel else None


def read_requirements_file(
    path: str | os.PathLike[str],
    *,
    constraint: bool = False,
    _seen: frozenset[Path] = frozenset(),
    _budget: list[int] | None = None,
) -> RequirementSet:
    """Parse a requirements file and its includes; an unreadable top-level file is a UsageError.

    A missing or unreadable include is an error on the line that names it. One that is not a
    regular file, too big, nested too deep or one file too many is refused at once
    (:class:`~envtui.core.inputs.InputRefused`, exit 2), naming the line.
    """
    file = Path(path)
    budget = [MAX_FILES] if _budget is None else _budget
    budget[0] -= 1
    if budget[0] < 0:
        raise InputRefused(
            f"cannot read requirements file {file}", cause=f"the includes name more than {MAX_FILES} files"
        )
    text = read_text(file, what="requirements file")
    result = RequirementSet(files=[str(file)])
    seen = _seen | {file.resolve()}
    for number, line in _logical_lines(text):
        line = _ENV_VAR.sub(lambda m: os.environ.get(m.group(1), m.group(0)), line)
        include = _INCLUDE.match(line)
        if include:
            target = (file.parent / include.group(2)).resolve()
            if target in seen:
                result.errors.append(RequirementError(str(file), number, line, "include cycle"))
                continue
            if len(seen) >= MAX_INCLUDE_DEPTH:
                raise InputRefused(
                    f"cannot read requirements file {file}",
                    cause=f"line {number}: includes nest more than {MAX_INCLUDE_DEPTH} files deep",
                )
            try:
                nested = read_requirements_file(
                    target,
                    constraint=include.group(1) in ("-c", "--constraint") or constraint,
                    _seen=seen,
                    _budget=budget,
                )
            except InputRefused:
                raise
            except UsageError as exc:
                result.errors.append(RequirementError(str(file), number, line, f"{exc.message} ({exc.cause})"))
                continue
            result.extend(nested)
            continue
        editable = _EDITABLE.match(line)
        if editable:
            name = _name_from_location(editable.group(2))
            result.entries.append(
                RequirementEntry(Requirement(name) if name else None, str(file), number, line, editable=True)
            )
            continue
        if line.startswith("-"):
            result.options.append(line)
            continue
        hashes = tuple(_HASH.findall(" " + line))
        spec = _HASH.sub("", " " + line).strip()
        if " --" in f" {spec}" and not spec.startswith(("http", "git+", "file:")):
            spec, _, rest = spec.partition(" --")
            result.options.append("--" + rest)
            spec = spec.strip()
        try:
            requirement = Requirement(spec)
        except InvalidRequirement as exc:
            if spec.startswith((".", "/", "http://", "https://", "file:", "git+")) or spec.endswith(
                (".whl", ".tar.gz", ".zip")
            ):
                name = _name_from_location(spec)
                result.entries.append(
                    RequirementEntry(
                        Requirement(name) if name else None, str(file), number, line, constraint=constraint
                    )
                )
                continue
            message = str(exc).splitlines()[0] if str(exc) else "invalid requirement"
            result.errors.append(RequirementError(str(file), number, line, message))
            continue
        result.entries.append(
            RequirementEntry(requirement, str(file), number, line, constraint=constraint, hashes=hashes)
        )
    return result


def read_pyproject(path: str | os.PathLike[str], *, extras: tuple[str, ...] = ()) -> RequirementSet:
    """``[project.dependencies]`` (and named optional groups) of a ``pyproject.toml``."""
    file = Path(path)
    source = read_text(file, what="project file")
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"malformed TOML in {file}", cause=str(exc)) from exc
    project = data.get("project", {})
    lists: list[list] = [project.get("dependencies", [])]
    optional = project.get("optional-dependencies", {})
    lists.extend(optional.get(extra, []) for extra in extras)
    result = RequirementSet(files=[str(file)])
    text = source.splitlines()
    for values in lists:
        for value in values:
            number = next((i for i, line in enumerate(text, 1) if str(value) in line), 0)
            try:
                result.entries.append(RequirementEntry(Requirement(str(value)), str(file), number, str(value)))
            except InvalidRequirement as exc:
                result.errors.append(RequirementError(str(file), number, str(value), str(exc).splitlines()[0]))
    return result


def read_requirements(path: str | os.PathLike[str]) -> RequirementSet:
    """A requirements file or a ``pyproject.toml``, chosen by name."""
    return read_pyproject(path) if Path(path).name == "pyproject.toml" else read_requirements_file(path)


@dataclass(frozen=True)
class DriftItem:
    """One difference between what is asked for and what is installed."""

    kind: str
    """``missing``, ``version`` (installed but not satisfying) or ``extra`` (installed, not asked for)."""
    name: str
    wanted: str
    installed: str | None
    where: str

    def __str__(self) -> str:
        if self.kind == "missing":
            return f"{self.wanted} is not installed ({self.where})"
        if self.kind == "version":
            return f"{self.name} {self.installed} does not satisfy {self.wanted} ({self.where})"
        return f"{self.name} {self.installed} is installed but not required"


def compare(
    wanted: RequirementSet,
    installed: dict[str, str],
    markers: dict[str, str],
    *,
    complete: bool | None = None,
) -> list[DriftItem]:
    """Drift between requirements and installed versions (canonical name -> version).

    ``extra`` items are reported only when the set is complete (explicitly, or pinned throughout).
    """
    complete = wanted.is_complete if complete is None else complete
    drift: list[DriftItem] = []
    named: set[str] = set()
    env = {**markers, "extra": ""}
    for entry in wanted.entries:
        requirement = entry.requirement
        if requirement is None:
            continue
        key: str = canonicalize_name(requirement.name)
        if requirement.marker is not None and not requirement.marker.evaluate(env):
            named.add(key)
            continue
        named.add(key)
        have = installed.get(key)
        if have is None:
            if not entry.constraint:
                drift.append(DriftItem("missing", key, str(requirement), None, entry.where))
            continue
        if requirement.specifier and not requirement.specifier.contains(have, prereleases=True):
            drift.append(DriftItem("version", key, str(requirement), have, entry.where))
    if complete:
        for key in sorted(installed):
            if key not in named:
                drift.append(DriftItem("extra", key, "", installed[key], ""))
    return drift
