"""What ``uv remove`` does beyond the names it is given, said before it runs (CLI and TUI alike)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from envtui.core.project.detect import Project
from envtui.core.project.lockfile import read_lock
from envtui.core.project.manifest import MAIN, read_manifest

if TYPE_CHECKING:
    from envtui.core.env.packages import Inventory


def remove_warnings(project: Project, names: list[str], inventory: Inventory) -> list[str]:
    """uv remove syncs exactly: what else it removes, and what stays installed because others need it."""
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
    kept = {MAIN, *read_manifest(project.pyproject).default_groups}
    extra = [p.name for p in inventory.sorted() if p.key not in removing and lock.membership(p.key)[0] not in kept]
    if extra:
        lines.append(
            "uv remove also syncs the environment exactly, removing what a plain uv sync leaves out: "
            + ", ".join(extra)
        )
    return lines
