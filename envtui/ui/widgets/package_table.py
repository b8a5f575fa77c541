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
from envtui.ui import glyphs

#: Status marks, ASCII so they read on any console font (TERM=linux included).
MARK_BROKEN = "!"
MARK_OUTDATED = "^"
MARK_EDITABLE = "e"
#: In the first column of a row marked with space.
MARK_SELECTED = "*"
_MARKED = "package-table--marked"

#: The column header's titles.
_TITLES = dict(name="Package", version="Version", latest="Latest", category="Category", marks="!^e", summary="Summary")
#: Rendered rows kept for reuse (a few screens' worth).
ROW_CACHE_SIZE = 1024


def _fit(text: str, width: int) -> str:
    """``text`` cut or padded to exactly ``width`` cells (with an ellipsis when cut)."""
    if width <= 0:
        return ""
    if len(text) > width:
        return text[: width - 1] + glyphs.ellipsis() if width > 1 else text[:1]
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
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            tooltip="Mark this package: u and x act on every marked one",
            id="table.mark",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "package-table--header",
        "package-table--cursor",
        "package-table--cursor-blurred",
        "package-table--broken",
        "package-table--outdated",
        "package-table--editable",
        "package-table--dim",
        "package-table--marked",
    }

    cursor: Reactive[int] = reactive(0, init=False, always_update=True, repaint=False)
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

    class MarksChanged(Message):
        """The set of marked packages changed."""

        def __init__(self, table: PackageTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> PackageTable:
            """The table that sent it."""
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._keys: list[str] = []
        self._packages: Mapping[str, Package] = {}
        self._latest: Mapping[str, str] = {}
        self._broken: Collection[str] = frozenset()
        self._last_highlighted: str | None = None
        self._style_cache: dict[tuple[str, bool], Style] = {}
        self._row_cache: OrderedDict[tuple, Strip] = OrderedDict()
        self._widths_of: int | None = None
        self._widths: dict[str, int] = {}
        self.marked: set[str] = set()
        """Keys of the packages marked with space (``u``/``x`` act on them together)."""

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
        if packages is not self._packages:
            self._packages = packages
            self._widths_of = None
            if self.marked - packages.keys():
                self.marked &= packages.keys()
                self.post_message(self.MarksChanged(self))
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

    def scroll_to_cursor(self) -> None:
        """Scroll just enough to show the cursor's row (row i sits at virtual line i + 1, under the header)."""
        if not self._keys:
            return
        cursor = self.cursor
        top = self.scroll_offset.y
        visible = self._page
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + visible:
            self.scroll_to(y=cursor - visible + 1, animate=False, immediate=True)

    def watch_cursor(self, old: int, cursor: int) -> None:
        """Keep the cursor row in view, repaint the two rows that changed (all if it scrolled), and
        tell the screen what is highlighted."""
        top = self.scroll_offset.y
        self.scroll_to_cursor()
        if self.scroll_offset.y != top or old == cursor:
            self.refresh()
        else:  # row i is virtual line i + 1, under the header
            self.refresh_lines(old + 1)
            self.refresh_lines(cursor + 1)
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

    def action_toggle_mark(self) -> None:
        """Mark the package under the cursor (or unmark it) and move on to the next row."""
        package = self.current
        if package is None:
            return
        self.marked.symmetric_difference_update({package.key})
        self.post_message(self.MarksChanged(self))
        if self.cursor < len(self._keys) - 1:
            self.cursor += 1
        else:
            self.refresh()

    def marked_packages(self) -> list[Package]:
        """The marked packages that are still listed, by name."""
        return [p for p in (self._packages.get(k) for k in sorted(self.marked)) if p is not None]

    def clear_marks(self) -> bool:
        """Unmark every package; False when none was marked."""
        if not self.marked:
            return False
        self.marked.clear()
        self.post_message(self.MarksChanged(self))
        self.refresh()
        return True

    def action_select(self) -> None:
        """Ask for the details of the package under the cursor."""
        package = self.current
        if package is not None:
            self.post_message(self.Selected(self, package))

    def on_click(self, event: events.Click) -> None:
        """Clicking a row moves the cursor there; a second click on it opens details."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the border, or the column header
            return
        index = self.scroll_offset.y + offset.y - 1
        if 0 <= index < len(self._keys):
            if index == self.cursor:
                self.action_select()
            self.cursor = index

    def on_resize(self, event: events.Resize) -> None:
        """Paint the new width; keep the cursor's row on screen."""
        self.virtual_size = Size(event.size.width, len(self._keys) + 1)
        self.call_after_refresh(self.scroll_to_cursor)  # a shorter table must still show the cursor

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
            bar = self.vertical_scrollbar
            bar.window_virtual_size = height
            bar.window_size = self.container_size.height - self.scrollbar_size_horizontal
            bar.refresh()
            self.scroll_y = self.validate_scroll_y(self.scroll_y)
            self.refresh()
        else:
            self.virtual_size = size

    # ------------------------------------------------------------------ painting (visible rows only)

    def _data_widths(self) -> dict[str, int]:
        """The longest name, version and latest version of the listing (once per listing)."""
        if self._widths_of != id(self._packages) or not self._widths:
            packages = self._packages.values()
            self._widths = {
                "name": max((len(p.name) for p in packages), default=4),
                "version": max((len(p.version) for p in packages), default=7),
            }
            self._widths_of = id(self._packages)
        latest = max((len(v) for v in self._latest.values()), default=0) if self._latest else 0
        return {**self._widths, "latest": latest}

    def _columns(self, width: int) -> list[tuple[str, int]]:
        """(column, width) pairs that fit in ``width`` cells, sized to what they hold.

        Versions get their whole length (up to 24), names theirs (up to 40); what is left goes to
        the summary. Latest appears once newer versions are known. The category only shows when
        the table is wide (the left pane's views already group by it): not at 80 columns, nor
        beside the details at 120.
        """
        widths = self._data_widths()
        version = max(7, min(24, widths["version"]))
        latest = max(6, min(24, widths["latest"])) if self._latest else 0
        fixed: list[tuple[str, int]] = [("version", version)]
        if latest:
            fixed.append(("latest", latest))
        fixed.append(("marks", 3))

        def room(columns: list[tuple[str, int]]) -> int:
            return width - 1 - sum(w + 1 for _, w in columns)

        name_min = 12
        if room(fixed) < name_min and latest:
            fixed = [c for c in fixed if c[0] != "latest"]
        if room(fixed) < name_min:
            fixed = [("version", min(version, 9)), ("marks", 3)]
        name = max(4, min(room(fixed), max(name_min, min(40, widths["name"]))))
        spare = room(fixed) - name
        columns = [("name", name), *fixed]
        if spare >= 16 + 1 + 30:
            columns.insert(len(columns) - 1, ("category", 16))
            spare -= 17
        if spare >= 11:
            columns.append(("summary", spare - 1))
        else:
            columns[0] = ("name", name + max(0, spare))
        return columns

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
            elif column == "summary":
                cells.append((_fit(safe_text(package.summary), width), "package-table--dim"))
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
            package.key in self.marked,
        )
        strip = self._row_cache.get(key)
        if strip is not None:
            self._row_cache.move_to_end(key)
            return strip
        if cursor:
            row_style = self._style("package-table--cursor" if self.has_focus else "package-table--cursor-blurred")
        else:
            row_style = self._style("")
        marked = package.key in self.marked
        segments = [Segment(MARK_SELECTED if marked else " ", row_style if cursor else self._style(_MARKED))]
        for i, (text, component) in enumerate(self._cells(package, columns)):
            if i:
                segments.append(Segment(" ", row_style))
            style = row_style if not component or cursor else self._style(component)
            if marked and not cursor and i == 0:
                style = self._style(_MARKED)
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
            text = " " + " ".join(_fit(_TITLES[c], w) for c, w in columns)
            return Strip([Segment(_fit(text, width), self._style("package-table--header"))], width)
        index = self.scroll_offset.y + y - 1
        package = self._packages.get(self._keys[index]) if index < len(self._keys) else None
        if package is None:
            return Strip.blank(width, self._style(""))
        return self._row_strip(package, width, columns, index == self.cursor)

    def on_focus(self, event: events.Focus) -> None:
        """The cursor row takes its focused colour."""
        self.refresh()

    def on_blur(self, event: events.Blur) -> None:
        """The cursor row takes its blurred colour."""
        self.refresh()
