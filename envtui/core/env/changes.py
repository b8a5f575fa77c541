"""What a change will do, read from uv's own summary lines.

uv (0.13) ends ``pip install``, ``pip uninstall`` and ``pip sync`` — with ``--dry-run`` or for
real — with one line per distribution::

     - alpha==1.0
     + alpha==2.0
     + delta==1.0
     ~ beta==1.1          (reinstalled)
     + proj==0.1 (from file:///src/proj)
     + wheel @ file:///wheels/wheel-1.0-py3-none-any.whl

A removal and an addition of the same name make one change (old -> new). A distribution named
by URL gets the version its wheel file name carries, else ``@ URL``. ``Would make no changes``
(or no such lines at all) is an empty preview — but when uv's counts (``Would install 2
packages``) announce more than the lines envtui could read, the rest is counted as unknown
changes, so a preview it cannot understand never passes for "no changes" (fail safe).

Used by the jobs (what a job did or would do) and by the project checks (what ``uv sync``
would do), so it lives with the environment, below both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from packaging.utils import canonicalize_name

from envtui.core.env.names import NAME_PATTERN

_LINE = re.compile(
    rf"^\s*(?P<op>[+\-~])\s+(?P<name>{NAME_PATTERN})"
    r"(?:==(?P<version>[^\s(]+)(?:\s+\(from (?P<source>.+)\))?|\s+@\s+(?P<url>\S+))\s*$"
)
#: uv's counts before the lines: ``Would install 2 packages``, ``Uninstalled 1 package``.
_COUNT = re.compile(r"^\s*(?:Would )?(?P<verb>[Ii]nstall|[Uu]ninstall|[Rr]einstall)(?:ed)? (?P<n>\d+) packages?\b")


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
    unknown: int = 0
    """Changes uv announced (by its counts) that no line envtui could read describes."""
    notes: list[str] = field(default_factory=list)
    """What the person should know, e.g. ``held back: alpha 1.1, 2.0 exists: capped requires alpha<2.0``."""
    warnings: list[str] = field(default_factory=list)
    """What the change breaks, e.g. ``breaks capped: capped requires alpha<2.0, gets 2.0`` (``--latest``)."""

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
        """Whether the job would change nothing (unreadable announced changes count as changes)."""
        return not self.changes and not self.unknown

    def summary(self) -> str:
        """One line, e.g. ``1 added, 2 changed, 0 removed``."""
        if self.empty:
            return "no changes"
        text = f"{len(self.added)} added, {len(self.changed)} changed, {len(self.removed)} removed"
        if self.unknown:
            text += f", {self.unknown} more uv did not itemise"
        return text

    def to_json(self) -> dict:
        """``{"added": [...], "removed": [...], "changed": [...]}`` of ``{"name", "old", "new"}``."""
        data: dict = {
            "added": [c.to_json() for c in self.added],
            "removed": [c.to_json() for c in self.removed],
            "changed": [c.to_json() for c in self.changed],
        }
        if self.notes:
            data["held_back"] = list(self.notes)
        if self.warnings:
            data["breaks"] = list(self.warnings)
        return data


def parse_change_line(line: str) -> tuple[str, str, str | None, str] | None:
    """``(op, name, version, source)`` for one of uv's ``+``/``-``/``~`` lines, else None."""
    match = _LINE.match(line)
    if match is None:
        return None
    if match["url"]:
        return match["op"], match["name"], _version_from_url(match["url"]), match["url"]
    return match["op"], match["name"], match["version"], match["source"] or ""


def _version_from_url(url: str) -> str:
    """The version a wheel's file name carries, else ``@ URL`` (a directory, an sdist, a VCS ref)."""
    from packaging.utils import InvalidWheelFilename, parse_wheel_filename

    filename = url.rsplit("/", 1)[-1].split("#", 1)[0].split("?", 1)[0]
    if filename.endswith(".whl"):
        try:
            return str(parse_wheel_filename(filename)[1])
        except InvalidWheelFilename:
            pass
    return f"@ {url}"


def parse_changes(lines: Iterable[str]) -> Preview:
    """The preview described by uv's output lines (stdout and stderr mixed is fine)."""
    order: list[str] = []
    old: dict[str, str | None] = {}
    new: dict[str, str | None] = {}
    names: dict[str, str] = {}
    sources: dict[str, str] = {}
    announced = {"install": 0, "uninstall": 0}
    for line in lines:
        parsed = parse_change_line(line)
        if parsed is None:
            count = _COUNT.match(line)
            if count is not None:
                verb = count["verb"].lower()
                announced["install" if verb == "reinstall" else verb] += int(count["n"])
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
    changes = [Change(names[k], old.get(k), new.get(k), sources.get(k, "")) for k in order]
    seen_new = sum(1 for k in order if k in new)
    seen_old = sum(1 for k in order if k in old)
    unknown = max(announced["install"] - seen_new, announced["uninstall"] - seen_old, 0)
    return Preview(changes, unknown)


def parse_dry_run(text: str) -> Preview:
    """The preview in the output of a ``--dry-run`` uv command."""
    return parse_changes(text.splitlines())
