"""The runner under the job pane: the engine, its queue in a thread worker, and the running job shown.

:class:`JobRunner` takes validated requests (``submit``) and shows what the engine reports: the
title line (job, state, queue), the log (output batches, uv's errors coloured) and a notice when
a job ends. The engine's events come as messages (``JobQueued``, ``JobStarted``, ``JobOutput``,
``JobFinished``) and bubble on to the screen. It also runs the after-change hooks outside a job
(the Health view's ``R``). Asking, previewing and confirming are the job pane's
(:mod:`envtui.ui.jobs.actions`).
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.message import Message
from textual.worker import Worker, WorkerState

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, FAILED, SUCCEEDED, Job
from envtui.core.uv import Uv
from envtui.ui.errors import notify_failed_worker
from envtui.ui.jobs.listener import ScreenJobListener
from envtui.ui.jobs.messages import JobFinished, JobOutput, JobQueued, JobStarted
from envtui.ui.jobs.widgets import UvErrorHighlighter
from envtui.ui.widgets.job_log import JobLog, JobLogPane


class JobRunner(JobLogPane):
    """A job log pane with an engine behind it: submit requests, watch them run.

    Messages up: ``ServiceRestarted``, and the engine's events, which bubble on to the screen.
    """

    class ServiceRestarted(Message):
        """The after-change hooks ran outside a job (``R`` in the Health view): check the service."""

    def __init__(self, env: Environment, *, uv: Uv, config: Config | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self.env = env
        """The environment new jobs change (the screen's; it sets this when it opens another)."""
        self.uv = uv
        """The uv binary previews and jobs run."""
        self.engine = JobEngine(uv, listener=ScreenJobListener(self), config=config)
        """The engine running this screen's jobs."""

    @property
    def job_log(self) -> JobLog:
        """The log of the running job: ``job_log.append(stream, line)``."""
        return self.query_one(JobLog)

    # ------------------------------------------------------------------ set-up

    def on_mount(self) -> None:
        """Colour uv's errors in the log."""
        variables = self.app.theme_variables
        log = self.job_log
        log.highlight = True
        log.highlighter = UvErrorHighlighter(
            f"bold {variables.get('error', 'red')}", variables.get("warning", "yellow")
        )

    def on_unmount(self) -> None:
        """Do not leave uv running behind a closed app (nor wait for it: no grace period)."""
        self.engine.cancel_all(now=True)

    def writable(self) -> bool:
        """Whether the environment may be changed; says why not when it may not."""
        if self.env.writable:
            return True
        self.notify(
            f"{self.env.path} is not a virtual environment: it is shown read-only (open it with --system to change it)",
            severity="warning",
        )
        return False

    def submit(self, request: ChangeRequest) -> Job | None:
        """Queue a validated request on the pane's environment (no dialog); it runs in a worker."""
        try:
            job = self.engine.submit(self.env, request)
        except EnvtuiError as exc:
            self.notify(exc.message, severity="error")
            return None
        self._run_jobs(self.env)
        return job

    @work(thread=True, exit_on_error=False, group="jobs", description="Running change jobs")
    def _run_jobs(self, env: Environment) -> None:
        """Run the queued jobs one after another (a worker already running them takes this one too)."""
        self.engine.run_queue(env)

    # ------------------------------------------------------------------ the service, outside a job

    def restart_service(self, config: Config) -> None:
        """Run the after-change hooks now (they start the service), their lines in the log (not during a job)."""
        if self.engine.running():
            self.notify("A change job is running: its own hooks look after the service", severity="warning")
            return
        self.collapsed = False
        self.job_log.append("envtui", "── restarting the service (after-change hooks) ──")
        self._restart(config, self.job_log.append)

    @work(thread=True, exclusive=True, exit_on_error=False, group="service-restart", description="Restarting")
    def _restart(self, config: Config, emit: Callable[[str, str], None]) -> None:
        """Run the hooks in a thread; their lines go to the job log as they come."""
        from envtui.core.jobs.hooks import restart_service

        restart_service(config, emit)
        self.post_message(self.ServiceRestarted())

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says why (a restart in the log too)."""
        worker = event.worker
        if worker.group != "service-restart" or event.state != WorkerState.ERROR:
            notify_failed_worker(self, event)
            return
        error = worker.error
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        cause = error.cause if isinstance(error, EnvtuiError) else None
        self.job_log.append("stderr", f"error: {message}" + (f" ({cause})" if cause else ""))
        self.notify(f"{message}\n{cause}" if cause else message, title="Restart failed", severity="error")

    @on(ServiceRestarted)
    def _restarted(self) -> None:
        """Say the hooks are done (the screen has the service checked again)."""
        self.notify("After-change hooks done: checking the service", title="Restart", timeout=4)

    # ------------------------------------------------------------------ engine events

    def _jobs_title(self, job: Job) -> None:
        queued = len(self.engine.queued(self.env))
        waiting = f" · {queued} queued" if queued else ""
        self.title = f"{job.describe()} · {job.status}{waiting}"

    @on(JobQueued)
    def _job_queued(self, message: JobQueued) -> None:
        """Show the queue in the title."""
        self._jobs_title(message.job)

    @on(JobStarted)
    def _job_started(self, message: JobStarted) -> None:
        """Open the pane on the job."""
        self.collapsed = False
        self.job_log.append("envtui", f"── {message.job.describe()} ──")
        self._jobs_title(message.job)

    @on(JobOutput)
    def _job_output(self, message: JobOutput) -> None:
        """Queue a batch into the log (it paints on its own timer)."""
        self.job_log.extend_output(message.take())

    @on(JobFinished)
    def _job_finished(self, message: JobFinished) -> None:
        """Say how it went, marking a failure with uv's error lines."""
        job = message.job
        self._jobs_title(job)
        if job.status == SUCCEEDED:
            self.notify(f"{job.describe()}: {job.changes.summary()}", title="Job done", timeout=4)
        elif job.status == FAILED:
            errors = "\n".join(line.strip() for line in job.error_lines[:4]) or job.message
            self.notify(errors, title=f"Failed: {job.describe()}", severity="error", timeout=10)
        elif job.status == CANCELLED:
            self.notify(f"{job.describe()}: cancelled", severity="warning", timeout=4)
