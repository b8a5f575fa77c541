"""Rolling back: whether a snapshot can be restored, how, and which snapshot undo and redo mean.

A rollback is ``uv pip sync`` of the snapshot's freeze: exact, because sync installs the lines
and removes everything else, and because packages pinned at the same version but installed from
elsewhere are reinstalled (sync alone would keep them). Before any job runs, :func:`plan_restore`
says which lines cannot be had — a Python of another minor version, a local path or editable
project gone, a URL whose credentials were never stored, a version gone from the index (uv's own
``--dry-run``, repeated without each line it names so every such line is found) — so a refused
rollback leaves the environment untouched.

In a uv project a snapshot also keeps ``pyproject.toml`` and ``uv.lock``: a plan names the files
that differ (the rollback job writes them back after uv), and "differs from now" counts them.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from envtui.core import process
from envtui.core.env.environment import Environment
from envtui.core.snapshots.diff import SetDiff, diff_lines
from envtui.core.snapshots.freeze import FreezeLine, Runner, freeze, is_freeze_line
from envtui.core.snapshots.model import Snapshot
from envtui.core.snapshots.project import ProjectFiles, current_files
from envtui.core.snapshots.store import Listing, SnapshotStore, make_private_dir
from envtui.core.uv import Uv

#: How many rounds of uv's dry-run look for further lines that cannot be had.
MAX_ROUNDS = 20

_REDACTED = re.compile(r"://[^/@\s]*\*\*\*\*[^/@\s]*@")


@dataclass(frozen=True)
class Unobtainable:
    """A snapshot line that cannot be installed now, and why."""

    line: str
    reason: str

    def to_json(self) -> dict:
        """``{"line", "reason"}``."""
        return {"line": self.line, "reason": self.reason}


@dataclass
class RestorePlan:
    """What restoring a snapshot would do, and what stands in its way."""

    snapshot: Snapshot
    current: list[FreezeLine]
    """What is installed now."""
    diff: SetDiff
    """From now to the snapshot."""
    problems: list[Unobtainable] = field(default_factory=list)
    reinstall: list[str] = field(default_factory=list)
    """Packages both sets have, pinned differently: reinstalled so the result matches exactly."""
    files: list[str] = field(default_factory=list)
    """In a uv project: the files (``pyproject.toml``, ``uv.lock``) that differ from the snapshot's."""

    @property
    def restorable(self) -> bool:
        """Whether every line can be had."""
        return not self.problems

    @property
    def unchanged(self) -> bool:
        """Whether the environment and the project's files already match the snapshot."""
        return self.diff.empty and not self.files


def plan_restore(
    env: Environment,
    snapshot: Snapshot,
    store: SnapshotStore,
    *,
    uv: Uv | None = None,
    run: Runner | None = None,
    current: Sequence[FreezeLine] | None = None,
) -> RestorePlan:
    """Check a snapshot against the environment (asking uv with ``--dry-run``); changes nothing.

    ``run`` runs uv's command lines (default: :func:`envtui.core.process.run`): the TUI passes one
    that gives up when its worker is cancelled.
    """
    uv = uv or Uv()
    now = list(current) if current is not None else freeze(env, uv, run=run).lines
    diff = diff_lines(now, snapshot.lines)
    plan = RestorePlan(snapshot, now, diff, reinstall=[c.name for c in diff.changed if c.name and " " not in c.name])
    if snapshot.project is not None:
        if not Path(snapshot.project.root).is_dir():
            plan.problems.append(
                Unobtainable("pyproject.toml", f"the project directory is gone: {snapshot.project.root}")
            )
            return plan
        plan.files = snapshot.project.differs_from(current_files(snapshot.project))
    if diff.empty:
        return plan  # already there: nothing to install, nothing that could fail
    plan.problems += local_problems(env, snapshot)
    if any(p.line.startswith("python ") for p in plan.problems):
        return plan  # uv would only say the same of every line
    flagged = {p.line for p in plan.problems}
    plan.problems += uv_problems(env, [e for e in snapshot.lines if e.line not in flagged], store, uv, run)
    return plan


def local_problems(env: Environment, snapshot: Snapshot) -> list[Unobtainable]:
    """What can be told without uv: another Python, local paths gone, credentials not stored."""
    problems: list[Unobtainable] = []
    then, now = snapshot.python.split(".")[:2], env.version.split(".")[:2]
    if snapshot.python and then != now:
        problems.append(
            Unobtainable(
                f"python {snapshot.python}",
                f"the snapshot was taken with Python {snapshot.python}; the environment now has {env.version}",
            )
        )
    for entry in snapshot.lines:
        if not is_freeze_line(entry.line):  # e.g. an option slipped into the file: never handed to uv
            problems.append(Unobtainable(entry.line, "not a line uv pip freeze prints; refused"))
            continue
        url = entry.url
        if url is None:
            continue
        if _REDACTED.search(url):
            problems.append(Unobtainable(entry.line, "its URL's credentials were not stored (uv hides them)"))
            continue
        path = _local_path(url)
        if path is not None and not path.exists():
            what = "the editable project" if entry.editable else "the file"
            problems.append(Unobtainable(entry.line, f"{what} is gone: {path}"))
    return problems


def _local_path(url: str) -> Path | None:
    """The path of a ``file:`` URL (VCS and fragments stripped), else None."""
    if url.startswith("git+file:") or not url.startswith("file:"):
        return None
    parts = urlsplit(url)
    return Path(unquote(parts.path)) if parts.path else None


def uv_problems(
    env: Environment,
    lines: list[FreezeLine],
    store: SnapshotStore,
    uv: Uv,
    run: Runner | None = None,
) -> list[Unobtainable]:
    """Lines uv cannot install: its dry-run, again without each line it names, until it passes."""
    remaining = list(lines)
    found: list[Unobtainable] = []
    make_private_dir(store.root)
    make_private_dir(store.directory)
    for _ in range(MAX_ROUNDS):
        fd, name = tempfile.mkstemp(dir=store.directory, prefix=".check-", suffix=".txt")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("".join(f"{e.line}\n" for e in remaining))
            argv = uv.pip("sync", env.python, *env.uv_flags(), "--dry-run", "--allow-empty-requirements", "--", name)
            result = run(argv) if run is not None else process.run(argv, timeout=600)
        finally:
            os.unlink(name)
        if result.ok:
            return found
        errors = _error_lines(result.stderr) or [result.last_error_line()]
        text = "\n".join(errors)
        hit = [e for e in remaining if _mentioned(e, text)]
        if not hit:
            found.append(Unobtainable("(the snapshot as a whole)", _short(errors)))
            return found
        for entry in hit:
            found.append(Unobtainable(entry.line, _why(entry, text, errors)))
            remaining.remove(entry)
    found.append(Unobtainable("(more lines)", f"stopped looking after {MAX_ROUNDS} rounds of uv's dry-run"))
    return found


def _error_lines(stderr: str) -> list[str]:
    """uv's error, from its first ``error:`` line on (what comes before, such as the environment's
    path, must not count as naming a package)."""
    lines = stderr.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().lower().startswith("error")), None)
    return [line for line in lines[start:] if line.strip()] if start is not None else []


def _mentioned(entry: FreezeLine, text: str) -> bool:
    url = entry.url
    if url and url in text:
        return True
    if entry.name is None:
        return False
    return (
        re.search(rf"(?<![A-Za-z0-9._-]){re.escape(entry.name)}(?![A-Za-z0-9_-]|\.[A-Za-z0-9])", text, re.I) is not None
    )


def _why(entry: FreezeLine, text: str, errors: list[str]) -> str:
    if entry.url and "not found at" in text:
        return f"nothing at {entry.url}"
    if "no version of" in text:
        return f"version {entry.pin} is not in the index"
    if "not found in the package registry" in text or "was not found in the provided package locations" in text:
        return "the package is not in the index"
    return _short(errors)


def _short(errors: list[str]) -> str:
    """uv's error in one line, without its labels."""
    parts = [line.strip().removeprefix("error:").strip() for line in errors[:2]]
    parts = [p.split(":", 1)[1].strip() if p.lower().startswith(("cause:", "caused by:")) else p for p in parts]
    return "; ".join(p for p in parts if p) or "uv cannot install it"


# -- which snapshot ------------------------------------------------------------------------


def _same_files(kept: ProjectFiles | None, other: ProjectFiles | None) -> bool:
    """Whether a snapshot's project files match ``other`` (a snapshot that kept none matches anything)."""
    return kept is None or not kept.differs_from(other)


def newest_different(
    listing: Listing, current: Sequence[FreezeLine], current_project: ProjectFiles | None = None
) -> Snapshot | None:
    """The newest snapshot that differs from now: the state before the last change (what ``rollback`` restores).

    In a project, pass its files now (``current_project``): a change to pyproject.toml or uv.lock
    alone is a change too.
    """
    now = [e.line for e in current]
    for snapshot in listing.snapshots:
        if snapshot.freeze != now or not _same_files(snapshot.project, current_project):
            return snapshot
    return None


def undo_redo(
    listing: Listing, current: Sequence[FreezeLine], current_project: ProjectFiles | None = None
) -> tuple[Snapshot | None, Snapshot | None]:
    """``(undo, redo)``: the snapshot ``z`` restores (before the last change still in effect), and ``Z``'s.

    Replays the snapshots oldest first as an editor replays its undo stack. A job changed the
    environment when its snapshot differs from the next one (or from now, for the newest); an
    undo pops the change it restored the "before" of, a redo pushes it back (restoring the
    snapshot taken before that undo), and any other change clears what could be redone.
    """
    ordered = list(reversed(listing.snapshots))
    now = [e.line for e in current]
    done: list[Snapshot] = []
    undone: list[tuple[Snapshot, Snapshot]] = []  # (before the change, before its undo)
    for index, snapshot in enumerate(ordered):
        after = ordered[index + 1].freeze if index + 1 < len(ordered) else now
        after_files = ordered[index + 1].project if index + 1 < len(ordered) else current_project
        if snapshot.freeze == after and _same_files(snapshot.project, after_files):
            continue  # that job changed nothing (it failed, or nothing was to do)
        if snapshot.mode == "undo" and done and done[-1].id == snapshot.target:
            undone.append((done.pop(), snapshot))
        elif snapshot.mode == "redo" and undone and undone[-1][1].id == snapshot.target:
            done.append(undone.pop()[0])
        else:
            done.append(snapshot)
            undone.clear()
    return (done[-1] if done else None), (undone[-1][1] if undone else None)
