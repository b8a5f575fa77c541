"""The left pane: environments found nearby (Enter switches) and views with their counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from envtui.core.env.filtering import OUTDATED, View
from envtui.ui import glyphs
from envtui.ui.text import plain

_VIM_KEYS: list[BindingType] = [
    Binding("k", "cursor_up", "Up", show=False),
    Binding("j", "cursor_down", "Down", show=False),
]


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory when under it, else with ``~`` for home."""
    cwd = cwd or Path.cwd()
    try:
        relative = path.resolve().relative_to(cwd.resolve())
        return str(relative) if str(relative) != "." else "."
    except (ValueError, OSError):
        pass
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)


class EnvironmentList(OptionList):
    """Virtual environments found near the open one; Enter switches to the highlighted one."""

    BINDINGS: ClassVar[list[BindingType]] = _VIM_KEYS

    class Chosen(Message):
        """The user asked to open another environment."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._paths: list[Path] = []
        self.current: Path | None = None
        """The environment shown now (marked in the list)."""

    def set_environments(self, paths: Sequence[Path], current: Path) -> None:
        """List ``paths``, marking ``current``."""
        self.current = current
        unique = list(dict.fromkeys([current, *paths]))
        self._paths = sorted(unique, key=lambda p: (p != current, str(p)))
        self.clear_options()
        for path in self._paths:
            mark = f"{glyphs.current()} " if path == current else "  "
            self.add_option(Option(plain(mark + display_path(path), no_wrap=True, overflow="ellipsis")))
        self.border_title = f"Environments ({len(self._paths)})"

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        path = self._paths[event.option_index]
        if path != self.current:
            self.post_message(self.Chosen(path))


class ViewList(OptionList):
    """All, Top-level, the categories (with counts), Outdated, Problems; plus views others add."""

    BINDINGS: ClassVar[list[BindingType]] = _VIM_KEYS

    class Chosen(Message):
        """The user picked a view (a package view, or the id of a pane added with ``add_pane``)."""

        def __init__(self, view: View | str) -> None:
            super().__init__()
            self.view = view

    def __init__(self, views: Sequence[View], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._views: list[View | str] = list(views)
        self._labels: dict[str, str] = {}
        self._counts: Mapping[View, int | None] = {}
        self.border_title = "Views"

    def on_mount(self) -> None:
        """Fill the list."""
        self._rebuild()

    def add_entry(self, pane_id: str, label: str) -> None:
        """Add a non-package view (e.g. Health) that shows the pane ``pane_id`` when chosen."""
        if pane_id not in self._views:
            self._views.append(pane_id)
            self._labels[pane_id] = label
            self._rebuild()

    def set_counts(self, counts: Mapping[View, int | None]) -> None:
        """Show how many packages each view holds (None: not known yet)."""
        self._counts = counts
        self._rebuild()

    def _rebuild(self) -> None:
        highlighted = self.highlighted
        self.clear_options()
        for entry in self._views:
            if isinstance(entry, View):
                count = self._counts.get(entry)
                shown = "" if count is None else f"{count:,}"
                line = Text(no_wrap=True, overflow="ellipsis")
                line.append_text(plain(entry.label))  # a category may come from the configuration
                if shown:
                    line.append(f" {shown}", style="dim")
                elif entry.kind == OUTDATED:
                    line.append(" (o)", style="dim")  # not known until asked: o asks
                self.add_option(Option(line, id=entry.id))
            else:
                self.add_option(Option(plain(self._labels[entry], no_wrap=True), id=f"pane:{entry}"))
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def index_of(self, view: View | str) -> int | None:
        """Where ``view`` sits in the list."""
        try:
            return self._views.index(view)
        except ValueError:
            return None

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Chosen(self._views[event.option_index]))
