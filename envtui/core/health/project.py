"""The checks of a uv project: "lock" and "environment vs lock".

- ``lock``: ``uv lock --check`` (offline): is uv.lock up to date with pyproject.toml? A stale
  lock warns: the environment may be fine, but ``uv sync --locked`` (a deploy) would refuse it.
- ``environment vs lock``: the environment against uv.lock as a plain ``uv sync`` sees it.
  Each difference is named: a package the lock does not name warns ("would be removed by `uv
  sync`"); a missing package or another version fails when the main dependencies need it and
  warns for a group or extra (a server synced ``--no-dev`` lacks the dev group on purpose).

Both run only for a project environment; a plain venv has neither.
"""

from __future__ import annotations

from envtui.core.errors import EnvtuiError
from envtui.core.health.report import FAIL, LOCK, LOCK_ENV, OK, WARN, Finding
from envtui.core.project.detect import LOCK as LOCK_FILE
from envtui.core.project.detect import Project
from envtui.core.project.status import EXTRANEOUS, MISSING, environment_vs_lock, lock_state
from envtui.core.uv import Uv


def check_lock(project: Project, uv: Uv | None = None) -> list[Finding]:
    """Whether uv.lock is up to date with pyproject.toml."""
    state = lock_state(project, uv)
    status = OK if state.up_to_date else WARN
    data = {"project": project.name, "lock": str(project.lock), "up_to_date": state.up_to_date}
    return [Finding(LOCK, "lock", status, state.detail, data=data)]


def check_environment_vs_lock(project: Project, uv: Uv | None = None) -> list[Finding]:
    """One finding per difference between the environment and uv.lock (or one ``ok``)."""
    try:
        differences = environment_vs_lock(project, uv)
    except EnvtuiError as exc:
        detail = f"{exc.message}: {exc.cause}" if exc.cause else exc.message
        return [Finding(LOCK_ENV, "environment vs lock", WARN, detail)]
    if not differences:
        return [Finding(LOCK_ENV, "environment vs lock", OK, f"the environment matches {LOCK_FILE}")]
    findings = []
    for difference in differences:
        needed = difference.kind != EXTRANEOUS and difference.group in (None, "main")
        status = FAIL if needed else WARN
        findings.append(
            Finding(
                LOCK_ENV,
                f"environment vs lock {difference.name}",
                status,
                str(difference),
                package=difference.key if difference.kind != MISSING else None,
                data={
                    "kind": difference.kind,
                    "installed": difference.installed,
                    "locked": difference.locked,
                    "group": difference.group,
                },
            )
        )
    return findings
