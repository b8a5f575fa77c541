"""The filter box above the table: narrows by name and summary as you type."""

from __future__ import annotations

from textual.widgets import Input


class FilterInput(Input):
    """A one-line input; ``/`` focuses it, Escape clears it (both bound on the screen).

    The cursor does not blink: fewer repaints over a slow SSH link, and stable snapshots.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ filter by name or summary", id=id, select_on_focus=False)
        self.cursor_blink = False
