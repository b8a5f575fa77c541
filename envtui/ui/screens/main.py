"""The main screen: environments and views on the left, the package table, details, job log.

State lives here (the open environment, its inventory and index, the view, the query, the sort);
widgets only display what they are handed. Everything that waits (listing, ``uv pip check``,
the index query for newer versions, discovering environments) runs in a thread worker whose only
job is to post a message from ``envtui.ui.messages``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from pathlib import Path
from typing import ClassVar

from packaging.utils import canonicalize_name
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core.env.environment import OWN_ENVIRONMENT, Environment, discover_environments, resolve_environment
from envtui.core.env.filtering import ALL, OUTDATED, PackageIndex, View, count_text, next_sort, standard_views
from envtui.core.env.outdated import still_outdated
from envtui.core.env.packages import (
    DependencyIssue,
    Inventory,
    Package,
    check_dependencies,
    fetch_outdated,
)
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv
from envtui.ui import preload
from envtui.ui.freshness import Freshness
from envtui.ui.health import HEALTH_PANE, install_health, recheck_health
from envtui.ui.jobs.actions import JobActions
from envtui.ui.messages import (
    DependenciesChecked,
    EnvironmentsFound,
    InventoryLoaded,
    LoadFailed,
    OutdatedChecked,
    UvVersionKnown,
)
from envtui.ui.snapshots.actions import SnapshotActions, install_snapshots
from envtui.ui.text import plain
from envtui.ui.widgets.bench_view import install_bench
from envtui.ui.widgets.details import DetailsPane
from envtui.ui.widgets.filter_input import FilterInput
from envtui.ui.widgets.job_log import JobLog, JobLogPane
from envtui.ui.widgets.key_bar import KeyBar
from envtui.ui.widgets.migrate_view import install_migrate
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.sidebar import EnvironmentList, ViewList, display_path
from envtui.ui.widgets.status_bar import HealthBadge, StatusBar

#: Below this size the layout cannot work; a message replaces it.
MIN_WIDTH, MIN_HEIGHT = 60, 20
#: Below this width the details pane stacks under the table instead of beside it.
NARROW_WIDTH = 120
#: While typing in the filter, the details pane waits this long for a pause (seconds).
DETAILS_DELAY = 0.15
#: From this width the details pane is open from the start.
WIDE_WIDTH = 120

PACKAGES_PANE = "packages-pane"


class MainScreen(SnapshotActions, JobActions, Screen[None]):
    """One environment in panes."""

    BINDINGS: ClassVar[list[BindingType]] = [
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
        Binding(
            "d", "toggle_details", "Details", show=False, tooltip="Show or hide the details pane", id="toggle_details"
        ),
        Binding(
            "e", "focus_environments", "Envs", show=False, tooltip="Go to the environment list", id="focus_environments"
        ),
        Binding("H", "health_view", "Health", show=False, tooltip="Show every health check", id="health.view"),
        Binding("tab", "app.focus_next", "Next pane", show=False, id="focus_next"),
        Binding("shift+tab", "app.focus_previous", "Previous pane", show=False, id="focus_previous"),
    ]

    sort_by: Reactive[str] = reactive("name", init=False)
    """The table's sort order: name, version or category."""
    current_view: Reactive[View | str] = reactive(View(ALL), init=False)
    """The chosen view: a package view, or the id of a pane added with ``add_pane``."""
    filter_text: Reactive[str] = reactive("", init=False)
    """The filter text."""
    show_details: Reactive[bool] = reactive(False, init=False)
    """Whether the details pane is open."""

    def __init__(
        self,
        env: Environment,
        *,
        uv: Uv | None = None,
        preloaded: Future[tuple[Inventory, PackageIndex]] | None = None,
        category_overrides: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.env = env
        """The environment on screen."""
        self.inventory: Inventory | None = None
        """Its last listing (None until the first load arrives)."""
        self.index = PackageIndex(())
        """The listing prepared for filtering."""
        self.latest: dict[str, str] | None = None
        """Newer versions by canonical name; None until the index was asked."""
        self.issues: list[DependencyIssue] = []
        """What ``uv pip check`` reported."""
        self.broken: dict[str, list[str]] = {}
        """Packages with a broken requirement -> the lines saying why."""
        self.category_overrides = dict(category_overrides or {})
        """The configuration's ``[categories]``, applied to every listing."""
        self.uv = uv or Uv()
        """The uv binary, found once here: finding it in several threads at once races in sysconfig."""
        self.views = standard_views()
        """The package views in the left pane."""
        self._members: set[str] | None = None
        self._loads = 0
        self._panes: dict[str, Callable[[], None] | None] = {}
        self._preloaded = preloaded
        self._started = False
        self._details_timer: Timer | None = None
        self._package_view: View = View(ALL)
        self.freshness = Freshness(self)
        """Relists when something else changes the environment (see ``envtui.ui.freshness``)."""

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Status line, sidebar, table (with filter) and details, job log, footer."""
        yield StatusBar(id="status-bar")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield EnvironmentList(id="environments")
                yield ViewList(self.views, id="views")
            with Horizontal(id="main"):
                with ContentSwitcher(initial=PACKAGES_PANE, id="centre"), Vertical(id=PACKAGES_PANE):
                    yield FilterInput(id="filter")
                    yield PackageTable(id="packages")
                yield DetailsPane(id="details")
        yield JobLogPane(id="job-pane")
        yield KeyBar(id="footer")
        yield Static(
            f"Terminal too small.\nenvtui needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            id="too-small",
            markup=False,
        )

    def on_mount(self) -> None:
        """Fill the static facts and start loading."""
        table = self.query_one(PackageTable)
        table.border_title = "loading…"
        self._show_env_facts()
        self.query_one(EnvironmentList).set_environments([], self.env.path)
        self.query_one(DetailsPane).display = False
        self._apply_size(self.app.size.width, self.app.size.height)
        if self.app.size.width >= WIDE_WIDTH:
            self.show_details = True
        table.focus()
        self.watch(self.query_one(FilterInput), "value", self._filter_value_changed, init=False)
        if self._preloaded is not None:
            self._take_preloaded(self._preloaded)
            self._preloaded = None
        else:
            self.load_inventory(self.env)
        # Panes that are not on screen yet join after the first paint: start-up shows the table first.
        self.call_after_refresh(install_health, self)
        self.call_after_refresh(install_bench, self)
        self.call_after_refresh(install_migrate, self)
        self.call_after_refresh(install_snapshots, self)
        self.call_after_refresh(self.freshness.start)

    def on_resize(self, event) -> None:
        """Switch between the wide, narrow and too-small layouts."""
        self._apply_size(event.size.width, event.size.height)

    def _apply_size(self, width: int, height: int) -> None:
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.set_class(too_small, "-too-small")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self.set_class(width < 76, "-compact")
        self.set_class(height < 30, "-short")
        if not too_small and self.focused is None and self.is_mounted:
            self.call_after_refresh(lambda: self._focus_view(self.current_view))

    # ------------------------------------------------------------------ public API for other parts

    @property
    def table(self) -> PackageTable:
        """The package table."""
        return self.query_one(PackageTable)

    @property
    def job_log(self) -> JobLog:
        """The job log pane: ``job_log.append(stream, line)`` from a running job."""
        return self.query_one(JobLog)

    @property
    def job_pane(self) -> JobLogPane:
        """The job log pane: ``job_pane.title = "…"``, ``job_pane.collapsed = False``."""
        return self.query_one(JobLogPane)

    @property
    def health_badge(self) -> HealthBadge:
        """The header's health badge: ``health_badge.show(text, level)``."""
        return self.query_one(HealthBadge)

    @property
    def selected_package(self) -> Package | None:
        """The package under the table's cursor."""
        return self.table.current

    def add_pane(self, pane_id: str, label: str, widget: Widget, on_show: Callable[[], None] | None = None) -> None:
        """Add a centre pane (e.g. Health) reachable from the left pane's views.

        ``on_show`` runs each time the pane is chosen (to refresh what it shows).
        """
        widget.id = pane_id
        self.query_one("#centre", ContentSwitcher).mount(widget)
        self._panes[pane_id] = on_show
        self.query_one(ViewList).add_entry(pane_id, label)

    def show_view(self, view: View | str) -> None:
        """Show a view (a package view or an added pane's id) and put the keys on it."""
        if view == self.current_view:
            self._focus_view(view)
        else:
            self.current_view = view  # the watcher focuses it

    def _focus_view(self, view: View | str) -> None:
        """Focus the view's main widget: the package table, or a pane's first focusable widget.

        At once, not after a refresh: keys typed right after the switch must land there (a hidden
        widget keeping the focus would send them to the hidden filter box).
        """
        if not isinstance(view, str):
            self.set_focus(self.table)
            return
        try:
            pane = self.query_one(f"#{view}")
        except Exception:
            return
        target = next((w for w in pane.query("*") if w.can_focus), None)
        if target is not None:
            self.set_focus(target)

    def refresh_inventory(self) -> None:
        """List the environment again (after a change job, or on ``r``); rows update in place."""
        self.load_inventory(self.env)

    # ------------------------------------------------------------------ workers (they only post messages)

    def _take_preloaded(self, future: Future[tuple[Inventory, PackageIndex]]) -> None:
        """Use the listing ``run_app`` started before the UI: at once when ready, else when it lands."""

        def landed(done: Future[tuple[Inventory, PackageIndex]]) -> None:
            error = done.exception()
            if error is not None:
                self.post_message(LoadFailed(self.env, error))
            else:
                self.post_message(InventoryLoaded(self.env, *done.result()))

        if future.done() and future.exception() is None:
            # Show it before the first paint: one paint with the table full, not two.
            self._inventory_loaded(InventoryLoaded(self.env, *future.result()))
        else:
            future.add_done_callback(landed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory", description="Listing packages")
    def load_inventory(self, env: Environment) -> None:
        """List the environment and index it for filtering."""
        self.freshness.listing(env)
        inventory, index = preload.load(env, self.uv, self.category_overrides)
        if not get_current_worker().is_cancelled:
            self.post_message(InventoryLoaded(env, inventory, index))

    @work(thread=True, exclusive=True, exit_on_error=False, group="check", description="Checking dependencies")
    def check_environment(self, env: Environment) -> None:
        """Run ``uv pip check`` for the badge, the Problems view and the broken marks."""
        try:
            issues, failed = check_dependencies(env, self.uv), None
        except EnvtuiError as exc:  # one failed check, not the end of health: the Health view reports it
            issues, failed = [], f"{exc.message}: {exc.cause}" if exc.cause else exc.message
        if not get_current_worker().is_cancelled:
            self.post_message(DependenciesChecked(env, issues, failed))

    @work(
        thread=True,
        exclusive=True,
        exit_on_error=False,
        group="outdated",
        description="Asking the index for newer versions",
    )
    def check_outdated(self, env: Environment) -> None:
        """Ask the index which packages have newer versions (slow: the network)."""
        latest = fetch_outdated(env, self.uv)
        if not get_current_worker().is_cancelled:
            self.post_message(OutdatedChecked(env, latest))

    @work(thread=True, exclusive=True, exit_on_error=False, group="uv-version", description="Asking uv its version")
    def check_uv_version(self) -> None:
        """Learn uv's version for the status line."""
        self.post_message(UvVersionKnown(self.uv.version()))

    @work(thread=True, exclusive=True, exit_on_error=False, group="discover", description="Looking for environments")
    def find_environments(self, env: Environment) -> None:
        """Find venvs beside the open one (its parent directory) and under the working directory."""
        found: list[Path] = []
        for root in dict.fromkeys([env.path.parent, Path.cwd()]):
            try:
                found += discover_environments(root, max_depth=2)
            except EnvtuiError:
                continue
            if get_current_worker().is_cancelled:
                return
        self.post_message(EnvironmentsFound(sorted(set(found))))

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory", description="Opening environment")
    def switch_environment(self, path: Path) -> None:
        """Resolve ``path`` and list it; the screen switches when it arrives."""
        env = resolve_environment(path)
        inventory, index = preload.load(env, self.uv, self.category_overrides)
        if not get_current_worker().is_cancelled:
            self.post_message(InventoryLoaded(env, inventory, index))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """Show any worker's failure as a notification (and in the badge when it was a check)."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        message = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        cause = getattr(error, "cause", None)
        if event.worker.group == "inventory" and self.inventory is None:
            self.table.border_title = "could not list packages"
        if event.worker.group == "outdated":
            self.latest = None
            self._update_counts()
        self.notify(f"{message}\n{cause}" if cause else message, title=event.worker.description, severity="error")

    # ------------------------------------------------------------------ results

    @on(InventoryLoaded)
    def _inventory_loaded(self, message: InventoryLoaded) -> None:
        """Show the new listing; a refresh of the same environment keeps cursor and scroll."""
        switched = message.env.path != self.env.path
        self.env = message.env
        self.inventory = message.inventory
        self.index = message.index
        self._loads += 1
        if not self._started:
            # Secondary facts wait until the table is listed: they would only slow the start.
            self._started = True
            self.call_after_refresh(self.check_uv_version)
            self.call_after_refresh(self.find_environments, self.env)
        if not switched and self.latest is not None:
            # What was just upgraded (by a job, or by anyone) is no longer outdated.
            self.latest = still_outdated(self.latest, message.inventory)
            self.table.update_marks(latest=self.latest)
        if switched:
            self.latest = None
            self.issues = []
            self.broken = {}
            self.query_one(EnvironmentList).set_environments(self.query_one(EnvironmentList)._paths, self.env.path)
            self.health_badge.show("checking…", "unknown")
            self.find_environments(self.env)
        self._show_env_facts()
        self._recompute_members()
        self._refilter()
        self._update_counts()
        self._show_details_for(self.table.current)
        # A listing is hundreds of thousands of long-lived objects. Left to the cyclic GC, every
        # full collection walks them all (~150 ms at 10,000 packages: a visible hitch while
        # typing). Freezing moves them out of its sight; plain reference counting still frees
        # them when a refresh replaces the listing.
        gc.freeze()
        # After the paint: the table shows first, the check's answer a moment later.
        self.call_after_refresh(self.check_environment, self.env)
        for problem in message.inventory.problems:
            self.notify(problem, severity="warning")

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        """The listing started before the UI failed: say so."""
        self.table.border_title = "could not list packages"
        error = message.error
        text = error.message if isinstance(error, EnvtuiError) else f"{type(error).__name__}: {error}"
        self.notify(text, title="Listing packages", severity="error")

    @on(DependenciesChecked)
    def _dependencies_checked(self, message: DependenciesChecked) -> None:
        """Mark broken packages and fill the badge with what the core knows."""
        if message.env.path != self.env.path:
            return
        self.issues = message.issues
        broken: dict[str, list[str]] = {}
        for issue in message.issues:
            key = canonicalize_name(issue.package)
            broken.setdefault(key, []).append(str(issue))
        self.broken = broken
        self._recompute_members()
        self.table.update_marks(broken=set(broken))
        self._refilter()
        self._update_counts()
        problems = len(message.issues)
        if recheck_health(self, self.inventory, None if message.failed else message.issues):
            pass  # the Health view re-checks everything and sets the badge itself
        elif message.failed:
            self.health_badge.show("pip check failed", "error", tooltip=message.failed)
        elif problems:
            noun = "problem" if problems == 1 else "problems"
            self.health_badge.show(
                f"python OK · pip check: {problems} {noun}",
                "error",
                tooltip="\n".join(str(i) for i in message.issues),
            )
        else:
            self.health_badge.show("python OK · pip check OK", "ok")
        self._show_details_for(self.table.current)

    @on(OutdatedChecked)
    def _outdated_checked(self, message: OutdatedChecked) -> None:
        """Fill the Latest column and the Outdated view."""
        if message.env.path != self.env.path:
            return
        self.latest = message.latest
        self.table.update_marks(latest=self.latest)
        self._recompute_members()
        self._refilter()
        self._update_counts()
        count = len(self.latest)
        self.notify(f"{count} outdated package{'s' if count != 1 else ''}", title="Newer versions")

    @on(UvVersionKnown)
    def _uv_version_known(self, message: UvVersionKnown) -> None:
        """Put uv's version in the status line."""
        self.query_one(StatusBar).uv_text = message.version

    @on(EnvironmentsFound)
    def _environments_found(self, message: EnvironmentsFound) -> None:
        """List the environments found."""
        self.query_one(EnvironmentList).set_environments(message.paths, self.env.path)

    # ------------------------------------------------------------------ filtering

    def _recompute_members(self) -> None:
        view = self.current_view
        self._members = (
            self.index.members(view, outdated=self.latest, broken=self.broken) if isinstance(view, View) else None
        )

    def _refilter(self) -> None:
        """Run the pure filter and hand the result to the table (cheap: it paints visible rows only)."""
        keys = self.index.select(self.filter_text, self.sort_by, self._members)
        table = self.table
        table.set_rows(keys, self.index.packages, latest=self.latest or {}, broken=set(self.broken))
        filtered = bool(self.filter_text.strip()) or self._members is not None
        title = count_text(len(keys), len(self.index), filtered)
        view = self.current_view
        if self._members is not None and isinstance(view, View) and self.filter_text.strip():
            # The filter works within the view: say so, and how many match in all packages, so
            # "0 of 3 in AI/ML" never reads as "not installed".
            everywhere = len(self.index.select(self.filter_text, "name", None))
            title = f"{len(keys):,} of {len(self._members):,} in {view.label} · {everywhere:,} in all packages"
        table.border_title = title
        sort_hint = f"sorted by {self.sort_by}"
        if isinstance(self.current_view, View) and self.current_view.kind != ALL:
            sort_hint = f"{self.current_view.label} · {sort_hint}"
        if table.marked:
            sort_hint = f"{len(table.marked)} marked · {sort_hint}"
        table.border_subtitle = plain(sort_hint)  # a category's name may come from the configuration

    def _update_counts(self) -> None:
        self.query_one(ViewList).set_counts(self.index.counts(self.views, outdated=self.latest, broken=self.broken))

    def watch_filter_text(self) -> None:
        """Narrow the table as the user types."""
        self._refilter()

    def watch_sort_by(self) -> None:
        """Re-order the table."""
        self._refilter()

    def watch_current_view(self, view: View | str) -> None:
        """Show the chosen view (a package view or an added pane)."""
        switcher = self.query_one("#centre", ContentSwitcher)
        if isinstance(view, str):
            switcher.current = view
            self._show_details_pane()
            on_show = self._panes.get(view)
            if on_show is not None:
                on_show()
            self._focus_view(view)
            return
        switcher.current = PACKAGES_PANE
        self._package_view = view
        self._show_details_pane()
        self._focus_view(view)
        if view.kind == OUTDATED and self.latest is None:
            self.check_outdated(self.env)
        self._recompute_members()
        self._refilter()

    def watch_show_details(self, show: bool) -> None:
        """Open or close the details pane."""
        self._show_details_pane()
        if show:
            self._show_details_for(self.table.current)

    def _show_details_pane(self) -> None:
        """The details pane is open when asked for, and only beside a package view (a pane such as
        Health or Jobs has its own detail and needs the width)."""
        self.query_one(DetailsPane).display = self.show_details and isinstance(self.current_view, View)

    def _filter_value_changed(self, value: str) -> None:
        """Every keystroke in the filter box (a watcher: it runs in the same tick as the key,
        so the box and the table repaint together, not one frame apart)."""
        self.filter_text = value

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter box goes to the table."""
        self.table.focus()

    @on(PackageTable.Highlighted)
    def _package_highlighted(self, message: PackageTable.Highlighted) -> None:
        """Keep the details pane on the highlighted package (after a pause while typing)."""
        if not self.show_details:
            return
        if self._details_timer is not None:
            self._details_timer.stop()
            self._details_timer = None
        if isinstance(self.focused, FilterInput):
            # Each keystroke moves the first row; the details follow once typing pauses.
            self._details_timer = self.set_timer(DETAILS_DELAY, lambda: self._show_details_for(self.table.current))
        else:
            self._show_details_for(message.package)

    @on(PackageTable.Selected)
    def _package_selected(self, message: PackageTable.Selected) -> None:
        """Enter on a package opens its details."""
        self.show_details = True
        self._show_details_for(message.package)

    @on(ViewList.Chosen)
    def _view_chosen(self, message: ViewList.Chosen) -> None:
        """Switch view from the left pane."""
        self.show_view(message.view)

    @on(EnvironmentList.Chosen)
    def _environment_chosen(self, message: EnvironmentList.Chosen) -> None:
        """Open another environment."""
        self.table.border_title = plain(f"opening {display_path(message.path)}…")
        self.switch_environment(message.path)

    def _show_details_for(self, package: Package | None) -> None:
        if self.show_details:
            self.query_one(DetailsPane).show(package, self.index.packages, self.latest, self.broken)

    def _show_env_facts(self) -> None:
        bar = self.query_one(StatusBar)
        bar.env_text = display_path(self.env.path) + (f" ({OWN_ENVIRONMENT})" if self.env.own else "")
        bar.project_text = self.jobs_project_header()
        bar.python_text = self.env.version + ("" if self.env.writable else " (read-only)")
        count = len(self.index)
        bar.count_text = f"{count:,} package{'s' if count != 1 else ''}" if self.inventory else ""

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the filter box ``/`` is just a character: the priority binding steps aside."""
        if action == "focus_filter" and isinstance(self.focused, FilterInput):
            return False
        return super().check_action(action, parameters)

    def action_focus_filter(self) -> None:
        """Focus the filter box (``/``)."""
        box = self.query_one(FilterInput)
        if self.current_view != PACKAGES_PANE and not isinstance(self.current_view, View):
            self.current_view = View(ALL)
        # Focus now, not after a refresh: keys typed right after "/" must land in the box.
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        """Cancel a preview still waiting for uv; else clear the filter and return to the table;
        with no filter, close the details pane."""
        if self.jobs_cancel_preview():
            return
        if isinstance(self.current_view, str):  # Jobs, Health, …: back to the package table
            self.show_view(self._package_view)
            return
        box = self.query_one(FilterInput)
        if box.value:
            box.value = ""
            self.filter_text = ""
        elif self.table.has_focus and self.show_details and self.size.width < WIDE_WIDTH:
            self.show_details = False
        self._focus_view(self.current_view)  # the table of the view on screen, never a hidden one

    def action_cycle_sort(self) -> None:
        """Name → version → category → name."""
        self.sort_by = next_sort(self.sort_by)

    def action_refresh(self) -> None:
        """List the environment again, keeping the cursor on the same package."""
        self.table.border_subtitle = "refreshing…"
        self.refresh_inventory()

    def action_health_view(self) -> None:
        """Show the Health view (every check, its status and detail)."""
        self.show_view(HEALTH_PANE)

    def action_toggle_log(self) -> None:
        """Show or hide the job log."""
        self.job_pane.collapsed = not self.job_pane.collapsed

    def action_toggle_details(self) -> None:
        """Show or hide the details pane."""
        self.show_details = not self.show_details

    def action_check_outdated(self) -> None:
        """Ask the index for newer versions (fills Latest and the Outdated view)."""
        self.notify("Asking the index for newer versions…", timeout=2)
        self.check_outdated(self.env)

    def action_focus_environments(self) -> None:
        """Go to the environment list."""
        self.query_one(EnvironmentList).focus()
