"""What the Health view can do about the service: restart it (``R``) and trust the configuration (``T``).

Restarting runs the configuration's after-change hooks now (they start the service), with their
output in the job log, then checks the services again. Trusting shows the hook commands as
``envtui trust`` prints them and records the hash of exactly the bytes that were shown.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.worker import Worker, WorkerState

from envtui.core.config import Config


class ServiceActions(Vertical):
    """Mixin for the Health view: ``R`` restarts the service, ``T`` trusts the configuration's hooks.

    Expects ``config``, ``env`` and ``recheck(env)`` from the view, and a screen with
    ``job_log``, ``job_pane`` and ``jobs_engine``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "R",
            "restart_service",
            "Restart service",
            tooltip="Run the after-change hooks now (they start the service), then check it",
            id="health.restart",
        ),
        Binding(
            "T",
            "trust_config",
            "Trust hooks",
            tooltip="Show the configuration's hook commands and trust them to run",
            id="health.trust",
        ),
    ]

    def action_restart_service(self) -> None:
        """Restart the service with the after-change hooks (not while a change job runs)."""
        engine = getattr(self.screen, "jobs_engine", None)
        if engine is not None and engine.running():
            self.notify("A change job is running: its own hooks look after the service", severity="warning")
            return
        pane = getattr(self.screen, "job_pane", None)
        if pane is not None:
            pane.collapsed = False
            self.screen.job_log.append("envtui", "── restarting the service (after-change hooks) ──")
        self._restart(self.config)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, exit_on_error=False, group="service-restart", description="Restarting")
    def _restart(self, config: Config) -> None:
        """Run the hooks in a thread; their lines go to the job log as they come."""
        from envtui.core.jobs.hooks import restart_service

        log = getattr(self.screen, "job_log", None)
        emit = log.append if log is not None else (lambda stream, line: None)
        restart_service(config, emit)
        self.app.call_from_thread(self._restarted)

    def _restarted(self) -> None:
        self.notify("After-change hooks done: checking the service", title="Restart", timeout=4)
        self.recheck(self.env)  # type: ignore[attr-defined]

    def action_trust_config(self) -> None:
        """Show the hook commands; Trust records exactly the bytes shown."""
        from envtui.ui.screens.trust import TrustScreen

        config: Config = self.config  # type: ignore[attr-defined]
        if config.error is not None:
            error = config.error
            self.notify(f"{error.message}\n{error.cause or ''}".strip(), title="Cannot trust", severity="error")
            return
        if config.path is None:
            self.notify("No envtui.toml or [tool.envtui] here or above: nothing to trust", severity="warning")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                from envtui.core.health.trust import trust

                trust(config)
                self.notify(f"Trusted {config.path}: its hooks run around change jobs", title="Trusted")
                self.recheck(self.env)  # type: ignore[attr-defined]

        self.app.push_screen(TrustScreen(config), answered)

    @on(Worker.StateChanged)
    def _restart_failed(self, event: Worker.StateChanged) -> None:
        """A restart that failed says why, in the log and a notification."""
        if event.worker.group != "service-restart" or event.state != WorkerState.ERROR:
            return
        event.stop()
        error = event.worker.error
        message = getattr(error, "message", None) or f"{type(error).__name__}: {error}"
        cause = getattr(error, "cause", None)
        log = getattr(self.screen, "job_log", None)
        if log is not None:
            log.append("stderr", f"error: {message}" + (f" ({cause})" if cause else ""))
        self.notify(f"{message}\n{cause}" if cause else message, title="Restart failed", severity="error")
