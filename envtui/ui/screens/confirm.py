"""The confirm dialog of a change job: uv's ``--dry-run`` preview, what the hooks will do, then a choice.

The buttons follow what the preview says. Nothing would change: only Close. A warning (a
package others require, a bound an upgrade breaks): Cancel has the focus, so a reflex Enter
does no harm. Trusted hooks will stop and start the service: the dialog names their commands
and offers to run without them; hooks that will be skipped: the dialog says why.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.hooks import HookPlan
from envtui.core.jobs.preview import Preview
from envtui.ui import glyphs
from envtui.ui.text import change_lines, plain

if TYPE_CHECKING:
    from envtui.core.project.preview import ProjectPreview

#: What the dialog answers (None: cancelled, or closed with nothing to do).
RUN = "run"
RUN_WITHOUT_HOOKS = "run-without-hooks"


class ConfirmChangeScreen(ModalScreen[str | None]):
    """Show what a job will add, remove and change; dismiss with RUN, RUN_WITHOUT_HOOKS or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "run", "Run", tooltip="Run the job", id="confirm.run"),
        Binding(
            "w",
            "run_without_hooks",
            "Run without hooks",
            tooltip="Run, leaving the service alone",
            id="confirm.no_hooks",
        ),
        Binding("escape,n", "cancel", "Cancel", tooltip="Do nothing", id="confirm.cancel"),
    ]

    def __init__(
        self,
        request: ChangeRequest,
        preview: Preview,
        *,
        notes: list[str] | None = None,
        listing: list[str] | None = None,
        hooks: HookPlan | None = None,
    ) -> None:
        super().__init__()
        self.request = request
        """The change the user asked for."""
        self.preview = preview
        """What uv says it will do."""
        self.notes = list(notes or [])
        """Warnings (e.g. packages that require one being removed, bounds an upgrade breaks)."""
        self.listing = list(listing or [])
        """What was picked for the user (e.g. the outdated packages of "upgrade all")."""
        self.hooks = hooks
        """What the configuration's hooks will do around the job (None: it has none)."""

    @property
    def hooks_will_run(self) -> bool:
        """Whether running the job also runs hooks (so "without hooks" is a real choice)."""
        return self.hooks is not None and self.hooks.runs and not self.preview.empty

    def compose(self) -> ComposeResult:
        """Title, warnings, the change list, a summary, the hooks and the buttons."""
        with Vertical(id="confirm-box"):
            yield Static(plain(f"{self.request.describe()}?"), id="confirm-title")
            # Warnings and the change list scroll together, so at 80x24 the buttons stay on screen.
            with VerticalScroll(id="confirm-changes"):
                for line in self.listing:
                    yield Static(plain(line), classes="confirm-listing")
                for note in self.notes:
                    yield Static(plain(f"{glyphs.warning()} {note}"), classes="confirm-note")
                yield Static(self._changes_text(), id="confirm-change-list")
            yield Static(f"uv --dry-run: {self.preview.summary()}", id="confirm-summary", markup=False)
            hooks = self._hooks_text()
            if hooks:
                yield Static(hooks, id="confirm-hooks", markup=False)
            with Horizontal(id="confirm-buttons"):
                if self.preview.empty:
                    yield Button("Close", id="confirm-close", variant="primary")
                else:
                    yield Button("Cancel", id="confirm-cancel")
                    if self.hooks_will_run:
                        yield Button("Run without hooks", id="confirm-no-hooks")
                    yield Button("Run", id="confirm-run", variant="primary")

    def on_mount(self) -> None:
        """Focus Close when there is nothing to do, Cancel after a warning, else Run (enter runs)."""
        if self.preview.empty:
            target = "#confirm-close"
        elif self.notes:
            target = "#confirm-cancel"
        else:
            target = "#confirm-run"
        self.query_one(target, Button).focus()

    def _hooks_text(self) -> str:
        hooks = self.hooks
        if hooks is None:
            return ""
        if self.preview.empty:
            return "No hooks run: nothing would change."
        if not hooks.runs:
            return f"Hooks will be skipped: {hooks.skipped}."
        lines = ["Hooks will stop and start the service around the change:"]
        lines += [f"  {line}" for line in hooks.lines()]
        lines.append("(w or Run without hooks leaves the service running)")
        return "\n".join(lines)

    def _project_text(self, preview: ProjectPreview) -> Text:
        """In a uv project: headed lists of what changes in pyproject.toml, uv.lock and the environment."""
        text = Text()
        manifest = list(preview.manifest_changes)
        lock = [str(change).replace(" -> ", " → ") for change in preview.lock_changes]
        for title, lines in (("pyproject.toml", manifest), ("uv.lock", lock)):
            text.append(f"{title}\n", style="bold")
            text.append("\n".join(lines or ["unchanged"]) + "\n")
        text.append("environment\n", style="bold")
        return text

    def _changes_text(self) -> Text:
        from envtui.core.project.preview import ProjectPreview  # only a project's preview needs it (start-up)

        if isinstance(self.preview, ProjectPreview):
            heads = self._project_text(self.preview)
            if self.preview.environment_unchanged:
                return heads.append("unchanged")
            return heads.append_text(self._environment_text())
        return self._environment_text()

    def _environment_text(self) -> Text:
        if self.preview.empty:
            return Text("Nothing would change.")
        return change_lines(self.preview.changes, self.app.theme_variables)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Nothing to run when nothing would change; no "without hooks" when no hooks would run."""
        if action == "run" and self.preview.empty:
            return False
        if action == "run_without_hooks" and not self.hooks_will_run:
            return False
        return super().check_action(action, parameters)

    def action_run(self) -> None:
        """Run the job."""
        self.dismiss(RUN)

    def action_run_without_hooks(self) -> None:
        """Run the job, leaving the hooks (and so the service) alone."""
        self.dismiss(RUN_WITHOUT_HOOKS)

    def action_cancel(self) -> None:
        """Close without running anything."""
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Handle the buttons."""
        event.stop()
        answer = {"confirm-run": RUN, "confirm-no-hooks": RUN_WITHOUT_HOOKS}.get(event.button.id or "")
        self.dismiss(answer)
