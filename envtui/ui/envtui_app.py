"""The envtui Textual app: the main screen, app-wide keys, the help screen and the palette."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.notifications import SeverityLevel

from envtui.core.config import Config
from envtui.core.display import safe_text
from envtui.core.env.environment import Environment
from envtui.core.env.filtering import PackageIndex
from envtui.core.env.packages import Inventory
from envtui.core.locations import styles_dir
from envtui.core.uv import Uv
from envtui.ui import glyphs
from envtui.ui.commands import EnvtuiCommands
from envtui.ui.env_actions import EnvironmentActions
from envtui.ui.screens.help import HelpScreen
from envtui.ui.screens.main import MainScreen


class EnvtuiApp(EnvironmentActions):
    """lazygit for a virtual environment: one environment in panes, keyboard first."""

    TITLE = "envtui"
    CSS_PATH: ClassVar[list[Path]] = [
        styles_dir() / name
        for name in ("app.tcss", "jobs.tcss", "health.tcss", "bench.tcss", "snapshots.tcss", "console.tcss")
    ]
    COMMANDS = App.COMMANDS | {EnvtuiCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit envtui (exit code 0)", id="quit"),
        Binding("question_mark", "help", "Help", tooltip="Show every key", id="help"),
        Binding("f1", "help", "Help", show=False, tooltip="Show every key (also from a text box)", id="help_f1"),
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

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(ConsolePalette(id="--command-palette", placeholder="Search for commands..."))

    def on_mount(self) -> None:
        """Square borders on the Linux console; say why this environment was opened when the
        default rule chose another than $VIRTUAL_ENV."""
        self.set_class(glyphs.console(), "-console")
        if self.env.note:
            self.notify(self.env.note, title="Which environment", timeout=10)

    def get_default_screen(self) -> MainScreen:
        """The main screen on the environment given."""
        return MainScreen(self.env, uv=self.uv, preloaded=self.preloaded, category_overrides=self.config.categories)

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

    def action_quit(self) -> None:
        """Leave with exit code 0."""
        self.exit(0)
