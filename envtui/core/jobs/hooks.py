"""Maintenance hooks: the project's own commands around every change job, as job steps.

The reference migration stopped the backend, installed, started it again and checked its health.
``hook_steps(config)`` gives the job engine a before-step (``[hooks] before-change``) and an
after-step (``[hooks] after-change``, then a health re-check), both writing into the job log.
They run only when the configuration file's exact content is trusted (``envtui trust``);
otherwise the step says in the log that the hooks were skipped, and why.

Stopping a service costs an outage, so the before-step first asks uv (``--dry-run``) what the
job would do: when uv cannot resolve it the job fails with uv's error and no hook runs; when
nothing would change, the hooks are not run (and the after-step, seeing that, does not run its
own). Otherwise it downloads what the change installs (:mod:`envtui.core.jobs.prefetch`) before
the first hook, so the service is down only while uv installs from its cache; a uv project's
change is also locked before it, on a copy, and its files written only once the before-change
hooks have run (:mod:`envtui.core.jobs.project_ahead`). A cancelled job stops the hook that is
running.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass

from envtui.core import process
from envtui.core.config import Config
from envtui.core.display import argv_text
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.health.trust import trust_state
from envtui.core.jobs.job import Job
from envtui.core.jobs.prefetch import prefetch
from envtui.core.jobs.preview import Preview, preview
from envtui.core.jobs.steps import Phase, Step, StepContext, StepFailed
from envtui.core.process import TimedOut

#: Set in ``StepContext.data`` when the before-step held the hooks back (uv cannot, or need not, change anything).
_HELD = "hooks_held"


@dataclass
class HookStep:
    """Run one phase's hook commands in order; a failing before-hook stops the job before uv runs."""

    config: Config
    phase: Phase
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
        return hooks.before_change if self.phase == Phase.BEFORE else hooks.after_change

    def wanted(self, job: Job) -> bool:
        """Every change job."""
        return True

    def run(self, ctx: StepContext) -> None:
        """Run the commands if the file is trusted and the job will change something; say so either way."""
        commands = self.commands
        if not commands or self.config.path is None:
            return
        if not getattr(getattr(ctx.job, "request", None), "hooks", True):
            ctx.emit("envtui", f"{self.name} not run: the job was started without hooks")
            return
        state = trust_state(self.config)
        if not state.trusted:
            ctx.emit("envtui", f"{self.name} skipped: {state.reason}")
            ctx.data.setdefault("hooks_skipped", state.reason)
            return
        if self.phase == Phase.BEFORE:
            planned = _would_change(ctx)
            if planned is not None and planned.empty:
                ctx.data[_HELD] = True
                ctx.emit("envtui", f"{self.name} not run: uv says nothing would change")
                return
            if planned is not None:
                try:
                    _prefetch(ctx, planned)
                except StepFailed:
                    ctx.data[_HELD] = True  # the service was never stopped: the after-hooks need not start it
                    raise
        elif ctx.data.get(_HELD):
            ctx.emit("envtui", f"{self.name} not run: the before-change hooks were not run either")
            return
        for argv in commands:
            self._run_one(ctx, argv)
        if self.phase == Phase.BEFORE and _in_project(ctx):
            # Imported here, as below: a project's job only (the rest do not pay for it at start-up).
            from envtui.core.jobs.project_ahead import install_ahead

            install_ahead(ctx)  # a change locked ahead: the project's files change now, with the service stopped
        if self.recheck:
            recheck_health(ctx, self.config)

    def _run_one(self, ctx: StepContext, argv: tuple[str, ...]) -> None:
        timeout = self.config.hooks.timeout
        ctx.emit("envtui", f"{self.phase}-change hook: $ {shlex.join(argv)}")
        try:
            result = ctx.run(argv, cwd=self.config.directory, timeout=timeout)
        except TimedOut:
            raise StepFailed(f"{self.phase}-change hook {argv[0]} did not finish within {timeout:g} s") from None
        except EnvtuiError as exc:
            raise StepFailed(f"{self.phase}-change hook {argv[0]} could not start: {exc.cause or exc.message}") from exc
        if not result.ok:
            raise StepFailed(f"{self.phase}-change hook {argv[0]} exited with status {result.returncode}")


def _would_change(ctx: StepContext) -> Preview | None:
    """Ask uv what the job would do (``--dry-run``); StepFailed when uv cannot.

    None for a step run on its own (no job to ask about): the change is assumed to change something.
    """
    if ctx.job is None:
        return None
    ctx.emit("envtui", "asking uv what would change before running the hooks")
    try:
        if _in_project(ctx):
            from envtui.core.jobs.project_ahead import lock_ahead

            planned = lock_ahead(ctx)
        else:
            planned = preview(
                ctx.env, ctx.job.request, ctx.uv, run=lambda argv: ctx.run(argv, echo=False), explain=False
            )
    except EnvtuiError as exc:
        ctx.data[_HELD] = True
        ctx.emit("stderr", f"error: {exc.message}")  # into the job's error lines, as uv's own
        if exc.cause:
            ctx.emit("stderr", f"  cause: {exc.cause}")
        raise StepFailed(f"{exc.message}; no hook ran") from exc
    return planned


def _in_project(ctx: StepContext) -> bool:
    """Whether the job goes through a uv project (locked ahead, not pinned: :mod:`.project_ahead`)."""
    return getattr(getattr(ctx.job, "request", None), "project", None) is not None


def _prefetch(ctx: StepContext, planned: Preview) -> None:
    """Download what the job installs before the first hook: pinned (pip), or the lock made ahead (a project)."""
    if _in_project(ctx):
        from envtui.core.jobs.project_ahead import prefetch_project

        prefetch_project(ctx, planned)
    else:
        prefetch(ctx, planned)


def recheck_health(ctx: StepContext, config: Config) -> None:
    """Re-check health after the after-change hooks and write each problem into the job log."""
    # Imported here, not at the top: the checks bring HTTP, TLS and a thread pool with them,
    # which every `envtui install` would pay for at start-up, hooks or not.
    from envtui.core.health.checks import run_checks

    report = run_checks(ctx.env, config, settle=config.hooks.settle)
    ctx.data["health"] = report
    counts = report.counts()
    ctx.emit(
        "envtui",
        f"health after the change: {report.status} ({counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail)",
    )
    for finding in report.failing():
        ctx.emit("envtui", f"  {finding.status}: {finding.name}: {finding.detail}")


@dataclass(frozen=True)
class HookPlan:
    """What a configuration's hooks will do around the next change job, to say before it runs."""

    before: tuple[tuple[str, ...], ...]
    after: tuple[tuple[str, ...], ...]
    skipped: str = ""
    """Why they will not run (the file is not trusted, or was edited since); empty when they will."""

    @property
    def runs(self) -> bool:
        """Whether the hooks will run (when the job changes something)."""
        return not self.skipped

    def lines(self) -> list[str]:
        """``before-change: ["supervisorctl", "stop", "backend"]``, one line per command, as ``envtui trust``
        shows them: an argument list, every argument quoted and made safe, is what runs."""
        return [f"before-change: {argv_text(c)}" for c in self.before] + [
            f"after-change: {argv_text(c)}" for c in self.after
        ]


def hook_plan(config: Config) -> HookPlan | None:
    """What the configuration's hooks will do (None when it has none)."""
    hooks = config.hooks
    if not hooks or config.path is None:
        return None
    state = trust_state(config)
    return HookPlan(hooks.before_change, hooks.after_change, "" if state.trusted else state.reason)


def restart_service(config: Config, emit: Callable[[str, str], None]) -> None:
    """Run the after-change hooks now, outside a change job: they start the service again.

    The same rules as around a job: only a trusted file's hooks run, each bounded by the hooks'
    timeout, in the file's directory, their output handed to ``emit``. EnvtuiError says why
    nothing ran, or which command failed.
    """
    commands = config.hooks.after_change
    if not commands or config.path is None:
        raise EnvtuiError("no after-change hook to restart the service with", cause=f"none in {config.label}")
    state = trust_state(config)
    if not state.trusted:
        raise EnvtuiError("the hooks may not run yet", cause=state.reason)
    timeout = config.hooks.timeout
    for argv in commands:
        emit("envtui", f"after-change hook: $ {shlex.join(argv)}")
        try:
            result = process.stream(list(argv), emit, cwd=config.directory, timeout=timeout)
        except TimedOut as exc:
            raise EnvtuiError(f"after-change hook {argv[0]} did not finish within {timeout:g} s") from exc
        if not result.ok:
            raise EnvtuiError(f"after-change hook {argv[0]} exited with status {result.returncode}")


def hook_steps(config: Config) -> tuple[list[Step], list[Step]]:
    """The before- and after-steps for a configuration's hooks (empty lists when it has none).

    The after-step should run however the job ended, so a stopped service is started again.
    A configuration that could not be read gives one before-step that refuses every change:
    going on would silently drop the hooks that keep a service safe.
    """
    if config.error is not None:
        return [_Unreadable(config.error)], []
    before: list[Step] = [HookStep(config, Phase.BEFORE)] if config.hooks.before_change else []
    after: list[Step] = [HookStep(config, Phase.AFTER, recheck=True)] if config.hooks.after_change else []
    return before, after


def hook_provider(env: Environment, config: Config) -> tuple[list[Step], list[Step]]:
    """The job engine's step provider for hooks: ``(env, config) -> (before, after)``."""
    return hook_steps(config)


@dataclass
class _Unreadable:
    """Stands in for the hooks of a configuration that could not be read: it stops the job."""

    error: EnvtuiError
    name: str = "hooks"

    def wanted(self, job: Job) -> bool:
        """Every change job."""
        return True

    def run(self, ctx: StepContext) -> None:
        """Refuse the change, saying why."""
        cause = f" ({self.error.cause})" if self.error.cause else ""
        raise StepFailed(f"the configuration cannot be read, so its hooks cannot run: {self.error.message}{cause}")
