"""What ``uv remove`` does beyond the names it is given, said before it runs (CLI and TUI alike)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from envtui.core import process
from envtui.core.env.changes import parse_dry_run
from envtui.core.process import Runner
from envtui.core.project.commands import SyncOptions, sync_argv
from envtui.core.project.detect import Project
from envtui.core.project.lockfile import read_lock
from envtui.core.uv import Uv

if TYPE_CHECKING:
    from envtui.core.env.packages import Inventory


def remove_warnings(project: Project, names: list[str], inventory: Inventory, uv: Uv | None = None) -> list[str]:
    """uv remove syncs exactly: what stays installed because other locked packages need it, and
    (asked of uv, when ``uv`` is given: :func:`taken_along`) what else it removes."""
    if not project.lock.is_file():
        return []
    lock = read_lock(project.lock, project.name)
    removing = {canonicalize_name(n) for n in names}
    lines = []
    for name in names:
        needed = [n for n in lock.required_by(name) if n not in removing]
        if needed and canonicalize_name(name) in inventory.packages:
            lines.append(
                f"{name} stays installed: {', '.join(needed)} still require{'s' if len(needed) == 1 else ''} it"
            )
    taken = taken_along(project, names, uv) if uv is not None else None
    return [*lines, taken] if taken else lines


def taken_along(project: Project, names: Iterable[str], uv: Uv, run: Runner = process.run) -> str | None:
    """What ``uv remove`` takes out of the environment besides ``names`` and what only they need:
    what a plain ``uv sync`` would remove now (asked of uv with ``--dry-run``, so it is exact):
    packages the lock does not name (installed the pip way), ones it names only for another
    platform (a marker), only for a group or extra a plain sync leaves out. None when nothing,
    or when uv cannot say."""
    result = run(sync_argv(uv, project, SyncOptions(frozen=True), dry_run=True))
    if not result.ok:
        return None
    removing = {canonicalize_name(n) for n in names}
    preview = parse_dry_run(result.stdout + "\n" + result.stderr)
    others = sorted(
        c.name for c in preview.changes if c.kind == "removed" and canonicalize_name(c.name) not in removing
    )
    if not others:
        return None
    return "uv remove also syncs the environment exactly, removing what a plain uv sync leaves out: " + ", ".join(
        others
    )
