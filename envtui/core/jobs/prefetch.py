"""Download what a change needs before the hooks stop the service, so the outage is only the install.

uv resolves and downloads before it touches the environment, but with maintenance hooks that
all happens after the before-change hook stopped the service: on a slow index the service is
down for the whole download. So once the preview (uv's ``--dry-run``) has said what the job
will install, and before any hook runs, :func:`prefetch` fills uv's cache with exactly that:
``uv pip install --target SCRATCH --no-deps`` of the preview's ``name==version`` lines (and
``name @ URL`` for what comes from a URL), with the index options of the job's own requirements
files, linked into a scratch directory that is deleted at once. The job's real install then
gets the same pins as constraints — an index that publishes a newer version in between cannot
make it download during the outage — and takes every file from the cache.

Local wheels and directories (editables among them) are not fetched: they are not downloaded,
and a directory is built by the install itself. A prefetch that fails (the index is down) fails
the job here, before any hook has stopped the service, with the environment untouched.

A uv project's job is not pinned but locked ahead, and downloads with :func:`download` too
(:mod:`envtui.core.jobs.project_ahead`).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from envtui.core.env.changes import Preview
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.prepare import SCRATCH
from envtui.core.jobs.steps import StepContext, StepFailed
from envtui.core.jobs.uv_errors import error_block, without_label

#: How many packages the log line names before it says "and N more".
_NAMED = 8
#: Options of a requirements file that say where packages come from and in what form; the rest
#: (``--require-hashes``, ``--hash``) concern the install itself, which keeps its own files.
_SOURCE_OPTIONS = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-index", "--no-binary", "--only-binary"}
)
#: Of those, the ones whose relative paths mean the file's own directory.
_FIND_LINKS = ("-f", "--find-links")


@dataclass
class FetchPlan:
    """What a prefetch downloads, and what the real install is then held to."""

    lines: list[str] = field(default_factory=list)
    """Requirement lines for the scratch install: ``name==version`` or ``name @ URL``."""
    pins: list[str] = field(default_factory=list)
    """``name==version`` of what comes from an index: the real install's constraints."""
    local: list[str] = field(default_factory=list)
    """Names left to the install itself: local wheels and directories (and a version uv did not name)."""
    labels: list[str] = field(default_factory=list)
    """``name version`` of each fetched package, for the log."""


def plan_fetch(preview: Preview) -> FetchPlan:
    """Which of the preview's additions and changes to download (removals need nothing)."""
    plan = FetchPlan()
    for change in preview.changes:
        if change.new is None:
            continue
        source = change.source
        if not source and change.new == "?":  # uv named no version: nothing to pin, left to the install
            plan.local.append(change.name)
            continue
        if not source:
            line = f"{change.name}=={change.new}"
            plan.lines.append(line)
            plan.pins.append(line)
        elif _is_local(source):
            plan.local.append(change.name)
            continue
        else:
            plan.lines.append(f"{change.name} @ {source}")
        plan.labels.append(f"{change.name} {change.new}" if not change.new.startswith("@") else change.name)
    return plan


def _is_local(source: str) -> bool:
    """A local wheel or directory (nothing to download); a local sdist is worth building ahead."""
    parsed = urlparse(source)
    if parsed.scheme not in ("", "file"):
        return False
    path = unquote(parsed.path) if parsed.scheme else source
    return path.endswith(".whl") or os.path.isdir(path) or not os.path.exists(path)


def index_options(files: Iterable[Path]) -> list[str]:
    """The option lines of requirements files (``--index-url …``), as uv would read them there.

    uv reads a relative ``--find-links`` against the file's own directory: it is made absolute,
    so the options mean the same in the scratch file. A file that cannot be read gives none
    (uv read it for the preview, so that is only a race; the install itself will say).
    """
    # Imported here: reading requirements files brings packaging's parser, which a job whose
    # request has no file (and every job without hooks) should not pay for at start-up.
    from envtui.core.env.requirements import read_requirements_file

    options: list[str] = []
    for file in files:
        try:
            found = read_requirements_file(file)
        except EnvtuiError:
            continue
        for line in found.options:
            flag, _, value = line.replace("=", " ", 1).partition(" ")
            value = value.strip()
            if flag not in _SOURCE_OPTIONS:
                continue
            if flag in _FIND_LINKS and value and "://" not in value and not os.path.isabs(value):
                line = f"{flag} {(file.parent / value).resolve()}"
            if line not in options:
                options.append(line)
    return options


def prefetch(ctx: StepContext, planned: Preview) -> None:
    """Fill uv's cache with what ``planned`` installs; StepFailed (nothing changed) when uv cannot.

    On success the job's uv command line gets the pins as constraints. (A uv project's job is
    :func:`envtui.core.jobs.project_ahead.prefetch_project`'s.)
    """
    job = ctx.job
    if job is None:
        return
    plan = plan_fetch(planned)
    if planned.unknown:
        ctx.emit("envtui", f"{planned.unknown} changes uv did not itemise may download while the service is stopped")
    if plan.local:
        ctx.emit("envtui", f"built or copied during the install (local): {', '.join(plan.local)}")
    if not plan.lines:
        return
    request = job.request
    files = [*request.requirements, *([request.sync_file] if request.sync_file is not None else [])]
    scratch = download(ctx, plan, options=index_options(files))
    if plan.pins:
        pins = scratch / "constraints.txt"
        pins.write_text("\n".join(plan.pins) + "\n", encoding="utf-8")
        at = job.argv.index("--") if "--" in job.argv else len(job.argv)
        job.argv[at:at] = ["--constraint", str(pins)]


def download(ctx: StepContext, plan: FetchPlan, *, options: Iterable[str] = (), cwd: Path | None = None) -> Path:
    """Download ``plan.lines`` into uv's cache (a scratch install, deleted at once); StepFailed when uv cannot.

    ``options`` are requirements-file option lines (``--index-url …``); ``cwd`` is where uv runs,
    so that directory's uv settings (``uv.toml``, ``[tool.uv]``) apply. Returns the job's scratch
    directory (removed when the job ends).
    """
    assert ctx.job is not None
    scratch = Path(tempfile.mkdtemp(prefix="envtui-prefetch-"))  # 0700
    ctx.job.step_data.setdefault(SCRATCH, []).append(str(scratch))
    wanted = scratch / "requirements.txt"
    wanted.write_text("\n".join([*options, *plan.lines]) + "\n", encoding="utf-8")
    target = scratch / "target"
    argv = ctx.uv.pip(
        "install",
        ctx.env.python,
        *ctx.env.uv_flags(),
        "--target",
        str(target),
        "--no-deps",
        "--link-mode",
        "symlink",  # nothing copied: the scratch directory only makes uv fetch
        "--no-compile-bytecode",
        "--requirement",
        str(wanted),
    )
    named = ", ".join(plan.labels[:_NAMED]) + (
        f" and {len(plan.labels) - _NAMED} more" if len(plan.labels) > _NAMED else ""
    )
    ctx.emit("envtui", f"downloading before the service stops: {named}")
    started = time.monotonic()
    result = ctx.run(argv, cwd=cwd, echo=False)  # its "+ name" lines are the scratch's, not the job's changes
    shutil.rmtree(target, ignore_errors=True)
    if not result.ok:
        errors = error_block(result.stderr.splitlines()) or result.stderr.splitlines()[-5:]
        for line in errors:
            ctx.emit("stderr", line)  # into the job's error lines, as uv's own
        first = errors[0].split(":", 1)[-1].strip() if errors else f"uv exited with status {result.returncode}"
        cause = "; ".join(without_label(line) for line in errors[1:3])
        raise StepFailed(f"cannot download before stopping the service: {first}{f' ({cause})' if cause else ''}")
    ctx.emit("envtui", f"downloaded in {time.monotonic() - started:.1f} s; the install takes them from uv's cache")
    return scratch
