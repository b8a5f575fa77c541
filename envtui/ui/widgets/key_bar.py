"""The footer line: the keys that matter for what has focus now, as one line of text.

Textual's ``Footer`` builds one widget per key and rebuilds them all on every focus change;
this draws a single line instead, which keeps start-up and pane switching cheap. ``? Help``
and ``q Quit`` always end the line: when the terminal is too narrow for every key, the less
important ones go first (``RANK``), never those two.
"""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, Static

#: Always shown, at the end of the line, in this order.
PINNED = ("help", "quit")
#: How much a key matters in the footer (lower stays longer); keys not named rank 50.
RANK: dict[str, int] = {
    "filter": 10,
    "jobs.install": 12,
    "jobs.upgrade": 14,
    "jobs.uninstall": 16,
    "table.mark": 18,
    "table.details": 20,
    "health.check_now": 10,
    "health.open_package": 20,
    "jobs_view.open_log": 10,
    "toggle_log": 30,
    "refresh": 35,
    "sort": 40,
    "clear_filter": 45,
}


class KeyBar(Static):
    """Shown bindings of the focused widget and its ancestors: ``key description`` pairs."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}

    def on_mount(self) -> None:
        """Follow the screen's bindings as focus moves."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self._bindings_changed, self.screen)

    def on_unmount(self) -> None:
        """Stop following."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def on_resize(self, event: events.Resize) -> None:
        """Fit the keys to the new width."""
        self._bindings_changed(self.screen)

    def items(self, screen: Screen) -> list[tuple[str, str, str]]:
        """``(binding id, key, description)`` of every key worth showing now, pinned ones last."""
        found: list[tuple[str, str, str]] = []
        pinned: dict[str, tuple[str, str, str]] = {}
        seen: set[str] = set()
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            if binding.action in seen or not binding.description or not enabled:
                continue
            ident = binding.id or binding.action
            if binding.id in PINNED:
                seen.add(binding.action)
                pinned[ident] = (ident, self.app.get_key_display(binding), binding.description)
            elif binding.show:
                seen.add(binding.action)
                found.append((ident, self.app.get_key_display(binding), binding.description))
        if isinstance(screen.focused, Input):
            # In a text box ? and q are letters: the keys that work from there are f1 and ctrl+q.
            for ident, key, description in (("help", "f1", "Help"), ("quit", "ctrl+q", "Quit")):
                pinned[ident] = (ident, self.app.get_key_display(Binding(key, ident)), description)
        return found + [pinned[ident] for ident in PINNED if ident in pinned]

    @staticmethod
    def fit(items: list[tuple[str, str, str]], width: int) -> list[tuple[str, str, str]]:
        """The items that fit in ``width`` cells, dropping the least important first (pinned ones never)."""

        def length(chosen: list[tuple[str, str, str]]) -> int:
            return sum(cell_len(f" {key} {text} ") for _, key, text in chosen)

        kept = list(items)
        droppable = sorted(
            (i for i, (ident, _, _) in enumerate(items) if ident not in PINNED),
            key=lambda i: (RANK.get(items[i][0], 50), i),
            reverse=True,
        )
        for index in droppable:
            if width <= 0 or length(kept) <= width:
                break
            kept.remove(items[index])
        return kept

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is not self.screen:
            return
        key_style = self.get_component_rich_style("key-bar--key")
        text_style = self.get_component_rich_style("key-bar--description")
        line = Text(no_wrap=True, overflow="ellipsis", end="")
        for _ident, key, description in self.fit(self.items(screen), self.size.width):
            line.append(f" {key} ", key_style)
            line.append(f"{description} ", text_style)
        self.update(line)
