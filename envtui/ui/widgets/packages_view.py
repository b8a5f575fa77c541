"""The package view: the filter box over the package table, and the listing they show.

It keeps its listing current itself: the environment's packages (``uv pip list`` and the
``.dist-info`` headers), their broken requirements (``uv pip check``) and, when asked, their
newer versions (the index). Each waits in a thread worker that only posts a message from
``envtui.ui.messages``; the view handles it, then it bubbles on to the screen, which updates
what it shows elsewhere (counts, details, health). The screen picks the package view
(``set_view``); the user types the filter, picks the sort and marks rows (space).
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
from textual.containers import Vertical
from textual.reactive import Reactive, reactive
from textual.worker import Worker, WorkerState, get_current_worker

from envtui.core.env.environment import Environment, resolve_environment
from envtui.core.env.filtering import ALL, OUTDATED, PackageIndex, View, count_text, next_sort
from envtui.core.env.outdated import still_outdated
from envtui.core.env.packages import DependencyIssue, Inventory, Package, check_dependencies, fetch_outdated
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv
from envtui.ui import preload
from envtui.ui.errors import error_text
from envtui.ui.freshness import Freshness
from envtui.ui.messages import BusyEnded, BusyStarted, DependenciesChecked, InventoryLoaded, LoadFailed, OutdatedChecked
from envtui.ui.text import plain
from envtui.ui.widgets.filter_input import FilterInput
from envtui.ui.widgets.package_table import PackageTable

#: What ``then`` of :meth:`PackagesView.when_latest_known` is called with.
LatestKnown = Callable[[Inventory, dict[str, str]], None]


class PackagesView(Vertical):
    """The filter box and the package table, over the listing of one environment."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # A priority binding, as ``/`` on the screen: the focus moves before the next key is routed,
        # so an Enter typed right after (keys arrive together over SSH) reaches the table.
        Binding("enter", "filter_done", "To the table", show=False, priority=True, id="filter.done"),
    ]

    sort_by: Reactive[str] = reactive("name", init=False, repaint=False)
    """The table's sort order: name, version or category."""
    filter_text: Reactive[str] = reactive("", init=False, repaint=False)
    """The filter text."""

    def __init__(
        self,
        env: Environment,
        *,
        uv: Uv,
        freshness: Freshness,
        category_overrides: Mapping[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.env = env
        """The environment listed (it changes when another one is opened)."""
        self.freshness = freshness
        """Told before each listing, so a change made by anyone since shows (and is not re-announced)."""
        self.uv = uv
        """The uv binary, found once by the screen: finding it in several threads at once races."""
        self.category_overrides = dict(category_overrides or {})
        """The configuration's ``[categories]``, applied to every listing."""
        self.inventory: Inventory | None = None
        """The last listing (None until the first one arrives)."""
        self.index = PackageIndex(())
        """The listing prepared for filtering."""
        self.latest: dict[str, str] | None = None
        """Newer versions by canonical name; None until the index was asked."""
        self.issues: list[DependencyIssue] = []
        """What ``uv pip check`` reported last."""
        self.broken: dict[str, list[str]] = {}
        """Packages with a broken requirement -> the lines saying why."""
        self.view: View = View(ALL)
        """The package view the table shows (All, a category, Outdated, …)."""
        self._members: set[str] | None = None
        self._typed: str | None = None
        self._when_latest: LatestKnown | None = None

    def compose(self) -> ComposeResult:
        """The filter box over the table."""
        yield FilterInput(id="filter")
        yield PackageTable(id="packages")

    def on_mount(self) -> None:
        """Follow the filter box as the user types."""
        self.query_one(PackageTable).border_title = "loading…"
        self.watch(self.query_one(FilterInput), "value", self._filter_value_changed, init=False)

    @property
    def table(self) -> PackageTable:
        """The package table."""
        return self.query_one(PackageTable)

    # ------------------------------------------------------------------ calls from the screen

    def take_preloaded(self, future: Future[tuple[Inventory, PackageIndex]]) -> None:
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

    def refresh_listing(self) -> None:
        """List the environment again; rows update in place, cursor and scroll stay."""
        self.load_inventory(self.env)

    def set_view(self, view: View) -> None:
        """Show the packages of ``view`` (asking the index first for Outdated)."""
        self.view = view
        if view.kind == OUTDATED and self.latest is None:
            self.check_outdated(self.env)
        self._recompute_members()
        self._refilter()

    def clear_filter(self) -> bool:
        """Empty the filter box; False when it was empty already."""
        box = self.query_one(FilterInput)
        if not box.value:
            return False
        box.value = ""
        self.filter_text = ""
        return True

    def reveal(self, key: str) -> bool:
        """Put the cursor on package ``key``, clearing the filter if it hides it; False when not installed."""
        return self.table.move_to(key) or (self.clear_filter() and self.table.move_to(key))

    def chosen(self, verb: str) -> list[Package]:
        """The marked packages, else the one under the cursor; says why when there is none."""
        if not self.display:  # Jobs, Health, … on screen instead: no package row to act on
            self.notify(f"Nothing to {verb}: this view shows no packages. Escape goes back to them.", timeout=4)
            return []
        marked = self.table.marked_packages()
        if marked:
            return marked
        package = self.table.current
        if package is None:
            where = "this view is empty" if not self.index.packages else "no package is shown here"
            if self.filter_text.strip():
                where = "the filter matches no package"
            self.notify(f"Nothing to {verb}: {where}. Highlight a package (or mark some with space).", timeout=4)
            return []
        return [package]

    def cycle_sort(self) -> None:
        """Name → version → category → name."""
        self.sort_by = next_sort(self.sort_by)

    def when_latest_known(self, then: LatestKnown) -> None:
        """Call ``then(inventory, latest)`` once newer versions are known: now, or after asking the
        index (dropped when the index cannot answer)."""
        if self.latest is not None and self.inventory is not None:
            then(self.inventory, self.latest)
            return
        self._when_latest = then
        self.check_outdated(self.env)

    # ------------------------------------------------------------------ workers (they only post messages)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory", description="Listing packages")
    def load_inventory(self, env: Environment) -> None:
        """List the environment and index it for filtering."""
        self.freshness.listing(env)
        inventory, index = preload.load(env, self.uv, self.category_overrides)
        if not get_current_worker().is_cancelled:
            self.post_message(InventoryLoaded(env, inventory, index))

    @work(thread=True, exclusive=True, exit_on_error=False, group="inventory", description="Opening environment")
    def open_environment(self, path: Path) -> None:
        """Resolve ``path`` and list it; the view switches when it arrives."""
        env = resolve_environment(path)
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

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """The outdated check turns the spinner; a failure is a notification (and a title)."""
        worker = event.worker
        if worker.group == "outdated":
            if event.state == WorkerState.RUNNING:
                self.post_message(BusyStarted("checking for newer versions"))
            elif event.state in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
                self.post_message(BusyEnded())
                if event.state != WorkerState.SUCCESS:
                    self._when_latest = None
        if event.state != WorkerState.ERROR:
            return
        if worker.group == "inventory" and self.inventory is None:
            self.table.border_title = "could not list packages"
        if worker.group == "outdated":
            self.post_message(OutdatedChecked(self.env, None))
        self.notify(error_text(worker.error), title=worker.description, severity="error")

    # ------------------------------------------------------------------ results (then they bubble to the screen)

    @on(InventoryLoaded)
    def _inventory_loaded(self, message: InventoryLoaded) -> None:
        """Show the new listing; a refresh of the same environment keeps cursor and scroll."""
        if message.env.path != self.env.path:
            self.latest = None
            self.issues = []
            self.broken = {}
        elif self.latest is not None:
            # What was just upgraded (by a job, or by anyone) is no longer outdated.
            self.latest = still_outdated(self.latest, message.inventory)
            self.table.update_marks(latest=self.latest)
        self.env = message.env
        self.inventory = message.inventory
        self.index = message.index
        self._recompute_members()
        self._refilter()
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
        """Mark broken packages."""
        if message.env.path != self.env.path:
            message.stop()
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

    @on(OutdatedChecked)
    def _outdated_checked(self, message: OutdatedChecked) -> None:
        """Fill the Latest column and the Outdated view; go on with what waited for them."""
        if message.env.path != self.env.path:
            message.stop()
            return
        self.latest = message.latest
        if message.latest is None:  # the index could not answer
            return
        self.table.update_marks(latest=message.latest)
        self._recompute_members()
        self._refilter()
        count = len(message.latest)
        self.notify(f"{count} outdated package{'s' if count != 1 else ''}", title="Newer versions")
        then, self._when_latest = self._when_latest, None
        if then is not None and self.inventory is not None:
            self.call_after_refresh(then, self.inventory, message.latest)

    # ------------------------------------------------------------------ filtering

    def _recompute_members(self) -> None:
        self._members = self.index.members(self.view, outdated=self.latest, broken=self.broken)

    def _refilter(self) -> None:
        """Run the pure filter and hand the result to the table (cheap: it paints visible rows only)."""
        keys = self.index.select(self.filter_text, self.sort_by, self._members)
        table = self.table
        table.set_rows(keys, self.index.packages, latest=self.latest or {}, broken=set(self.broken))
        filtered = bool(self.filter_text.strip()) or self._members is not None
        title = count_text(len(keys), len(self.index), filtered)
        if self._members is not None and self.filter_text.strip():
            # The filter works within the view: say so, and how many match in all packages, so
            # "0 of 3 in AI/ML" never reads as "not installed".
            everywhere = len(self.index.select(self.filter_text, "name", None))
            title = f"{len(keys):,} of {len(self._members):,} in {self.view.label} · {everywhere:,} in all packages"
        table.border_title = title
        sort_hint = f"sorted by {self.sort_by}"
        if self.view.kind != ALL:
            sort_hint = f"{self.view.label} · {sort_hint}"
        if table.marked:
            sort_hint = f"{len(table.marked)} marked · {sort_hint}"
        table.border_subtitle = plain(sort_hint)  # a category's name may come from the configuration

    def watch_filter_text(self) -> None:
        """Narrow the table as the user types."""
        self._refilter()

    def watch_sort_by(self) -> None:
        """Re-order the table."""
        self._refilter()

    def _filter_value_changed(self, value: str) -> None:
        """Every keystroke in the filter box (a watcher, so the box and the table repaint in one
        frame). Keys that arrive together — a held backspace, a paste, keys bunched by an SSH
        link — are filtered once, for the box's last value: at 10,000 packages each filtering
        costs milliseconds, and ten of them for one burst were most of its time."""
        if self._typed is None:
            self.call_later(self._apply_typed)
        self._typed = value

    def _apply_typed(self) -> None:
        """Filter for what the box holds now (once per burst of keys)."""
        value, self._typed = self._typed, None
        if value is not None:
            self.filter_text = value

    @on(PackageTable.MarksChanged)
    def _marks_changed(self) -> None:
        """Say in the table's subtitle how many packages are marked."""
        self._refilter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Enter is the filter box's only while it has the focus; elsewhere it goes on (to the table's details)."""
        if action == "filter_done" and not isinstance(self.screen.focused, FilterInput):
            return False
        return super().check_action(action, parameters)

    def action_filter_done(self) -> None:
        """Enter in the filter box goes to the table, at once."""
        self.screen.set_focus(self.table)
