"""Maintenance hooks: the project's own commands around every change job, as job steps.

The reference migration stopped the backend, installed, started it again and checked its health.
``hook_steps(config)`` gives the job engine a before-step (``[hooks] before-change``) and an
after-step (``[hooks] after-change``, then a health re-check), both writing into the job log.
They run only when the configuration file's exact content is trusted (``envtui trust``);
otherwise the step says in the log that the hooks were skipped, and why.

Stopping a service costs an outage, so the before-step first asks uv (``--dry-run``) what the
job would do: when uv cannot resolve it the job fails with uv's error and no hook runs; when
nothing would change, the hooks are not run (and the after-step, seeing that, does not run its
own). A cancelled job stops the hook that is running.
"""

from __future__ import annotations

import os
import signal
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envtui.core import process
from envtui.core.config import Config, load_config
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.steps import Step, StepContext, StepFailed

if TYPE_CHECKING:  # asyncio is imported when a hook runs: a job without hooks does without it
    import asyncio

#: Seconds between SIGTERM and SIGKILL when a hook is stopped.
_GRACE = 3.0


@dataclass
class HookStep:
    """Run one phase's hook commands in order; a failing before-hook stops the job before uv runs."""

    config: Config
    phase: str
    """``"before"`` or ``"after"``."""
    recheck: bool = False
    """After the commands, re-check health and write the result into the job log."""

    @property
    def name(self) -> str:
        """How the step is named in the job log."""
        return f"{self.phase}-change hooks"

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        """The argument lists this step runs."""
        hooks = self.config.hooks
        return hooks.before_change if self.phase == "before" else hooks.after_change

    async def run(self, ctx: StepContext) -> None:
        """Run the commands if the file is trusted and the job will change something; say so either way."""
        commands = self.commands
        if not commands or self.config.path is None:
            return
        from envtui.core.health.trust import trust_state

        state = trust_state(self.config.path, self.config.digest)
        if not state.trusted:
            ctx.emit("envtui", f"{self.name} skipped: {state.reason}")
            ctx.data.setdefault("hooks_skipped", state.reason)
            return
        if self.phase == "before":
            if not await _would_change(ctx):
                ctx.data[_HELD] = True
                ctx.emit("envtui", f"{self.name} not run: uv says nothing would change")
                return
        elif ctx.data.get(_HELD):
            ctx.emit("envtui", f"{self.name} not run: the before-change hooks were not run either")
            return
        for argv in commands:
            await self._run_one(ctx, argv)
        if self.recheck:
            await recheck_health(ctx, self.config)

    async def _run_one(self, ctx: StepContext, argv: tuple[str, ...]) -> None:
        import asyncio
        import shlex

        timeout = self.config.hooks.timeout
        ctx.emit("envtui", f"{self.phase}-change hook: $ {shlex.join(argv)}")
        started: list[asyncio.subprocess.Process] = []

        def on_start(proc: asyncio.subprocess.Process) -> None:
            started.append(proc)
            if ctx.track is not None:
                ctx.track(proc)  # cancelling the job now reaches the hook

        try:
            result = await asyncio.wait_for(
                process.stream(list(argv), ctx.emit, on_start=on_start, cwd=str(self.config.directory)),
                timeout,
            )
        except asyncio.TimeoutError:
            await _stop(started)
            raise StepFailed(f"{self.phase}-change hook {argv[0]} did not finish within {timeout:g} s") from None
        except asyncio.CancelledError:
            await _stop(started)
            raise
        except EnvtuiError as exc:
            raise StepFailed(f"{self.phase}-change hook {argv[0]} could not start: {exc.cause or exc.message}") from exc
        if not result.ok:
            raise StepFailed(f"{self.phase}-change hook {argv[0]} exited with status {result.returncode}")


#: Set in ``StepContext.data`` when the before-step held the hooks back (uv cannot, or need not, change anything).
_HELD = "hooks_held"


async def _would_change(ctx: StepContext) -> bool:
    """Ask uv what the job would do (``--dry-run``): False when nothing; StepFailed when uv cannot."""
    request = getattr(ctx.job, "request", None)
    if request is None:  # not a change job the engine built: assume it changes something
        return True
    from envtui.core.jobs.engine import preview

    ctx.emit("envtui", "asking uv what would change before running the hooks")
    try:
        planned = await preview(ctx.env, request, on_start=ctx.track)
    except EnvtuiError as exc:
        ctx.data[_HELD] = True
        ctx.emit("stderr", f"error: {exc.message}")  # into the job's error lines, as uv's own
        if exc.cause:
            ctx.emit("stderr", f"  cause: {exc.cause}")
        raise StepFailed(f"{exc.message}; no hook ran") from exc
    return not planned.empty


async def _stop(started: list[asyncio.subprocess.Process]) -> None:
    """Stop a hook's whole process group: SIGTERM, then SIGKILL after a grace period."""
    import asyncio

    if not started:
        return
    proc = started[0]
    if proc.returncode is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            await asyncio.wait_for(proc.wait(), _GRACE)
            return
        except asyncio.TimeoutError:
            continue


async def recheck_health(ctx: StepContext, config: Config) -> None:
    """Re-check health after the after-change hooks and write each problem into the job log."""
    import asyncio

    from envtui.core.health.checks import run_checks

    report = await asyncio.to_thread(run_checks, ctx.env, config, settle=config.hooks.settle)
    ctx.data["health"] = report
    counts = report.counts()
    ctx.emit(
        "envtui",
        f"health after the change: {report.status} ({counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail)",
    )
    for finding in report.failing():
        ctx.emit("envtui", f"  {finding.status}: {finding.name}: {finding.detail}")


def hook_steps(config: Config) -> tuple[list[Step], list[Step]]:
    """The before- and after-steps for a configuration's hooks (empty lists when it has none).

    The after-step should run however the job ended, so a stopped service is started again.
    """
    before: list[Step] = [HookStep(config, "before")] if config.hooks.before_change else []
    after: list[Step] = [HookStep(config, "after", recheck=True)] if config.hooks.after_change else []
    return before, after


def hook_provider(env: object, config: object) -> tuple[list[Step], list[Step]]:
    """The job engine's step provider for hooks: ``(env, config) -> (before, after)``.

    ``config`` is a Config, a path to one, or None for the file found from the current directory.
    A configuration that cannot be read stops every change job, and the job log says why.
    """
    if not isinstance(config, Config):
        try:
            config = load_config(config if isinstance(config, (str, os.PathLike)) else None)
        except EnvtuiError as exc:
            return [_Unreadable(exc)], []
    return hook_steps(config)


@dataclass
class _Unreadable:
    """Stands in for the hooks of a configuration that could not be read: it stops the job.

    Going on would silently drop the hooks that keep a service safe (stop it, start it again).
    """

    error: EnvtuiError
    name: str = "hooks"

    async def run(self, ctx: StepContext) -> None:
        """Refuse the change, saying why."""
        cause = f" ({self.error.cause})" if self.error.cause else ""
        raise StepFailed(f"the configuration cannot be read, so its hooks cannot run: {self.error.message}{cause}")
