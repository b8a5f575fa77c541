"""The main screen: environments and views on the left, the package table, details, job log.

Every pane on screen at start is yielded in ``compose``; the views beside the package views
(Jobs, Health, …) are registered in ``envtui.ui.views`` and are imported, built and mounted in
the centre just after the first paint (:meth:`MainScreen._add_views`), so start-up neither
imports nor lays them out. Each widget keeps what it shows
current and posts messages up; the screen answers with method calls down, so what one widget
learns reaches the others. Twice a second it asks ``envtui.ui.freshness`` whether the environment
or the configuration changed on disk. The layout follows the terminal's size through breakpoint
classes (``envtui.ui.layout``) that ``styles/app.tcss`` styles.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive, reactive
from textual.screen import Screen
from textual.widgets import Static

from envtui.core.config import Config
from envtui.core.display import display_path
from envtui.core.env.environment import Environment
from envtui.core.env.filtering import ALL, PackageIndex, View, standard_views
from envtui.core.env.packages import DependencyIssue, Inventory, Package
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, Job
from envtui.core.uv import Uv
from envtui.ui import layout
from envtui.ui.freshness import POLL_SECONDS, Freshness
from envtui.ui.jobs.actions import JobPane
from envtui.ui.jobs.messages import JobFinished, JobQueued, JobStarted
from envtui.ui.messages import (
    BusyEnded,
    BusyStarted,
    DependenciesChecked,
    HealthVerdictChanged,
    InventoryLoaded,
    OutdatedChecked,
    PackageChosen,
    RestartRequested,
)
from envtui.ui.screens.keys import MAIN_BINDINGS
from envtui.ui.snapshots.messages import RestoreRequested
from envtui.ui.text import plain
from envtui.ui.views import PANES, ViewContext
from envtui.ui.widgets.centre import Centre
from envtui.ui.widgets.details import DetailsPane
from envtui.ui.widgets.filter_input import FilterInput
from envtui.ui.widgets.job_log import JobLogPane
from envtui.ui.widgets.key_bar import KeyBar
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.packages_view import PackagesView
from envtui.ui.widgets.pane_view import PaneView
from envtui.ui.widgets.sidebar import EnvironmentList, ViewList
from envtui.ui.widgets.spinner import Spinner
from envtui.ui.widgets.status_bar import HealthBadge, StatusBar

#: While typing in the filter, the details pane waits this long for a pause (seconds).
DETAILS_DELAY = 0.15
#: As the cursor moves, the details pane follows after this pause (seconds): the row under the
#: cursor paints first, at once, and a held key does not lay the pane out again for every row.
DETAILS_FOLLOW = 0.05

PACKAGES_PANE = "packages-pane"


class MainScreen(Screen[None]):
    """One environment in panes."""

    HORIZONTAL_BREAKPOINTS = layout.HORIZONTAL_BREAKPOINTS
    VERTICAL_BREAKPOINTS = layout.VERTICAL_BREAKPOINTS

    BINDINGS: ClassVar[list[BindingType]] = MAIN_BINDINGS

    current_view: Reactive[View | str] = reactive(View(ALL), init=False, repaint=False)
    """The chosen view: a package view, or the id of one of ``envtui.ui.views.PANES``."""
    show_details: Reactive[bool] = reactive(False, init=False, repaint=False)
    """Whether the details pane is open."""

    def __init__(
        self,
        env: Environment,
        *,
        uv: Uv | None = None,
        preloaded: Future[tuple[Inventory, PackageIndex]] | None = None,
        config: Config | None = None,
    ) -> None:
        super().__init__()
        self.env = env
        """The environment on screen."""
        self.uv = uv or Uv()
        """The uv binary, found once here: finding it in several threads at once races in sysconfig."""
        self.config = config or Config()
        """The project configuration, read once: health checks, hooks, categories."""
        self.views = standard_views()
        """The package views in the left pane."""
        self.freshness = Freshness()
        """Says when something else changed the environment or the configuration file."""
        self._panes: dict[str, PaneView] = {}
        self._checked: tuple[Environment, Inventory | None, list[DependencyIssue] | None, dict[str, str] | None] | None
        self._checked = None  # what the views last heard from environment_checked (they may join later)
        self._preloaded = preloaded
        self._started = False
        self._package_view: View = View(ALL)

    # ------------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        """Status line; sidebar; the package table (with filter) or another view, and details; job pane; footer."""
        # The breakpoint classes first (Textual would set them on the first resize, one frame late):
        # set now, before there are children, they cost nothing; once mounted, every widget restyles.
        self.update_classes(layout.breakpoint_classes(self.app.size), animate=False)
        job_pane = JobPane(self.env, uv=self.uv, config=self.config, id="job-pane")
        yield StatusBar(id="status-bar")
        with Horizontal(id="body"):
            with Vertical(id="sidebar"):
                yield EnvironmentList(id="environments")
                yield ViewList(
                    self.views,
                    {pane.id: pane.label for pane in PANES},
                    keys={pane.id: pane.key for pane in PANES if pane.key},
                    id="views",
                )
            with Horizontal(id="main"):
                packages = PackagesView(
                    self.env,
                    uv=self.uv,
                    freshness=self.freshness,
                    category_overrides=self.config.categories,
                    id=PACKAGES_PANE,
                )
                yield Centre(packages, id="centre")
                yield DetailsPane(id="details")
        yield job_pane
        yield KeyBar(id="footer")
        yield Static(
            f"Terminal too small.\nenvtui needs at least {layout.MIN_WIDTH}x{layout.MIN_HEIGHT}.",
            id="too-small",
            markup=False,
        )

    def on_mount(self) -> None:
        """Fill the static facts and start loading."""
        self._show_env_facts()
        self.query_one(EnvironmentList).set_environments([], self.env.path)
        self.query_one(DetailsPane).display = False
        if self.has_class("-wide"):
            self.show_details = True
        self.table.focus()
        if self._preloaded is not None:
            self.packages.take_preloaded(self._preloaded)
            self._preloaded = None
            if self.packages.inventory is not None:  # it was ready: one paint with everything
                self._listing_shown(self.env)
        else:
            self.packages.refresh_listing()
        self.call_after_refresh(self._start_watching)  # after the first paint: the table shows first
        self.call_after_refresh(self._add_views)

    def _add_views(self) -> None:
        """Build and mount the views of ``envtui.ui.views`` (importing them), caught up with what
        the screen already heard."""
        context = ViewContext(self.env, self.uv, self.config, self.jobs_engine)
        self._panes = {pane.id: pane.build(context) for pane in PANES}
        self.centre.add_panes(self._panes)
        if self._checked is not None:
            for view in self._panes.values():
                view.environment_checked(*self._checked)

    def _start_watching(self) -> None:
        self.freshness.start(self.config.path)
        self.set_interval(POLL_SECONDS, self._poll, name="freshness")

    def _poll(self) -> None:
        """Relist after an outside change to the environment; hand an edited configuration on."""
        engine = self.jobs_engine
        changed, config = self.freshness.poll(self.env, busy=bool(engine.running() or engine.queued()))
        if changed:
            if not any((job.finished_at or 0) > self.freshness.listed_at for job in list(engine.jobs)):
                self.notify("The environment changed on disk: listed again", timeout=3)  # not a job of ours
            self.refresh_inventory()
        if config is not None:
            self.config = config
            engine.use_config(config)
            for view in self._panes.values():
                view.config_changed(config)

    def on_resize(self) -> None:
        """Once the layout is back from too small, give the keys back to the view on screen."""
        self.call_after_refresh(self._refocus)

    def _refocus(self) -> None:
        if self.focused is None and not any(self.has_class(name) for name in layout.TOO_SMALL):
            self.centre.focus_view(self.current_view)

    # ------------------------------------------------------------------ what other parts use

    @property
    def centre(self) -> Centre:
        """The centre: the package view or another view."""
        return self.query_one(Centre)

    @property
    def packages(self) -> PackagesView:
        """The package view: the filter box, the table and the listing they show."""
        return self.query_one(PackagesView)

    @property
    def table(self) -> PackageTable:
        """The package table."""
        return self.query_one(PackageTable)

    @property
    def inventory(self) -> Inventory | None:
        """The environment's last listing (None until the first one arrives)."""
        return self.packages.inventory

    @property
    def latest(self) -> dict[str, str] | None:
        """Newer versions by canonical name; None until the index was asked."""
        return self.packages.latest

    @property
    def job_pane(self) -> JobPane:
        """The job pane: runs change jobs and shows the running one (``job_pane.collapsed``)."""
        return self.query_one(JobPane)

    @property
    def jobs_engine(self) -> JobEngine:
        """The engine running this screen's jobs."""
        return self.job_pane.engine

    def jobs_submit(self, request: ChangeRequest) -> Job | None:
        """Queue a validated request on this screen's environment (no dialog)."""
        return self.job_pane.submit(request)

    def show_view(self, view: View | str) -> None:
        """Show a view (a package view or a pane's id) and put the keys on it."""
        if view == self.current_view:
            self.centre.focus_view(view)
        else:
            self.current_view = view  # the watcher focuses it

    def refresh_inventory(self) -> None:
        """List the environment again (after a change, ``r``, a shell); rows update in place."""
        self.packages.refresh_listing()

    def show_package(self, key: str) -> bool:
        """Show all packages with ``key`` under the cursor and its details; False when it is not installed."""
        self.current_view = View(ALL)
        if not self.packages.reveal(key):
            self.notify(f"{key} is not installed", severity="warning", timeout=3)
            return False
        self.show_details = True
        self.table.focus()
        return True

    # ------------------------------------------------------------------ what the package view learnt

    @on(InventoryLoaded)
    def _inventory_loaded(self, message: InventoryLoaded) -> None:
        """The package view shows a new listing: the facts, counts and details follow."""
        self._listing_shown(message.env)

    def _listing_shown(self, env: Environment) -> None:
        switched = env.path != self.env.path
        self.env = env
        if not self._started:
            # Secondary facts wait until the table is listed: they would only slow the start.
            self._started = True
            self.call_after_refresh(self.query_one(StatusBar).check_uv_version, self.uv)
            self.call_after_refresh(self.query_one(EnvironmentList).discover, env)
        if switched:
            environments = self.query_one(EnvironmentList)
            environments.set_environments(environments.paths, env.path)
            environments.discover(env)
            self.query_one(HealthBadge).show("checking…", "unknown")
            self.job_pane.env = env
            for view in self._panes.values():
                view.set_environment(env)
        self.job_pane.inventory = self.inventory
        self._show_env_facts()
        self._update_counts()
        self._show_details_for(self.table.current)

    @on(DependenciesChecked)
    def _dependencies_checked(self, message: DependenciesChecked) -> None:
        """``uv pip check`` answered: counts and details follow, the views re-check (health sets the badge)."""
        self._update_counts()
        issues = None if message.failed else message.issues  # None: the checks run uv pip check themselves
        self._checked = (self.env, self.inventory, issues, self.latest)
        for view in self._panes.values():
            view.environment_checked(*self._checked)
        self._show_details_for(self.table.current)

    @on(OutdatedChecked)
    def _outdated_checked(self) -> None:
        """Newer versions are known (or unknown again): the Outdated count follows."""
        self._update_counts()

    @on(BusyStarted)
    @on(BusyEnded)
    def _busy(self, message: BusyStarted | BusyEnded) -> None:
        """Turn the spinner while something waits (a preview, the outdated check), one turn each."""
        if isinstance(message, BusyStarted):
            self.query_one(Spinner).start(message.label)
        else:
            self.query_one(Spinner).stop()

    def _update_counts(self) -> None:
        packages = self.packages
        counts = packages.index.counts(self.views, outdated=packages.latest, broken=packages.broken)
        self.query_one(ViewList).set_counts(counts)

    def _show_env_facts(self) -> None:
        project = self.job_pane.project
        count = len(self.packages.index) if self.inventory else None
        self.query_one(StatusBar).show_environment(self.env, count, project.header if project is not None else "")

    # ------------------------------------------------------------------ views and details

    def watch_current_view(self, view: View | str) -> None:
        """Show the chosen view (a package view or a pane); the details pane only beside packages."""
        if isinstance(view, View):
            self._package_view = view
        self._show_details_pane()
        self.centre.show(view)

    def watch_show_details(self, show: bool) -> None:
        """Open or close the details pane."""
        self._show_details_pane()
        if show:
            self._show_details_for(self.table.current)

    def _show_details_pane(self) -> None:
        """The details pane is open when asked for, and only beside a package view (a pane such as
        Health or Jobs has its own detail and needs the width)."""
        self.query_one(DetailsPane).display = self.show_details and isinstance(self.current_view, View)

    @on(PackageTable.Highlighted)
    def _package_highlighted(self, message: PackageTable.Highlighted) -> None:
        """Keep the details pane on the highlighted package, a moment after the cursor (longer
        while typing: each keystroke moves the first row). Filling the pane lays the screen out
        again, which costs more than moving the cursor; the key is answered first."""
        self._show_details_for(
            message.package, DETAILS_DELAY if isinstance(self.focused, FilterInput) else DETAILS_FOLLOW
        )

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
        self.packages.open_environment(message.path)

    def _show_details_for(self, package: Package | None, delay: float = 0) -> None:
        if self.show_details:
            packages = self.packages
            details = self.query_one(DetailsPane)
            details.show_after(delay, package, packages.index.packages, packages.latest, packages.broken)

    @on(HealthVerdictChanged)
    def _health_verdict(self, message: HealthVerdictChanged) -> None:
        """The badge shows the Health view's verdict."""
        self.query_one(HealthBadge).show(message.text, message.level, tooltip=message.tooltip)

    @on(PackageChosen)
    def _health_package_chosen(self, message: PackageChosen) -> None:
        """Enter on a finding about a package opens it in the table."""
        self.show_package(message.key)

    @on(RestartRequested)
    def _restart_requested(self, message: RestartRequested) -> None:
        """``R`` in the Health view: the job pane runs the after-change hooks."""
        self.job_pane.restart_service(message.config)

    @on(JobPane.ServiceRestarted)
    def _service_restarted(self) -> None:
        """The hooks ran: check the service (and everything) again."""
        for view in self._panes.values():
            view.service_restarted(self.env)

    @on(JobLogPane.Folded)
    def _log_folded(self, message: JobLogPane.Folded) -> None:
        """While the log is open at a short height, the other panes give way (styles/app.tcss)."""
        self.set_class(not message.collapsed, "-log-open")

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the filter box ``/`` is just a character: the priority binding steps aside."""
        if action == "focus_filter" and isinstance(self.focused, FilterInput):
            return False
        return super().check_action(action, parameters)

    def action_focus_filter(self) -> None:
        """Focus the filter box (``/``)."""
        box = self.query_one(FilterInput)
        if not isinstance(self.current_view, View):
            self.current_view = View(ALL)
        # Focus now, not after a refresh: keys typed right after "/" must land in the box.
        self.set_focus(box)

    def action_clear_filter(self) -> None:
        """Cancel a preview still waiting for uv; else clear the filter and return to the table;
        with no filter, close the details pane (unless it has a place of its own beside the table)."""
        if self.job_pane.cancel_preview():
            return
        if isinstance(self.current_view, str):  # Jobs, Health, …: back to the package table
            self.show_view(self._package_view)
            return
        cleared = self.packages.clear_filter()
        if not cleared and self.table.has_focus and self.show_details and not self.has_class("-wide"):
            self.show_details = False
        self.centre.focus_view(self.current_view)  # the table of the view on screen, never a hidden one

    def action_cycle_sort(self) -> None:
        """Name → version → category → name."""
        self.packages.cycle_sort()

    def action_refresh(self) -> None:
        """List the environment again, keeping the cursor on the same package."""
        self.table.border_subtitle = "refreshing…"
        self.packages.refresh_listing()

    def action_show_view(self, pane_id: str) -> None:
        """Show a view of ``envtui.ui.views.PANES`` (each has its key)."""
        self.show_view(pane_id)

    def action_toggle_log(self) -> None:
        """Show or hide the job log."""
        self.job_pane.collapsed = not self.job_pane.collapsed

    def action_toggle_details(self) -> None:
        """Show or hide the details pane."""
        self.show_details = not self.show_details

    def action_check_outdated(self) -> None:
        """Ask the index for newer versions (fills Latest and the Outdated view)."""
        self.notify("Asking the index for newer versions…", timeout=2)
        self.packages.check_outdated(self.env)

    def action_focus_environments(self) -> None:
        """Go to the environment list."""
        self.query_one(EnvironmentList).focus()

    # ------------------------------------------------------------------ change jobs (the job pane runs them)

    def action_jobs_install(self) -> None:
        """Ask for specs, then preview and confirm."""
        self.job_pane.install()

    def action_jobs_install_local(self) -> None:
        """Ask for a local project directory to install in editable mode."""
        self.job_pane.install_local()

    def action_jobs_upgrade(self) -> None:
        """Upgrade the marked packages, else the one under the cursor, as one job."""
        self.job_pane.upgrade(self.packages.chosen("upgrade"))

    def action_jobs_upgrade_all(self) -> None:
        """Upgrade every outdated top-level package (asks the index first when needed)."""
        if not self.job_pane.upgrade_all():
            self.packages.when_latest_known(self.job_pane.upgrade_outdated)

    def action_jobs_uninstall(self) -> None:
        """Remove the marked packages (else the one under the cursor) as one job, naming what requires them."""
        self.job_pane.uninstall(self.packages.chosen("uninstall"))

    def action_jobs_sync(self) -> None:
        """Ask for a requirements file and make the environment match it exactly."""
        self.job_pane.sync()

    def action_snapshots_undo(self) -> None:
        """Restore the snapshot taken before the last change still in effect (asks first)."""
        self.job_pane.restore(None, "undo")

    def action_snapshots_redo(self) -> None:
        """Bring back the change last undone (asks first)."""
        self.job_pane.restore(None, "redo")

    @on(RestoreRequested)
    def _restore_requested(self, message: RestoreRequested) -> None:
        """Enter on a snapshot in the Snapshots view."""
        self.job_pane.restore(message.snapshot_id, None)

    def action_jobs_cancel(self) -> None:
        """Cancel a preview still waiting for uv, else the running job."""
        self.job_pane.cancel()

    @on(JobQueued)
    @on(JobStarted)
    @on(JobFinished)
    def _jobs_changed(self, message: JobQueued | JobStarted | JobFinished) -> None:
        """Every view hears of it; the marked set went into an upgrade or uninstall; a job that ran
        refreshes the table (and health) in place."""
        job = message.job
        for view in self._panes.values():
            view.jobs_changed(job)
        if isinstance(message, JobQueued) and job.kind in ("upgrade", "uninstall"):
            self.table.clear_marks()
        if isinstance(message, JobFinished) and (job.status != CANCELLED or job.returncode is not None):
            self.packages.refresh_listing()

    @on(JobPane.HistoryChanged)
    def _history_changed(self) -> None:
        """A refused change joined the history: the views that list jobs show it."""
        for view in self._panes.values():
            view.jobs_changed(None)
