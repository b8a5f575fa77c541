"""``?``: every key on the main screen, grouped, with what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from envtui.ui.commands import screen_actions
from envtui.ui.widgets.package_table import MARK_BROKEN, MARK_EDITABLE, MARK_OUTDATED, MARK_SELECTED

#: What the key column says of an action with no key of its own: it is found by name in the palette.
PALETTE_ONLY = "palette"
#: The table's cursor keys, listed together on one line.
_MOVES = frozenset({"Up", "Down", "Page up", "Page down", "First", "Last"})
_EXTRA_KEYS: list[tuple[str, str, str]] = [
    ("General", "tab, shift+tab", "Next / previous pane"),
    ("General", "ctrl+p", "Command palette: every action by name (those marked palette have no other key)"),
]


class HelpScreen(ModalScreen[None]):
    """Full key help for the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, origin: Screen) -> None:
        super().__init__()
        self._origin = origin

    def compose(self) -> ComposeResult:
        """One table of keys, then the status marks."""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(max_width=16)
        table.add_column()
        actions = screen_actions(self._origin)
        moves = [a for a in actions if a.group == "Package table" and a.title in _MOVES]
        rows: list[tuple[str, str, str]] = [
            (a.group, a.keys or PALETTE_ONLY, a.help if a.help != a.title else a.title)
            for a in actions
            if a not in moves
        ] + _EXTRA_KEYS
        if moves:  # one line for moving about, not six
            keys = " ".join(k for a in moves for k in a.keys.split(", "))
            rows.insert(0, ("Package table", keys, "Move in the table"))
        order = {"Environment": 0, "Package table": 1, "General": 2}
        last_group = None
        for group, keys, text in sorted(rows, key=lambda r: order.get(r[0], 3)):
            table.add_row(group if group != last_group else "", keys, text)
            last_group = group
        marks = Text()
        # One mark a line: run together, a narrow terminal wrapped them and left a word alone.
        marks.append("\nMarks in the table:")
        marks.append(f"\n  {MARK_BROKEN} broken dependency or metadata")
        marks.append(f"\n  {MARK_OUTDATED} newer version available")
        marks.append(f"\n  {MARK_EDITABLE} editable install")
        marks.append(f"\n  {MARK_SELECTED} marked with space")
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys · escape to close"
            yield Static(table, id="help-keys")
            yield Static(marks, id="help-marks")
