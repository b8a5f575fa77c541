"""App-wide actions on the open environment: a shell inside it (``!``) and exporting it.

Both work on the main screen's environment, whatever view is on screen. The shell hands the
terminal over (``App.suspend``) and, when it exits, lists the environment again: whatever the
user did in it shows at once.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.worker import Worker, WorkerState

from envtui.core.errors import EnvtuiError
from envtui.ui.screens.prompt import PromptScreen

#: What the export prompt offers first.
EXPORT_DEFAULT = "requirements-pinned.txt"


class EnvironmentActions(App[int]):
    """Mixin for the app: ``!`` runs the user's shell in the environment; export from the palette."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "exclamation_mark",
            "shell",
            "Run a command in this environment",
            show=False,
            tooltip="Open $SHELL in this environment; exit returns",
            id="shell",
        ),
    ]
    PALETTE_ACTIONS: ClassVar[list[tuple[str, str, str]]] = [
        (
            "Export as a pinned requirements file",
            "Write a pinned requirements file",
            "export",
        ),
    ]
    """Actions offered by name in the command palette without a key of their own: (title, help, action)."""

    # ------------------------------------------------------------------ the shell

    def action_shell(self) -> None:
        """Hand the terminal to ``$SHELL`` with the environment active; relist when it exits."""
        from textual.app import SuspendNotSupported

        from envtui.core.env.activate import shell_session

        screen = self.main_screen  # type: ignore[attr-defined]
        engine = getattr(screen, "jobs_engine", None)
        if engine is not None and engine.running():
            self.notify("A job is running: wait for it (or ctrl+c) before opening a shell", severity="warning")
            return
        session = shell_session(screen.env, os.environ)
        try:
            with self.suspend():
                print(session.banner, flush=True)
                try:
                    subprocess.run(session.argv, env=session.environ, check=False)
                except OSError as exc:
                    print(f"envtui: cannot start {session.argv[0]}: {exc.strerror}", flush=True)
        except SuspendNotSupported:
            self.notify("This terminal cannot be handed to a shell", severity="error")
            return
        finally:
            session.cleanup()
        screen.refresh_inventory()
        self.notify("Back from the shell: listing the environment again", timeout=3)

    # ------------------------------------------------------------------ export

    def action_export(self, value: str = EXPORT_DEFAULT) -> None:
        """Ask where to write the pinned requirements file, then write it."""
        screen = self.main_screen  # type: ignore[attr-defined]
        env = screen.env
        self.push_screen(
            PromptScreen(
                "Export as a pinned requirements file",
                value=value,
                placeholder=EXPORT_DEFAULT,
                hint=f"Every distribution in {env.path}, pinned (uv pip freeze). An existing file is never replaced.",
            ),
            lambda answer: answer and self._export(env, answer),
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="Exporting the environment")
    def _export(self, env, answer: str) -> None:
        """Write the file (never over an existing one) and say where it went."""
        from envtui.core.env.export import pinned_requirements

        target = Path(answer).expanduser()
        text = pinned_requirements(env, getattr(self, "uv", None))
        try:
            with open(target, "x", encoding="utf-8") as handle:
                handle.write(text)
        except FileExistsError:
            self.call_from_thread(self._export_exists, answer)
            return
        except OSError as exc:
            raise EnvtuiError(f"cannot write {target}", cause=exc.strerror) from exc
        pins = sum(1 for line in text.splitlines() if line and not line.startswith("#"))
        self.call_from_thread(self.notify, f"{pins} pins written to {target}", title="Exported")

    def _export_exists(self, answer: str) -> None:
        self.notify(f"{answer} exists: give another name", severity="warning", title="Not exported")
        self.action_export(answer)

    @on(Worker.StateChanged)
    def _app_worker_failed(self, event: Worker.StateChanged) -> None:
        """An export that failed says why."""
        if event.worker.group != "export" or event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        cause = getattr(error, "cause", None)
        self.notify(f"{message}\n{cause}" if cause else message, title="Export failed", severity="error")
