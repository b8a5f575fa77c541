"""How a project stands: is uv.lock up to date with pyproject.toml, and does the environment match it?

Both ask uv, offline (a health check must not reach the index): ``uv lock --check`` for the
lock, and ``uv sync --frozen --dry-run`` (exact, as a plain ``uv sync``) for the environment
against the lock as it is — its ``-`` lines are packages ``uv sync`` would remove, its ``+``
lines packages it would install, a ``-``/``+`` pair a version it would change.
"""

from __future__ import annotations

from dataclasses import dataclass

from packaging.utils import canonicalize_name

from envtui.core import process
from envtui.core.env.changes import parse_dry_run
from envtui.core.errors import EnvtuiError
from envtui.core.project.commands import SyncOptions, lock_argv, sync_argv
from envtui.core.project.detect import LOCK, PYPROJECT, Project
from envtui.core.project.lockfile import read_lock, without_rebuilds
from envtui.core.uv import Uv

#: Seconds a status question to uv may take before it counts as unanswered.
TIMEOUT = 60.0

MISSING, VERSION, EXTRANEOUS = "missing", "version", "extraneous"


@dataclass(frozen=True)
class LockState:
    """Whether uv.lock is up to date with pyproject.toml."""

    up_to_date: bool | None
    """None when uv could not tell (the reason is in ``detail``)."""
    detail: str


def lock_state(project: Project, uv: Uv | None = None, *, timeout: float = TIMEOUT) -> LockState:
    """``uv lock --check --offline``: up to date, out of date, or unknown (uv's error)."""
    if not project.lock.is_file():
        return LockState(False, f"there is no {LOCK} yet: `uv lock` would create it")
    uv = uv or Uv()
    try:
        result = process.run(lock_argv(uv, project, check=True, extra=["--offline"]), timeout=timeout)
    except EnvtuiError as exc:
        return LockState(None, f"cannot check {LOCK}: {exc.message}")
    if result.ok:
        return LockState(True, f"{LOCK} is up to date with {PYPROJECT}")
    text = result.stderr + result.stdout
    if "needs to be updated" in text:
        return LockState(False, f"{LOCK} is out of date with {PYPROJECT}: `uv lock` would change it")
    return LockState(None, f"cannot check {LOCK} offline: {_error_line(result)}")


@dataclass(frozen=True)
class LockDifference:
    """One way the environment differs from uv.lock."""

    name: str
    """As uv spells it."""
    kind: str
    """``missing`` (locked, not installed), ``version`` (installed at another version), ``extraneous``."""
    installed: str | None
    locked: str | None
    group: str | None
    """The lock's group of the package (``main``, ``dev``, a group, an extra); None when the lock does not name it."""

    @property
    def key(self) -> str:
        """The canonical name."""
        return canonicalize_name(self.name)

    def __str__(self) -> str:
        if self.kind == EXTRANEOUS and self.group:
            return (
                f"{self.name} {self.installed} is locked only for {self.group}, which a plain `uv sync` leaves out:"
                " would be removed by `uv sync`"
            )
        if self.kind == EXTRANEOUS:
            return f"{self.name} {self.installed} is not in {LOCK}: would be removed by `uv sync`"
        if self.kind == MISSING:
            where = f" ({self.group})" if self.group and self.group != "main" else ""
            return f"{self.name} {self.locked}{where} is locked but not installed: `uv sync` would install it"
        return f"{self.name} is {self.installed}, {LOCK} pins {self.locked}: `uv sync` would change it"


def environment_vs_lock(project: Project, uv: Uv | None = None, *, timeout: float = TIMEOUT) -> list[LockDifference]:
    """Every difference between the environment and uv.lock, as a plain ``uv sync`` would fix it.

    EnvtuiError when uv cannot say (no lock, a lock it cannot read, a broken environment).
    """
    if not project.lock.is_file():
        raise EnvtuiError(f"there is no {LOCK} to compare with", cause="run `uv lock`")
    uv = uv or Uv()
    argv = sync_argv(uv, project, SyncOptions(frozen=True), dry_run=True, extra=["--offline"])
    result = process.run(argv, timeout=timeout)
    if not result.ok:
        raise EnvtuiError("uv cannot compare the environment with uv.lock", cause=_error_line(result))
    preview = parse_dry_run(result.stdout + "\n" + result.stderr)
    lock = read_lock(project.lock, project.name)
    groups = lock.classify()
    found = []
    for change in without_rebuilds(preview.changes, {project.name, *lock.members}):
        group = groups.get(canonicalize_name(change.name), (None, False))[0]
        if change.kind == "removed":
            locked = canonicalize_name(change.name) in groups
            found.append(LockDifference(change.name, EXTRANEOUS, change.old, None, group if locked else None))
        elif change.kind == "added":
            found.append(LockDifference(change.name, MISSING, None, change.new, group))
        elif change.kind == "changed":
            found.append(LockDifference(change.name, VERSION, change.old, change.new, group))
    return found


def _error_line(result: process.ProcessResult) -> str:
    for line in result.stderr.splitlines():
        if line.lower().startswith("error:"):
            return line.split(":", 1)[1].strip()
    return result.last_error_line()
