"""Trusting a configuration from inside the TUI: its hook commands shown as ``envtui trust`` shows
them, then Trust or Cancel. Cancel has the focus: letting a file run commands is a decision."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from envtui.core.config import Config
from envtui.core.jobs.hooks import HookPlan


class TrustScreen(ModalScreen[bool]):
    """Show a configuration's hook commands; dismiss with True to trust exactly these bytes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "dismiss(False)", "Cancel", tooltip="Do not trust it", id="trust.cancel"),
    ]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config
        """The configuration as it was read: trusting records the hash of these bytes."""

    def compose(self) -> ComposeResult:
        """The file, where its hooks run, each command, the buttons."""
        config = self.config
        hooks = config.hooks
        plan = HookPlan(hooks.before_change, hooks.after_change)
        lines = [f"Trust {config.path}?", ""]
        if plan.lines():
            lines.append(f"Its hooks will run around every change job, in {config.directory}:")
            lines += [f"  {line}" for line in plan.lines()]
        else:
            lines.append("It names no hooks: trusting it runs nothing now.")
        lines += ["", f"sha256 {config.digest[:12]} · any later edit needs trusting again"]
        with Vertical(id="trust-box"):
            yield Static("\n".join(lines), id="trust-text", markup=False)
            with Horizontal(id="trust-buttons"):
                yield Button("Cancel", id="trust-cancel")
                yield Button("Trust", id="trust-ok", variant="warning")

    def on_mount(self) -> None:
        """Cancel first."""
        self.query_one("#trust-cancel", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Trust, or not."""
        event.stop()
        self.dismiss(event.button.id == "trust-ok")
