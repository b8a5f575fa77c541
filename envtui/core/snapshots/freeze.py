"""What is installed, exactly as ``uv pip freeze`` prints it, cheaply enough to do before every job.

``uv pip freeze`` takes about 55 ms on a 2,000-package venv, more than a snapshot may add to a
job. Most environments hold only wheels installed from an index, and for those uv's freeze is
a pure function of the ``.dist-info`` directory names: ``name==version``, the name normalized,
sorted by name. :func:`freeze` computes that itself from one directory listing (a few ms).
Anything whose freeze line needs more (a ``direct_url.json``: URLs, local paths, editables;
``.egg-info`` or ``.egg-link``; a version not already in normal form; a venv that sees the
system site-packages) makes it ask uv instead, so the lines are always uv's own.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from envtui.core import process
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.process import Runner
from envtui.core.uv import Uv

#: A release number already in PEP 440 normal form (no leading zeros): printed by uv as it is.
_PLAIN_VERSION = re.compile(r"(?:0|[1-9][0-9]*)(?:\.(?:0|[1-9][0-9]*))*\Z")
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?\Z")
_PINNED = re.compile(r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)==(?P<version>\S+)\Z")
_URL = re.compile(r"(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?) @ (?P<url>\S+)\Z")


@dataclass(slots=True)
class FreezeLine:
    """One line of ``uv pip freeze``, and the package it is about.

    Slotted and not frozen: a snapshot makes thousands of these before every job, and a
    frozen dataclass costs four times as much to create. Treat it as immutable all the same.
    """

    line: str
    """The line exactly as uv prints it: ``alpha==1.0``, ``alpha @ file:///…``, ``-e file:///…``."""
    name: str | None = None
    """The canonical package name; None for an editable whose package could not be told."""

    @property
    def key(self) -> str:
        """What identifies the package across two freezes: its name, else the line itself."""
        return self.name or self.line

    @property
    def editable(self) -> bool:
        """Whether it is an editable install (``-e URL``)."""
        return self.line.startswith("-e ")

    @property
    def url(self) -> str | None:
        """The URL it was installed from (editables and ``name @ URL``), or None for an index pin."""
        if self.editable:
            return self.line[3:].strip()
        match = _URL.match(self.line)
        return match["url"] if match else None

    @property
    def pin(self) -> str:
        """What the line pins: the version, the URL, or ``-e URL`` for an editable."""
        match = _PINNED.match(self.line)
        if match:
            return match["version"]
        if self.editable:
            return self.line
        return self.url or self.line

    def to_json(self) -> dict:
        """``{"name", "line"}``."""
        return {"name": self.name, "line": self.line}


def is_freeze_line(line: str) -> bool:
    """Whether a line has one of the shapes ``uv pip freeze`` prints: ``name==version``,
    ``name @ URL`` or ``-e URL-or-path`` (one line, no further option after an editable)."""
    if not line or line != line.strip() or "\n" in line or "\r" in line:
        return False
    if line.startswith("-e "):
        target = line[3:].strip()
        return bool(target) and not target.startswith("-") and not re.search(r"\s-", target)
    return bool(_PINNED.match(line) or _URL.match(line))


def parse_line(line: str, name: str | None = None) -> FreezeLine:
    """A freeze line with its package name (given, or read from ``name==…`` / ``name @ …``)."""
    if name is None and not line.startswith("-e "):
        match = _PINNED.match(line) or _URL.match(line)
        if match:
            name = canonicalize_name(match["name"])
    return FreezeLine(line, name)


@dataclass
class Freeze:
    """What is installed in an environment, line for line as ``uv pip freeze`` has it."""

    lines: list[FreezeLine]
    source: str
    """``"scan"`` (computed from the dist-info names) or ``"uv"`` (uv's own output)."""

    def text(self) -> str:
        """The freeze as a requirements file: one line each, newline-terminated."""
        return "".join(f"{entry.line}\n" for entry in self.lines)


def freeze(env: Environment, uv: Uv | None = None, *, run: Runner | None = None) -> Freeze:
    """The installed set of ``env``: computed from its ``.dist-info`` names when that is exact, else uv's.

    ``run`` runs uv when it is asked (default: :func:`envtui.core.process.run`).
    """
    scan = _scan(env) if _scannable(env) else None
    if scan is not None and scan.plain:
        return Freeze(scan.lines, "scan")
    return Freeze(freeze_with_uv(env, uv, editables=scan.editables if scan else None, run=run), "uv")


def freeze_with_uv(
    env: Environment,
    uv: Uv | None = None,
    *,
    editables: dict[str, str] | None = None,
    run: Runner | None = None,
) -> list[FreezeLine]:
    """``uv pip freeze`` itself; ``editables`` (URL -> name) names the ``-e`` lines."""
    uv = uv or Uv()
    argv = uv.pip("freeze", env.python, *env.uv_flags())
    result = run(argv) if run is not None else process.run(argv, timeout=120)
    if not result.ok:
        raise EnvtuiError(f"uv cannot list {env.path}", cause=result.last_error_line())
    if editables is None:
        editables = _editable_names(env.site_packages)
    out: list[FreezeLine] = []
    for raw in result.stdout.splitlines():
        line = raw.rstrip()
        if not line:
            continue
        name = None
        if line.startswith("-e "):
            url = line[3:].strip()
            name = editables.get(url) or editables.get(url.rstrip("/"))
        out.append(parse_line(line, name))
    return out


@dataclass
class _Scan:
    lines: list[FreezeLine]
    plain: bool
    """Whether every distribution is a plain index install, so ``lines`` is what uv would print."""
    editables: dict[str, str]
    """Editable URL -> package name, for the lines uv prints as ``-e URL``."""


def _scannable(env: Environment) -> bool:
    """A venv that sees only its own site-packages (others go to uv, which knows its rules)."""
    if not env.is_venv or not env.site_packages:
        return False
    return env.pyvenv.get("include-system-site-packages", "false").strip().lower() != "true"


def _scan(env: Environment) -> _Scan | None:
    """Read the ``.dist-info`` names of the venv's site-packages; None if a directory is missing."""
    found: list[tuple[str, str]] = []  # (canonical name, version as uv prints it)
    plain = True
    with_url: list[str] = []
    access, F_OK = os.access, os.F_OK
    for directory in env.site_packages:
        try:
            entries = os.scandir(directory)
        except OSError:
            return None
        with entries:
            for entry in entries:
                filename = entry.name
                if filename.endswith(".dist-info"):
                    parsed = _parse_dist_info(filename)
                    if parsed is None or not entry.is_dir():
                        plain = False
                        continue
                    if access(f"{entry.path}/direct_url.json", F_OK):  # os.access: no exception, half the cost
                        plain = False
                        with_url.append(entry.path)
                        continue
                    found.append(parsed)
                elif filename.endswith((".egg-info", ".egg-link")):
                    plain = False
    if not plain:
        return _Scan([], False, _editable_names_from(with_url))
    return _Scan(_sorted_lines(found), True, {})


def _parse_dist_info(filename: str) -> tuple[str, str] | None:
    """``(canonical name, version)`` of ``name-version.dist-info`` as uv reads it; None if unusual."""
    stem = filename[: -len(".dist-info")]
    name, sep, version = stem.partition("-")  # uv splits at the first dash too
    if not sep or not _NAME.match(name):
        return None
    if not _PLAIN_VERSION.match(version):
        try:
            normal = str(Version(version))
        except InvalidVersion:
            return None
        if normal != version:
            return None  # uv prints its own normal form: leave the spelling to uv
    canonical = name.lower().replace("_", "-").replace(".", "-")
    return (canonical if "--" not in canonical else canonicalize_name(name)), version


def _sorted_lines(found: list[tuple[str, str]]) -> list[FreezeLine]:
    """Sorted as uv sorts (by name, then version), duplicates dropped."""
    found.sort()
    for start in range(len(found) - 1):  # the same name twice (a broken venv): order by version
        if found[start][0] == found[start + 1][0]:
            found.sort(key=lambda item: (item[0], Version(item[1])))
            break
    lines: list[FreezeLine] = []
    previous = None
    for name, version in found:
        line = f"{name}=={version}"
        if line != previous:
            lines.append(FreezeLine(line, name))
            previous = line
    return lines


def _editable_names(site_packages: Iterable[Path]) -> dict[str, str]:
    """Editable URL -> package name, from every ``direct_url.json`` in the site-packages."""
    paths: list[str] = []
    for directory in site_packages:
        try:
            with os.scandir(directory) as entries:
                paths += [e.path for e in entries if e.name.endswith(".dist-info")]
        except OSError:
            continue
    return _editable_names_from(p for p in paths if os.path.exists(os.path.join(p, "direct_url.json")))


def _editable_names_from(dist_infos: Iterable[str]) -> dict[str, str]:
    names: dict[str, str] = {}
    for path in dist_infos:
        parsed = _parse_dist_info(os.path.basename(path))
        name = parsed[0] if parsed else canonicalize_name(os.path.basename(path).split("-", 1)[0])
        try:
            with open(os.path.join(path, "direct_url.json"), encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            continue
        if not isinstance(data, dict) or not isinstance(data.get("url"), str):
            continue
        info = data.get("dir_info")
        if isinstance(info, dict) and info.get("editable") is True:
            names[data["url"]] = name
            names[data["url"].rstrip("/")] = name
    return names
