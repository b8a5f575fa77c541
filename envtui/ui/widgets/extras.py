"""A package's optional extras in the details pane: one line each, unfolded on Enter or a click."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.widgets import Static

from envtui.core.env.names import requirement_key
from envtui.core.env.packages import Package
from envtui.ui import glyphs
from envtui.ui.text import plain


class ExtrasList(Static, can_focus=True):
    """``▸ socks: pysocks, win-inet-pton`` per extra; the open ones list each requirement below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter,space",
            "toggle_extra",
            "Unfold",
            tooltip="Show or hide this extra's requirements",
            id="extras.toggle",
        ),
        Binding("up,k", "move(-1)", "Up", show=False, id="extras.up"),
        Binding("down,j", "move(1)", "Down", show=False, id="extras.down"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._key: str | None = None
        self._extras: list[tuple[str, list[str]]] = []
        self._open: set[str] = set()
        self._cursor = 0
        self._rows: list[int] = []
        self._package: Package | None = None
        self._packages: Mapping[str, Package] = {}

    @property
    def extras(self) -> list[str]:
        """The extras shown, in order."""
        return [name for name, _ in self._extras]

    @property
    def opened(self) -> set[str]:
        """The extras unfolded now."""
        return set(self._open)

    def show(
        self,
        key: str | None,
        extras: Mapping[str, list[str]],
        *,
        package: Package | None,
        packages: Mapping[str, Package],
    ) -> None:
        """List ``extras`` (extra -> its requirements) of the package ``key``; all folded for a new package."""
        if key != self._key:
            self._open.clear()
            self._cursor = 0
        self._key = key
        self._extras = sorted(extras.items())
        self._package = package
        self._packages = packages
        self.display = bool(self._extras)
        self._paint()

    def _paint(self) -> None:
        from envtui.ui.widgets.details import requirement_line

        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(f"Extras ({len(self._extras)})", style="bold")
        text.append("  enter unfolds", style="dim")
        self._rows = [-1]
        for index, (extra, requirements) in enumerate(self._extras):
            is_open = extra in self._open
            line = Text()
            line.append("\n")
            line.append_text(plain(f"{glyphs.folded(is_open)} {extra}", style="bold" if is_open else ""))
            if not is_open:
                names = []
                for requirement in requirements:
                    key = requirement_key(requirement)
                    if key:
                        names.append(key)
                line.append_text(plain(": " + ", ".join(dict.fromkeys(names)), style="dim"))
            if index == self._cursor and self.has_focus:
                line.stylize("reverse", 1)
            text.append_text(line)
            self._rows.append(index)
            if is_open and self._package is not None:
                for requirement in requirements:
                    text.append("\n    ")
                    text.append_text(requirement_line(requirement.partition(";")[0], self._package, self._packages))
                    self._rows.append(index)
        self.update(text)

    def action_toggle_extra(self) -> None:
        """Unfold the extra under the cursor, or fold it again."""
        if not self._extras:
            return
        extra = self._extras[self._cursor][0]
        self._open.symmetric_difference_update({extra})
        self._paint()

    def action_move(self, step: int) -> None:
        """Move the cursor to the next or previous extra."""
        if self._extras:
            self._cursor = max(0, min(len(self._extras) - 1, self._cursor + step))
            self._paint()

    def on_click(self, event: events.Click) -> None:
        """A click on an extra's line unfolds or folds it."""
        offset = event.get_content_offset(self)
        if offset is None or not 0 <= offset.y < len(self._rows) or self._rows[offset.y] < 0:
            return
        self._cursor = self._rows[offset.y]
        self.action_toggle_extra()

    def on_focus(self, event: events.Focus) -> None:
        """Show the cursor."""
        self._paint()

    def on_blur(self, event: events.Blur) -> None:
        """Hide the cursor."""
        self._paint()
