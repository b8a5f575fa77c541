"""The envtui Textual app: the main screen, app-wide keys, the help screen and the palette."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import Future
from functools import partial
from pathlib import Path, PurePath
from typing import ClassVar

from textual import on, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.notifications import SeverityLevel
from textual.worker import Worker, WorkerState

from envtui.core.config import Config
from envtui.core.display import safe_text
from envtui.core.env.environment import Environment
from envtui.core.env.filtering import PackageIndex
from envtui.core.env.packages import Inventory
from envtui.core.errors import EnvtuiError
from envtui.core.locations import styles_dir
from envtui.core.uv import Uv
from envtui.ui import glyphs, hangup
from envtui.ui.commands import EnvtuiCommands
from envtui.ui.errors import error_text
from envtui.ui.screens.help import HelpScreen
from envtui.ui.screens.main import MainScreen
from envtui.ui.screens.prompt import PromptScreen

#: What the export prompt offers first.
EXPORT_DEFAULT = "requirements-pinned.txt"


class EnvtuiApp(App[int]):
    """lazygit for a virtual environment: one environment in panes, keyboard first.

    App-wide actions on the main screen's environment, whatever view is on screen: a shell
    inside it (``!``: the terminal is handed over with ``App.suspend`` and the environment is
    listed again when it exits) and exporting it (from the palette).
    """

    TITLE = "envtui"
    CSS_PATH: ClassVar[list[str | PurePath]] = [
        styles_dir() / name
        for name in ("app.tcss", "jobs.tcss", "health.tcss", "bench.tcss", "snapshots.tcss", "console.tcss")
    ]
    COMMANDS = App.COMMANDS | {EnvtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit envtui (exit code 0)", id="quit"),
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="help"),
        Binding("f1", "help", "Help", show=False, tooltip="Show every key (also from a text box)", id="help_f1"),
        Binding(
            "exclamation_mark",
            "shell",
            "Run a command in this environment",
            show=False,
            tooltip="Open $SHELL in this environment; exit returns",
            id="shell",
        ),
    ]

    def __init__(
        self,
        env: Environment,
        *,
        config: Config | None = None,
        uv: Uv | None = None,
        preloaded: Future[tuple[Inventory, PackageIndex]] | None = None,
    ) -> None:
        super().__init__()
        self.env = env
        """The environment opened first."""
        self.uv = uv or Uv()
        """The uv binary every worker uses (found once: finding it races across threads)."""
        self.preloaded = preloaded
        """The first listing, already under way when the app was built (see ``preload``)."""
        self.config = config or Config()
        """The project configuration, read once: health checks, hooks, categories."""

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on the Linux console one that writes only VGA-safe glyphs."""
        driver = super().get_driver_class()
        if not glyphs.console():
            return driver
        from envtui.ui.console_output import vga_driver

        return vga_driver(driver)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as Textual shows them, spelt out on the Linux console (no ⏎ there)."""
        return glyphs.key(super().get_key_display(binding))

    def action_command_palette(self) -> None:
        """The palette; on the Linux console with an ASCII prompt sign (its font has no 🔎)."""
        if not glyphs.console():
            super().action_command_palette()
            return
        from textual.command import CommandPalette, SearchIcon

        class ConsolePalette(CommandPalette):
            """The command palette with ``>`` for its search icon."""

            def on_mount(self) -> None:
                for icon in self.query(SearchIcon):
                    icon.icon = ">"

        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(ConsolePalette(id="--command-palette", placeholder="Search for commands..."))

    def on_mount(self) -> None:
        """Square borders on the Linux console; watch that the terminal is still there; say why this
        environment was opened when the default rule chose another than $VIRTUAL_ENV."""
        self.set_class(glyphs.console(), "-console")
        if not self.is_headless and hangup.answers(sys.__stdin__):  # see envtui.ui.hangup
            self.set_interval(hangup.CHECK_SECONDS, self._check_terminal, name="terminal-check")
        if self.env.note:
            self.notify(self.env.note, title="Which environment", timeout=10)

    def _check_terminal(self) -> None:
        """Hang up when the terminal is gone and no SIGHUP came to say so."""
        if not hangup.answers(sys.__stdin__):
            hangup.hang_up()

    def get_default_screen(self) -> MainScreen:
        """The main screen on the environment given."""
        return MainScreen(self.env, uv=self.uv, preloaded=self.preloaded, config=self.config)

    @property
    def main_screen(self) -> MainScreen:
        """The main screen, whatever is pushed above it."""
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        raise LookupError("no main screen")

    def get_system_commands(self, screen):
        """Textual's own palette commands, less Quit: envtui offers its own (with its keys)."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast passes the display boundary and is never parsed as markup.

        Toasts carry error texts that quote specs, paths and uv's words; one place makes them
        safe for every caller (screens and widgets call this too).
        """
        super().notify(
            safe_text(message, multiline=True),
            title=safe_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def action_help(self) -> None:
        """Open the key help (or close it when it is open)."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        """Leave with exit code 0."""
        self.exit(0)

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

        screen = self.main_screen
        if screen.jobs_engine.running():
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
        screen = self.main_screen
        env = screen.env
        self.push_screen(
            PromptScreen(
                "Export as a pinned requirements file",
                value=value,
                placeholder=EXPORT_DEFAULT,
                hint=f"Every distribution in {env.path}, pinned (uv pip freeze). An existing file is never replaced.",
            ),
            partial(self._export_answered, env),
        )

    def _export_answered(self, env: Environment, answer: str | None) -> None:
        if answer:
            self._export(env, answer)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export", description="Exporting the environment")
    def _export(self, env: Environment, answer: str) -> None:
        """Write the file (never over an existing one) and say where it went."""
        from envtui.core.env.export import pinned_requirements

        target = Path(answer).expanduser()
        text = pinned_requirements(env, self.uv)
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
        self.notify(error_text(error), title="Export failed", severity="error")
