"""The header line: a spinner while something waits, environment, Python, uv, package count, the health badge."""

from __future__ import annotations

from rich.cells import cell_len
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.reactive import Reactive, reactive
from textual.widgets import Static
from textual.worker import Worker

from envtui.core.display import display_path
from envtui.core.env.environment import OWN_ENVIRONMENT, Environment
from envtui.core.uv import Uv
from envtui.ui import glyphs
from envtui.ui.errors import notify_failed_worker
from envtui.ui.messages import UvVersionKnown
from envtui.ui.text import plain
from envtui.ui.widgets.spinner import Spinner

#: Badge levels, each a CSS class on the badge (``-ok``, ``-warn``, ``-error``, ``-unknown``).
LEVELS = ("ok", "warn", "error", "unknown")


def shorten_left(path: str, room: int) -> str:
    """``…/project/.venv``: keep the end of a path that needs more than ``room`` cells (never under 16)."""
    room = max(room, 16)
    if cell_len(path) <= room:
        return path
    tail = path
    while tail and cell_len(tail) > room - 1:
        tail = tail[1:]
    return glyphs.ellipsis() + tail


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

    env_text: Reactive[str] = reactive("", repaint=False)
    """The environment's path (relative to the working directory when under it)."""
    python_text: Reactive[str] = reactive("", repaint=False)
    """The interpreter's version."""
    uv_text: Reactive[str] = reactive("", repaint=False)
    """uv's version, once known."""
    count_text: Reactive[str] = reactive("", repaint=False)
    """The package count."""
    project_text: Reactive[str] = reactive("", repaint=False)
    """In a uv project: ``project NAME · uv.lock``; empty for a plain venv."""

    def compose(self) -> ComposeResult:
        """The spinner (hidden while idle) and the facts on the left, the badge on the right."""
        yield Spinner(id="jobs-spinner")
        yield Static(id="status-facts", markup=False)
        yield HealthBadge("checking…", id="health-badge", classes="-unknown", markup=False)

    def show_environment(self, env: Environment, packages: int | None, project: str = "") -> None:
        """Name ``env`` (and its uv ``project`` header), its interpreter and how many packages it
        holds (None: not listed yet)."""
        self.env_text = display_path(env.path) + (f" ({OWN_ENVIRONMENT})" if env.own else "")
        self.project_text = project
        self.python_text = env.version + ("" if env.writable else " (read-only)")
        self.count_text = "" if packages is None else f"{packages:,} package{'s' if packages != 1 else ''}"

    @work(thread=True, exclusive=True, exit_on_error=False, group="uv-version", description="Asking uv its version")
    def check_uv_version(self, uv: Uv) -> None:
        """Learn uv's version for the status line."""
        self.post_message(UvVersionKnown(uv.version()))

    @on(UvVersionKnown)
    def _uv_version_known(self, message: UvVersionKnown) -> None:
        """Show uv's version."""
        self.uv_text = message.version

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """uv that cannot say its version is a notification."""
        notify_failed_worker(self, event)

    def _render_facts(self) -> None:
        rest = [
            p
            for p in (
                self.project_text,
                self.count_text,
                f"Python {self.python_text}" if self.python_text else "",
                f"uv {self.uv_text}" if self.uv_text else "",
            )
            if p
        ]
        if not self.is_mounted:
            return
        facts = self.query_one("#status-facts", Static)
        path = self.env_text
        width = facts.content_region.width
        if path and width:  # a long path gives way first: the project, count and versions stay in view
            path = shorten_left(path, width - sum(cell_len(p) + 3 for p in rest))
        facts.update(plain(" · ".join(p for p in (path, *rest) if p)))

    def on_resize(self) -> None:
        """The room for the path changed."""
        self.call_after_refresh(self._render_facts)

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
