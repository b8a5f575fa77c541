"""The main screen's keys, in the order ``?`` help and the palette list them.

The change keys come from the job pane (``JOB_BINDINGS``) and the snapshots (``SNAPSHOT_BINDINGS``),
the keys of the views from their registry (``envtui.ui.views``); each names an action of
:class:`~envtui.ui.screens.main.MainScreen`. The footer's order of importance is ``envtui.ui.widgets.key_bar``.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

from envtui.ui.jobs.actions import JOB_BINDINGS
from envtui.ui.snapshots.actions import SNAPSHOT_BINDINGS
from envtui.ui.views import PANES

MAIN_BINDINGS: list[BindingType] = [
    *JOB_BINDINGS,
    *SNAPSHOT_BINDINGS,
    # A priority binding: it acts before keys typed right after it are routed, so "/abc" typed
    # fast lands "abc" in the filter box, not on the table.
    Binding(
        "slash", "focus_filter", "Filter", tooltip="Narrow the table by name or summary", id="filter", priority=True
    ),
    Binding("escape", "clear_filter", "Clear", tooltip="Clear the filter, back to the table", id="clear_filter"),
    Binding("s", "cycle_sort", "Sort", tooltip="Sort by name, version, category", id="sort"),
    Binding("r", "refresh", "Refresh", tooltip="List the environment again", id="refresh"),
    Binding("l", "toggle_log", "Log", tooltip="Show or hide the job log", id="toggle_log"),
    Binding(
        "o",
        "check_outdated",
        "Outdated",
        show=False,
        tooltip="Ask the index for newer versions",
        id="check_outdated",
    ),
    Binding("d", "toggle_details", "Details", show=False, tooltip="Show or hide the details pane", id="toggle_details"),
    Binding(
        "e", "focus_environments", "Envs", show=False, tooltip="Go to the environment list", id="focus_environments"
    ),
    *(pane.binding for pane in PANES if pane.binding),
    Binding("tab", "app.focus_next", "Next pane", show=False, id="focus_next"),
    Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="focus_previous"),
]
