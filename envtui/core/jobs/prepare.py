"""What a job decides once it holds the environment's lock: the environment as it is then.

Deciding before the lock is deciding on a state that may be gone: ``envtui install rich &``
then ``envtui uninstall rich`` used to say "rich is not installed" while the install was still
running, and leave rich. So the engine asks here, with the lock held, just before the steps and
uv: an uninstall drops the names that are not installed (and warns about dependents), or has
nothing to do; an upgrade keeps the installed packages' version bounds as uv constraints.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from packaging.utils import canonicalize_name

from envtui.core.env.packages import list_packages
from envtui.core.jobs.change import build_argv
from envtui.core.jobs.constraints import constraints_text, find_holds
from envtui.core.jobs.job import Job
from envtui.core.uv import Uv

#: Where ``Job.step_data`` keeps the constraints file an upgrade wrote (removed when the job ends).
CONSTRAINTS = "constraints_file"
#: Where ``Job.step_data`` lists scratch directories steps made for the job (removed when the job ends).
SCRATCH = "scratch_dirs"


def prepare(job: Job, uv: Uv, emit: Callable[[str, str], None]) -> str | None:
    """Fit the job to the environment as it is now; returns why there is nothing to do, or None."""
    if job.request.project is not None:  # uv remove and uv sync decide by the lock; the project needs no bounds
        return None
    if job.request.kind == "uninstall":
        return _uninstall(job, uv, emit)
    if job.request.kind == "upgrade" and not job.request.latest:
        _upgrade(job, uv, emit)
    return None


def _uninstall(job: Job, uv: Uv, emit: Callable[[str, str], None]) -> str | None:
    inventory = list_packages(job.env, uv)
    removing = {canonicalize_name(n) for n in job.request.specs}
    present: list[str] = []
    for name in job.request.specs:
        package = inventory.get(name)
        if package is None:
            guess = inventory.did_you_mean([name])
            emit("envtui", f"warning: {name} is not installed" + (f"; {guess}" if guess else ""))
            continue
        present.append(package.name)
        dependents = [d for d in package.required_by if canonicalize_name(d) not in removing]
        if dependents:
            emit("envtui", f"warning: {package.name} is required by {', '.join(dependents)}, which may stop working")
    if not present:
        return "nothing to uninstall"
    if tuple(present) != job.request.specs:
        job.request = dataclasses.replace(job.request, specs=tuple(present))
        job.argv = build_argv(uv, job.env, job.request)
    return None


def _upgrade(job: Job, uv: Uv, emit: Callable[[str, str], None]) -> None:
    inventory = list_packages(job.env, uv)
    holds = find_holds(inventory.packages, job.env.markers, exclude=job.request.specs)
    if not holds:
        return
    fd, name = tempfile.mkstemp(prefix="envtui-constraints-", suffix=".txt")  # 0600
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(constraints_text(holds))
    job.step_data[CONSTRAINTS] = name
    job.argv = build_argv(uv, job.env, job.request, constraints=Path(name))
    emit(
        "envtui",
        f"keeping {len(holds)} requirement{'s' if len(holds) != 1 else ''} of installed packages"
        " (envtui upgrade --latest ignores them)",
    )


def cleanup(job: Job) -> None:
    """Remove what :func:`prepare` and the steps wrote for the job."""
    name = job.step_data.pop(CONSTRAINTS, None)
    if name:
        try:
            os.unlink(name)
        except OSError:
            pass
    for directory in job.step_data.pop(SCRATCH, ()):
        shutil.rmtree(directory, ignore_errors=True)
