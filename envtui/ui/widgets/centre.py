"""The centre of the main screen: the package view, or one of the registered views in its place."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.widgets import ContentSwitcher

from envtui.core.env.filtering import View
from envtui.ui.widgets.packages_view import PackagesView
from envtui.ui.widgets.pane_view import PaneView


class Centre(ContentSwitcher):
    """Shows the package view (filtered by a package view) or one of the views of ``envtui.ui.views``.

    Those views join just after the first paint (:meth:`add_panes`: start-up shows the table
    first, without even importing them) and stay hidden until chosen; one chosen in that first
    instant shows once it has joined.
    """

    def __init__(self, packages: PackagesView, *, id: str | None = None) -> None:
        super().__init__(initial=packages.id, id=id)
        self.packages = packages
        """The filter box and the package table."""
        self.panes: dict[str, PaneView] = {}
        """The other views, by id (empty until they join)."""
        self._wanted: View | str | None = None

    def compose(self) -> ComposeResult:
        """The package view; the other views join later."""
        yield self.packages

    def add_panes(self, panes: Mapping[str, PaneView]) -> None:
        """Mount the other views, hidden until chosen."""
        for pane_id, view in panes.items():
            view.id = pane_id
            view.display = False  # the switcher shows it when chosen
            self.panes[pane_id] = view
        self.mount_all(panes.values())

    def show(self, view: View | str) -> None:
        """Show ``view`` (a package view, or a view's id) and put the keys on it."""
        self._wanted = view
        if isinstance(view, View):
            self.current = self.packages.id
            self.focus_view(view)
            self.packages.set_view(view)
            return
        pane = self.panes.get(view)
        if pane is None or not pane.is_mounted:  # chosen in the first instant, before it joined
            self.call_after_refresh(self._show_when_mounted, view)
            return
        self.current = view
        pane.shown()
        self.focus_view(view)

    def _show_when_mounted(self, view: str) -> None:
        if self._wanted == view:
            self.show(view)

    def focus_view(self, view: View | str) -> None:
        """Focus the view's main widget: the package table, or a view's first focusable widget.

        At once, not after a refresh: keys typed right after the switch must land there (a hidden
        widget keeping the focus would send them to the hidden filter box).
        """
        if isinstance(view, View):
            self.screen.set_focus(self.packages.table)
            return
        target = next((w for w in self.panes[view].query("*") if w.can_focus), None)
        if target is not None:
            self.screen.set_focus(target)
