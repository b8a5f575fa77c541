"""The filter box above the table: narrows by name and summary as you type."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input


class FilterInput(Input):
    """A one-line input; ``/`` focuses it, Escape clears it (both bound on the screen).

    The cursor does not blink: fewer repaints over a slow SSH link, and stable snapshots.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)
    """Input sets this on every keystroke; as a layout reactive it re-lays out (and fully
    repaints) the whole screen each time. A one-line box with no scrollbars needs no relayout."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ filter by name or summary", id=id, select_on_focus=False)
        self.cursor_blink = False
