"""The table of a centre view (Health, Jobs): vi keys like the package table, last column stretched."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

#: The stretched column never gets narrower than this (cells).
MIN_LAST_WIDTH = 10


class ViewTable(DataTable):
    """A row-cursor table whose last column takes the width the others leave.

    ``j``/``k``/``g``/``G`` move like in the package table. The last column (a detail text) is
    cut with an ellipsis at the table's edge instead of pushing the table into a sideways scroll.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "cursor_up", "Up", show=False, id="view_table.up"),
        Binding("j", "cursor_down", "Down", show=False, id="view_table.down"),
        Binding("g", "scroll_top", "First", show=False, id="view_table.first"),
        Binding("G", "scroll_bottom", "Last", show=False, id="view_table.last"),
    ]

    def on_mount(self) -> None:
        """Stretch the last column again whenever the table's content width changes (rows added)."""
        self.watch(self, "virtual_size", self._stretch_last, init=False)

    def on_resize(self, event: events.Resize) -> None:
        """Stretch the last column to the new width."""
        self._stretch_last()

    def _stretch_last(self) -> None:
        """Give the last column the width the others leave (at least ``MIN_LAST_WIDTH``)."""
        columns = self.ordered_columns
        available = self.scrollable_content_region.width
        if not columns or available <= 0:
            return
        last = columns[-1]
        others = self.virtual_size.width - last.get_render_width(self)  # every other column, the row labels
        width = max(MIN_LAST_WIDTH, available - others - 2 * self.cell_padding)
        if not last.auto_width and last.width == width:
            return
        last.auto_width = False
        last.width = width
        self.virtual_size = self.virtual_size.with_width(others + last.get_render_width(self))
        self.notify_style_update()  # forget the rows painted at the old width, and repaint
