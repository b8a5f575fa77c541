"""The table of a centre view (Health, Jobs): vi keys like the package table, last column stretched."""

from __future__ import annotations

from collections.abc import Iterable
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

    def _stretch_last(self) -> bool:
        """Give the last column the remaining width; True when its width changed."""
        columns = self.ordered_columns
        if not columns:
            return False
        last = columns[-1]
        others = sum(column.get_render_width(self) for column in columns[:-1]) + self._row_label_column_width
        available = self.scrollable_content_region.width
        if available <= 0:
            return False
        width = max(MIN_LAST_WIDTH, available - others - 2 * self.cell_padding)
        if not last.auto_width and last.width == width:
            return False
        last.auto_width = False
        last.width = width
        return True

    def _update_dimensions(self, new_rows: Iterable) -> None:
        super()._update_dimensions(new_rows)
        if self._stretch_last():
            self._clear_caches()
            super()._update_dimensions(())
            self.refresh()

    def _on_resize(self, event: events.Resize) -> None:
        # DataTable's own _on_resize runs too (Textual calls the handler of each class in the MRO).
        if self._stretch_last():
            self._clear_caches()
            super()._update_dimensions(())
            self.refresh()
