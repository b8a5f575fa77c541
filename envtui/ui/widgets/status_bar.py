"""The header line: environment, Python, uv, package count and the health badge."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive, reactive
from textual.widgets import Static

from envtui.ui.text import plain

#: Badge levels, each a CSS class on the badge (``-ok``, ``-warn``, ``-error``, ``-unknown``).
LEVELS = ("ok", "warn", "error", "unknown")


class HealthBadge(Static):
    """A short verdict on the environment's health, coloured by level.

    The health checks set it with :meth:`show`; until they run, the screen shows what the core
    already knows (the interpreter starts; ``uv pip check``).
    """

    def show(self, text: str, level: str = "ok", tooltip: str | None = None) -> None:
        """Display ``text`` at ``level`` (ok, warn, error or unknown)."""
        for name in LEVELS:
            self.set_class(name == level, f"-{name}")
        self.update(plain(text))  # it names checks and services from the configuration
        self.tooltip = plain(tooltip, multiline=True) if tooltip is not None else None


class StatusBar(Horizontal):
    """One line at the top: where we are and how it is."""

    env_text: Reactive[str] = reactive("")
    """The environment's path (relative to the working directory when under it)."""
    python_text: Reactive[str] = reactive("")
    """The interpreter's version."""
    uv_text: Reactive[str] = reactive("")
    """uv's version, once known."""
    count_text: Reactive[str] = reactive("")
    """The package count."""
    project_text: Reactive[str] = reactive("")
    """In a uv project: ``project NAME · uv.lock``; empty for a plain venv."""

    def compose(self) -> ComposeResult:
        """The facts on the left, the badge on the right."""
        yield Static(id="status-facts", markup=False)
        badge = HealthBadge("checking…", id="health-badge", classes="-unknown", markup=False)
        yield badge

    @property
    def badge(self) -> HealthBadge:
        """The health badge slot."""
        return self.query_one(HealthBadge)

    def _render_facts(self) -> None:
        parts = [
            p
            for p in (
                self.env_text,
                self.project_text,
                self.count_text,
                f"Python {self.python_text}" if self.python_text else "",
                f"uv {self.uv_text}" if self.uv_text else "",
            )
            if p
        ]
        if self.is_mounted:
            self.query_one("#status-facts", Static).update(plain(" · ".join(parts)))

    def watch_env_text(self) -> None:
        """Repaint the facts."""
        self._render_facts()

    def watch_python_text(self) -> None:
        """Repaint the facts."""
        self._render_facts()

    def watch_uv_text(self) -> None:
        """Repaint the facts."""
        self._render_facts()

    def watch_count_text(self) -> None:
        """Repaint the facts."""
        self._render_facts()

    def watch_project_text(self) -> None:
        """Repaint the facts."""
        self._render_facts()
