"""The package table: a virtualised list that renders only the rows on screen (Textual's line API).

Textual's DataTable needs about a second to add 10,000 rows, so a rebuild per keystroke cannot
work. This widget holds a list of row keys (the result of the pure filter in
``envtui.core.env.filtering``) and a mapping to packages; replacing the list is O(1) for the widget,
and painting costs only the visible lines. Updates keep the cursor on the same package (keyed by
canonical name) and keep the scroll position.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Collection, Mapping, Sequence
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from envtui.core.display import safe_text
from envtui.core.env.packages import Package

#: Status marks, ASCII so they read on any console font (TERM=linux included).
MARK_BROKEN = "!"
MARK_OUTDATED = "^"
MARK_EDITABLE = "e"
#: Rendered rows kept for reuse (a few screens' worth).
ROW_CACHE_SIZE = 1024


def _fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (with an ellipsis when cut)."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + "…" if width > 1 else text[:1]
    return text.ljust(width)


class PackageTable(ScrollView, can_focus=True):
    """Installed packages, one per row: name, version, latest, category and status marks."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.page_down"),
        Binding("home,g", "first", "First", show=False, id="table.first"),
        Binding("end,G", "last", "Last", show=False, id="table.last"),
        Binding("enter", "select", "Details", tooltip="Show this package's details", id="table.details"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "package-table--header",
        "package-table--cursor",
        "package-table--cursor-blurred",
        "package-table--broken",
        "package-table--outdated",
        "package-table--editable",
        "package-table--dim",
    }

    cursor: Reactive[int] = reactive(0, init=False, always_update=True)
    """Index of the highlighted row within the shown rows."""

    class _PackageMessage(Message):
        """A message about one package of the table (the two below differ only in meaning)."""

        def __init__(self, table: PackageTable, package: Package | None) -> None:
            super().__init__()
            self.table = table
            self.package = package

        @property
        def control(self) -> PackageTable:
            """The table that sent it."""
            return self.table

    class Highlighted(_PackageMessage):
        """The cursor moved to another package (or the table became empty: ``package`` None)."""

    class Selected(_PackageMessage):
        """Enter (or a click) on a package: show its details."""

        package: Package

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._keys: list[str] = []
        self._packages: Mapping[str, Package] = {}
        self._latest: Mapping[str, str] = {}
        self._broken: Collection[str] = frozenset()
        self._last_highlighted: str | None = None
        self._style_cache: dict[tuple[str, bool], Style] = {}
        self._row_cache: OrderedDict[tuple, Strip] = OrderedDict()

    # ------------------------------------------------------------------ data (method calls down)

    @property
    def row_count(self) -> int:
        """How many rows are shown."""
        return len(self._keys)

    @property
    def keys(self) -> Sequence[str]:
        """The shown rows' keys, in display order."""
        return self._keys

    @property
    def current(self) -> Package | None:
        """The package under the cursor."""
        if 0 <= self.cursor < len(self._keys):
            return self._packages.get(self._keys[self.cursor])
        return None

    def set_rows(
        self,
        keys: Sequence[str],
        packages: Mapping[str, Package],
        *,
        latest: Mapping[str, str] | None = None,
        broken: Collection[str] | None = None,
    ) -> None:
        """Show ``keys`` (in order); the cursor stays on the same package when it is still shown."""
        previous = self.current.key if self.current else None
        self._keys = list(keys)
        self._packages = packages
        if latest is not None:
            self._latest = latest
        if broken is not None:
            self._broken = broken
        self._set_virtual_height(len(self._keys) + 1)
        index = self.cursor
        if previous is not None:
            try:
                index = self._keys.index(previous)
            except ValueError:
                index = 0
        self.cursor = max(0, min(index, len(self._keys) - 1))
        self.refresh()

    def update_marks(self, *, latest: Mapping[str, str] | None = None, broken: Collection[str] | None = None) -> None:
        """New latest versions or broken set: repaint in place, rows unchanged."""
        if latest is not None:
            self._latest = latest
        if broken is not None:
            self._broken = broken
        self.refresh()

    def move_to(self, key: str) -> bool:
        """Put the cursor on the package ``key``; False when it is not shown."""
        try:
            self.cursor = self._keys.index(key)
        except ValueError:
            return False
        return True

    # ------------------------------------------------------------------ cursor and scrolling

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor(self, cursor: int) -> None:
        """Keep the cursor row in view and tell the screen what is highlighted."""
        # Row i sits at virtual line i + 1 (line 0 is the fixed header).
        if self._keys:
            top = self.scroll_offset.y
            visible = self._page
            if cursor < top:
                self.scroll_to(y=cursor, animate=False, immediate=True)
            elif cursor >= top + visible:
                self.scroll_to(y=cursor - visible + 1, animate=False, immediate=True)
        self.refresh()
        package = self.current
        key = package.key if package else None
        if key != self._last_highlighted:
            self._last_highlighted = key
            self.post_message(self.Highlighted(self, package))

    def action_cursor_up(self) -> None:
        """Move up one row."""
        if self.cursor > 0:
            self.cursor -= 1

    def action_cursor_down(self) -> None:
        """Move down one row."""
        if self.cursor < len(self._keys) - 1:
            self.cursor += 1

    def action_page_up(self) -> None:
        """Move up one screenful."""
        self.cursor = max(0, self.cursor - self._page)

    def action_page_down(self) -> None:
        """Move down one screenful."""
        self.cursor = max(0, min(len(self._keys) - 1, self.cursor + self._page))

    def action_first(self) -> None:
        """Go to the first row."""
        self.cursor = 0

    def action_last(self) -> None:
        """Go to the last row."""
        self.cursor = max(0, len(self._keys) - 1)

    def action_select(self) -> None:
        """Ask for the details of the package under the cursor."""
        package = self.current
        if package is not None:
            self.post_message(self.Selected(self, package))

    def _on_click(self, event: events.Click) -> None:
        """Clicking a row moves the cursor there; a second click on it opens details."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the border, or the column header
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._keys):
            if index == self.cursor:
                self.action_select()
            self.cursor = index

    def _on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self._keys) + 1)

    def _set_virtual_height(self, height: int) -> None:
        """Set how many lines there are to scroll through, without a relayout when possible.

        ``virtual_size`` is a layout reactive: assigning it re-lays out and fully repaints the
        whole screen, which would dominate a keystroke. The vertical scrollbar is always shown
        (``overflow-y: scroll`` in the stylesheet), so a new height changes nothing but this
        widget and its scrollbar: update those alone.
        """
        size = Size(self.size.width, height)
        if size == self.virtual_size:
            return
        if self.is_mounted and self.styles.overflow_y == "scroll" and self.size.width:
            self.set_reactive(PackageTable.virtual_size, size)
            self._scroll_update(size)
            self.refresh()
        else:
            self.virtual_size = size

    # ------------------------------------------------------------------ painting (visible rows only)

    def _columns(self, width: int) -> list[tuple[str, int]]:
        """(column, width) pairs that fit in ``width`` cells; narrow terminals drop columns.

        Latest appears once newer versions are known; category only when the name keeps room.
        """
        name_min = 18
        fixed: list[tuple[str, int]] = [("version", 12)]
        if self._latest:
            fixed.append(("latest", 12))
        fixed.append(("category", 16))
        fixed.append(("marks", 3))

        def room(columns: list[tuple[str, int]]) -> int:
            return width - 1 - sum(w + 1 for _, w in columns)

        for optional in ("category", "latest"):
            if room(fixed) < name_min:
                fixed = [c for c in fixed if c[0] != optional]
        if room(fixed) < name_min:
            fixed = [("version", 9), ("marks", 3)]
        return [("name", max(4, room(fixed))), *fixed]

    def _cells(self, package: Package, columns: list[tuple[str, int]]) -> list[tuple[str, str]]:
        """(text, component) per column for one row; component "" means the row's own style.

        Names, versions and categories come from package metadata: they pass the display
        boundary before they become segments (which go to the terminal as they are).
        """
        latest = self._latest.get(package.key, "")
        broken = bool(package.problems) or package.key in self._broken
        cells: list[tuple[str, str]] = []
        for column, width in columns:
            if column == "name":
                cells.append((_fit(safe_text(package.name), width), ""))
            elif column == "version":
                cells.append((_fit(safe_text(package.version), width), ""))
            elif column == "latest":
                cells.append((_fit(safe_text(latest), width), "package-table--outdated" if latest else ""))
            elif column == "category":
                cells.append((_fit(safe_text(package.category), width), "package-table--dim"))
            elif column == "marks":
                marks = (
                    (MARK_BROKEN if broken else " ")
                    + (MARK_OUTDATED if latest else " ")
                    + (MARK_EDITABLE if package.editable else " ")
                )
                style = (
                    "package-table--broken"
                    if broken
                    else "package-table--outdated"
                    if latest
                    else "package-table--editable"
                )
                cells.append((_fit(marks, width), style))
        return cells

    def notify_style_update(self) -> None:
        """The theme or CSS changed: forget cached styles and rows."""
        super().notify_style_update()
        self._style_cache.clear()
        self._row_cache.clear()

    def _style(self, component: str) -> Style:
        """The widget's style plus ``component`` ("" for the plain row), cached per focus state.

        Computing a Rich style walks the DOM; per cell per line per keystroke that adds up.
        """
        key = (component, self.has_focus)
        style = self._style_cache.get(key)
        if style is None:
            style = self.rich_style
            if component:
                style = style + self.get_component_rich_style(component)
            self._style_cache[key] = style
        return style

    def _row_strip(self, package: Package, width: int, columns: list[tuple[str, int]], cursor: bool) -> Strip:
        """One row, cached: rows that come back (widening a filter) are not rebuilt."""
        latest = self._latest.get(package.key, "")
        broken = bool(package.problems) or package.key in self._broken
        key = (
            package.key,
            package.name,
            package.version,
            package.category,
            package.editable,
            latest,
            broken,
            tuple(columns),
            cursor,
            cursor and self.has_focus,
        )
        strip = self._row_cache.get(key)
        if strip is not None:
            self._row_cache.move_to_end(key)
            return strip
        if cursor:
            row_style = self._style("package-table--cursor" if self.has_focus else "package-table--cursor-blurred")
        else:
            row_style = self._style("")
        segments = [Segment(" ", row_style)]
        for i, (text, component) in enumerate(self._cells(package, columns)):
            if i:
                segments.append(Segment(" ", row_style))
            style = row_style if not component or cursor else self._style(component)
            segments.append(Segment(text, style))
        used = sum(len(s.text) for s in segments)
        if used < width:
            segments.append(Segment(" " * (width - used), row_style))
            strip = Strip(segments, width)
        else:
            strip = Strip(segments, used).crop(0, width)
        self._row_cache[key] = strip
        if len(self._row_cache) > ROW_CACHE_SIZE:
            self._row_cache.popitem(last=False)
        return strip

    def render_line(self, y: int) -> Strip:
        """Line 0 is the column header; every other line is one row, offset by the scroll."""
        width = self.scrollable_content_region.width
        columns = self._columns(width)
        if y == 0:
            titles = {
                "name": "Package",
                "version": "Version",
                "latest": "Latest",
                "category": "Category",
                "marks": "!^e",
            }
            text = " " + " ".join(_fit(titles[c], w) for c, w in columns)
            return Strip([Segment(_fit(text, width), self._style("package-table--header"))], width)
        index = self.scroll_offset.y + y - 1
        package = self._packages.get(self._keys[index]) if index < len(self._keys) else None
        if package is None:
            return Strip.blank(width, self._style(""))
        return self._row_strip(package, width, columns, index == self.cursor)

    def _on_focus(self, event: events.Focus) -> None:
        self.refresh()

    def _on_blur(self, event: events.Blur) -> None:
        self.refresh()
