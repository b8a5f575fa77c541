"""The main screen's views besides the package views, each with its key: register a new one here.

A view is a :class:`~envtui.ui.widgets.pane_view.PaneView` shown in the centre in place of the
package table. To add one (Snapshots, Bench, Migrate, …): write the widget, then add a
:class:`Pane` to :data:`PANES` with its id, its entry in the Views list, its key and how to
build it (importing its module there: start-up imports none of them). The main screen mounts
every view just after the first paint, lists it in the Views list (in this order), binds its key
(the palette and ``?`` help follow) and calls its hooks; nothing else needs to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.uv import Uv

if TYPE_CHECKING:
    from envtui.core.jobs.engine import JobEngine
    from envtui.ui.widgets.pane_view import PaneView

#: The ids of the views below (what ``MainScreen.current_view`` holds while one shows).
JOBS_PANE = "jobs-pane"
HEALTH_PANE = "health-pane"
BENCH_PANE = "bench-pane"
MIGRATE_PANE = "migrate-pane"
SNAPSHOTS_PANE = "snapshots-pane"


@dataclass(frozen=True)
class ViewContext:
    """What a view is built with: the screen's environment and the services it shares."""

    env: Environment
    """The environment open when the screen starts (``PaneView.set_environment`` follows switches)."""
    uv: Uv
    """The uv binary, found once."""
    config: Config
    """The project configuration, read once."""
    engine: JobEngine
    """The engine that runs the screen's change jobs."""


@dataclass(frozen=True)
class Pane:
    """One view: where it sits, what the Views list calls it, its key, and how it is built."""

    id: str
    """Its id in the centre (and in ``current_view``)."""
    label: str
    """Its entry in the Views list."""
    build: Callable[[ViewContext], PaneView]
    """Makes the widget, importing its module: it joins after the first paint, hidden until
    chosen, so start-up neither imports nor builds it."""
    key: str | None = None
    """The key that shows it (None: the Views list only)."""
    tooltip: str = ""
    """What the key does, for the palette and ``?`` help."""
    binding_id: str = ""
    """The binding's id, so a keymap can move the key."""

    @property
    def binding(self) -> Binding | None:
        """The screen's binding that shows this view (None when it has no key)."""
        if self.key is None:
            return None
        return Binding(
            self.key, f"show_view('{self.id}')", self.label, show=False, tooltip=self.tooltip, id=self.binding_id
        )


def _jobs(context: ViewContext) -> PaneView:
    from envtui.ui.jobs.view import JobsView

    return JobsView(context.engine, context.env)


def _health(context: ViewContext) -> PaneView:
    from envtui.ui.health import HealthView

    return HealthView(context.env, uv=context.uv, config=context.config)


def _bench(context: ViewContext) -> PaneView:
    from envtui.ui.widgets.bench_view import BenchView

    return BenchView(context.env, uv=context.uv, config=context.config)


def _migrate(context: ViewContext) -> PaneView:
    from envtui.ui.widgets.migrate_view import MigrateView

    return MigrateView(uv=context.uv, config=context.config)


def _snapshots(context: ViewContext) -> PaneView:
    from envtui.ui.snapshots.view import SnapshotsView

    return SnapshotsView(context.env)


#: Every view beside the package views, in the order of the Views list.
PANES: tuple[Pane, ...] = (
    Pane(JOBS_PANE, "Jobs", _jobs, key="J", tooltip="Show the jobs view (history, queue)", binding_id="jobs.view"),
    Pane(HEALTH_PANE, "Health", _health, key="H", tooltip="Show every health check", binding_id="health.view"),
    Pane(BENCH_PANE, "Bench", _bench),
    Pane(MIGRATE_PANE, "Migrate", _migrate),
    Pane(
        SNAPSHOTS_PANE,
        "Snapshots",
        _snapshots,
        key="S",
        tooltip="Show the snapshots taken before each change",
        binding_id="snapshots.view",
    ),
)
