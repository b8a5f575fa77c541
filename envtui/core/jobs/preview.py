"""Ask uv (``--dry-run``) what a change would do: :func:`preview`.

Reading uv's summary lines (``+ alpha==2.0``) is :mod:`envtui.core.env.changes`; its names are
re-exported here for the callers that read a preview.
"""

from __future__ import annotations

from pathlib import Path

from packaging.utils import canonicalize_name

from envtui.core import process
from envtui.core.env.changes import Change as Change
from envtui.core.env.changes import Preview as Preview
from envtui.core.env.changes import parse_change_line as parse_change_line
from envtui.core.env.changes import parse_changes as parse_changes
from envtui.core.env.changes import parse_dry_run as parse_dry_run
from envtui.core.env.environment import Environment
from envtui.core.env.packages import list_packages
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.constraints import broken_by, constraints_file, find_holds, held_back
from envtui.core.jobs.uv_errors import error_block, without_label
from envtui.core.process import Runner
from envtui.core.uv import Uv


def preview(
    env: Environment, request: ChangeRequest, uv: Uv | None = None, *, run: Runner | None = None, explain: bool = True
) -> Preview:
    """What a request would change, from uv's ``--dry-run``; EnvtuiError (with uv's error) if it cannot.

    ``run`` runs uv's command line: a job's step passes its own (so cancelling the job stops
    uv), the TUI one that gives up when its worker is cancelled. An upgrade keeps the installed
    packages' requirements (:mod:`envtui.core.jobs.constraints`); with ``explain`` its preview
    also says what held a package back (one more dry-run, without them) or, for ``--latest``,
    which installed packages the change breaks.
    """
    uv = uv or Uv()
    run = run or process.run
    if request.project is not None:  # through the project: lock, pyproject.toml and environment
        from envtui.core.project.preview import preview_project_change

        return preview_project_change(env, request, uv, run=run)
    if request.kind != "upgrade":
        return _dry_run(uv, env, request, run)
    inventory = list_packages(env, uv)
    if request.latest:
        result = _dry_run(uv, env, request, run)
        if explain:
            changed = {canonicalize_name(c.name) for c in result.changes}
            holds = find_holds(inventory.packages, env.markers, exclude=changed)
            result.warnings = broken_by(result.changes, inventory.packages, holds)
        return result
    holds = find_holds(inventory.packages, env.markers, exclude=request.specs)
    with constraints_file(holds) as path:
        result = _dry_run(uv, env, request, run, constraints=path)
    if explain and holds:
        try:
            newest = _dry_run(uv, env, request, run)
        except EnvtuiError:  # without the bounds uv cannot resolve at all: nothing newer to name
            return result
        result.notes = held_back(request.specs, result.changes, newest.changes, inventory.packages, holds)
    return result


def _dry_run(uv: Uv, env: Environment, request: ChangeRequest, run: Runner, constraints: Path | None = None) -> Preview:
    argv = build_argv(uv, env, request, dry_run=True, constraints=constraints)
    result = run(argv)
    if not result.ok:
        errors = error_block(result.stderr.splitlines())
        raise EnvtuiError(
            f"uv cannot {request.kind}: {errors[0].split(':', 1)[-1].strip() if errors else 'it failed'}",
            cause="; ".join(without_label(line) for line in errors[1:3]) or result.last_error_line(),
            details=errors or result.stderr.splitlines()[-20:],
        )
    return parse_dry_run(result.stdout + "\n" + result.stderr)
