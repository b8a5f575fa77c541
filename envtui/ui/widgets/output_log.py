"""A program's output in a pane that keeps a bounded store of lines and paints only the rows on screen.

Textual's ``Log`` does per-line work on every write (a thread measuring each line's width) and
its painting goes through private hooks; this widget is a plain ``ScrollView`` on Textual's line
API instead. Writing costs no work per line: the lines are split in one call and appended to a
deque capped at ``max_lines``; the width is measured on the longest new line only. Painting
(:meth:`OutputLog.render_line`) is the only place a line is looked at, and only the rows on
screen are painted, each once (the strip is cached per line until the styles change).

Output is untrusted text: a line is shown through the display boundary, its SGR colour codes
parsed into styles (:func:`envtui.ui.text.sgr_line`) and every other control character shown as
a visible escape. Nothing reaches the terminal as bytes.

More lines never re-lay out the screen: ``virtual_size`` is not a layout reactive here (CSS
sizes the pane) and both scrollbars are always shown, so a new extent repaints this pane and
its scrollbars alone.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from rich.cells import cell_len
from rich.highlighter import Highlighter, NullHighlighter
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.geometry import Size
from textual.reactive import Reactive
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip

from envtui.core.display import safe_text
from envtui.ui.text import sgr_line

#: Painted lines remembered (a few screens' worth), so scrolling back costs no repaint of text.
STRIP_CACHE_SIZE = 1024


def shown_line(line: str) -> Text:
    """One line of output as the pane shows it: tabs expanded, colour codes as styles, the rest made safe."""
    line = line.expandtabs()
    if "\x1b" not in line and "\x9b" not in line:
        return Text(safe_text(line))
    return sgr_line(line)


class OutputLog(ScrollView, can_focus=True):
    """Lines of output, scrollable both ways; the last ``max_lines`` kept (all when None)."""

    ALLOW_SELECT = True
    DEFAULT_CSS = """
    OutputLog {
        background: $surface;
        color: $text;
        overflow: scroll;
        &:focus {
            background-tint: $foreground 5%;
        }
    }
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """How far the lines reach. Not a layout reactive (a widget's is): the pane's size comes from
    CSS, so more lines must repaint the pane, not re-lay out (and repaint) the whole screen."""

    def __init__(
        self,
        *,
        max_lines: int | None = None,
        auto_scroll: bool = True,
        highlight: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._store: deque[str] = deque(maxlen=max_lines)
        self._first = 0  # the number, since the last clear, of the oldest line kept
        self._widest = 0
        self._strips: LRUCache[int, Strip] = LRUCache(STRIP_CACHE_SIZE)
        self._pane_style: dict[bool, Style] = {}
        self._line_highlighter: Highlighter = NullHighlighter()
        self._highlight = highlight
        self.auto_scroll = auto_scroll
        """Follow new lines while the view is at the end (scrolled up, it stays where it is)."""
        self._following = True
        """Whether the view was at the end when its scroll position last moved. A resize that
        shrinks the pane (or folds it) leaves the position where it was and so short of the new
        end: "at the end" must be what the reader left it at, not what the new size makes it."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """Note whether the reader is at the end (scrolling up stops following; back at the end, it follows)."""
        super().watch_scroll_y(old_value, new_value)
        self._following = self.is_vertical_scroll_end

    def on_resize(self) -> None:
        """A pane that was following shows the end at its new size."""
        if self._following and self.auto_scroll:
            self.scroll_end(animate=False, immediate=True, x_axis=False)

    # ------------------------------------------------------------------ what it holds

    @property
    def max_lines(self) -> int | None:
        """How many lines are kept (the oldest go first); None keeps every line."""
        return self._store.maxlen

    @property
    def lines(self) -> list[str]:
        """The lines kept, as written (a copy: changing it changes nothing shown)."""
        return list(self._store)

    @property
    def line_count(self) -> int:
        """How many lines are kept."""
        return len(self._store)

    @property
    def highlighter(self) -> Highlighter:
        """What colours a painted line after its own colour codes, while :attr:`highlight` is on."""
        return self._line_highlighter

    @highlighter.setter
    def highlighter(self, value: Highlighter) -> None:
        self._line_highlighter = value
        self._repaint_all()

    @property
    def highlight(self) -> bool:
        """Whether :attr:`highlighter` runs (a line's own colours always show)."""
        return self._highlight

    @highlight.setter
    def highlight(self, value: bool) -> None:
        self._highlight = bool(value)
        self._repaint_all()

    # ------------------------------------------------------------------ writing (method calls down)

    def write_line(self, line: str, scroll_end: bool | None = None) -> OutputLog:
        """Add one line (a batch through :meth:`write_lines` is cheaper per line)."""
        return self.write_lines([line], scroll_end)

    def write_lines(self, lines: Iterable[str], scroll_end: bool | None = None) -> OutputLog:
        """Add lines at the end and repaint the pane, with no work per line.

        The lines are split in one call (a line holding a newline becomes two); the width grows
        to the longest new line's. Following the end (``scroll_end``, else :attr:`auto_scroll`)
        happens only when the view was at the end; scrolled up, the lines in view stay in view
        while older ones are dropped.
        """
        batch = lines if isinstance(lines, list) else list(lines)
        if not batch:
            return self
        new = "\n".join(batch).splitlines()
        if not batch[-1]:
            new.append("")  # splitlines drops a trailing empty line: output may end with one
        at_end = self._following or self.is_vertical_scroll_end
        store = self._store
        dropped = 0 if store.maxlen is None else max(0, len(store) + len(new) - store.maxlen)
        store.extend(new)
        self._first += dropped
        longest = max(new, key=len)
        self._set_extent(max(self._widest, cell_len(shown_line(longest).plain)))
        follow = self.auto_scroll if scroll_end is None else scroll_end
        if at_end and follow and not self.is_vertical_scrollbar_grabbed:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        elif dropped and self.scroll_offset.y:
            self.scroll_to(y=max(0, self.scroll_offset.y - dropped), animate=False, immediate=True)
        # Once full, the rows shift under a scroll position that may not move: repaint them.
        self.refresh()
        return self

    def clear(self) -> OutputLog:
        """Remove every line and go back to the start."""
        self._store.clear()
        self._first = 0
        self._strips.clear()
        self._set_extent(0)
        self.scroll_home(animate=False, immediate=True)
        self.refresh()
        return self

    def _set_extent(self, width: int) -> None:
        """Take the new extent; repaint this pane and its scrollbars, not the screen's layout."""
        self._widest = width
        size = Size(width, len(self._store))
        if size == self.virtual_size:
            return
        self.virtual_size = size
        if not self.is_mounted:
            return
        styles = self.styles
        if styles.overflow_x != "scroll" or styles.overflow_y != "scroll":
            self.refresh(layout=True)  # a scrollbar may come or go: only a layout can say
            return
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.window_virtual_size = size.height
        if self.show_horizontal_scrollbar:
            self.horizontal_scrollbar.window_virtual_size = size.width

    # ------------------------------------------------------------------ painting (visible rows only)

    def _repaint_all(self) -> None:
        """Forget every painted line and repaint the pane."""
        self._strips.clear()
        self.refresh()

    def notify_style_update(self) -> None:
        """The theme, the CSS or the focus changed: forget the painted lines."""
        super().notify_style_update()
        self._strips.clear()
        self._pane_style.clear()

    def _style(self) -> Style:
        """The pane's own style, per focus state (working it out walks the DOM: not once a row)."""
        style = self._pane_style.get(self.has_focus)
        if style is None:
            style = self._pane_style[self.has_focus] = self.rich_style
        return style

    def render_line(self, y: int) -> Strip:
        """Row ``y`` of the pane: the line under it, cut to the horizontal scroll."""
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self._style()
        if index >= len(self._store):
            return Strip.blank(width, style)
        strip = self._line_strip(index, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style).apply_offsets(scroll_x, index)

    def _line_strip(self, index: int, style: Style) -> Strip:
        """Line ``index`` painted whole: its own colours, the highlighter, the selection (cached without one)."""
        selection = self.text_selection
        key = self._first + index
        if selection is None:
            cached = self._strips.get(key)
            if cached is not None:
                return cached
        text = shown_line(self._store[index])
        text.style = style
        if self._highlight:
            self._line_highlighter.highlight(text)
        if selection is not None:
            span = selection.get_span(index)
            if span is not None:
                start, end = span
                text.stylize(
                    self.screen.get_component_rich_style("screen--selection"),
                    start,
                    len(text) if end == -1 else end,
                )
        strip = Strip(text.render(self.app.console), text.cell_len)
        if selection is None:
            self._strips[key] = strip
        return strip

    # ------------------------------------------------------------------ copying

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """The selected text as shown (escapes visible, colour codes gone)."""
        return selection.extract("\n".join(shown_line(line).plain for line in self._store)), "\n"

    def selection_updated(self, selection: Selection | None) -> None:
        """Repaint with the new selection."""
        self._repaint_all()
