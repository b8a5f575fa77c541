"""The left pane: environments found nearby (Enter switches) and views with their counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, get_current_worker

from envtui.core.display import display_path
from envtui.core.env.environment import Environment, discover_environments
from envtui.core.env.filtering import OUTDATED, View
from envtui.core.errors import EnvtuiError
from envtui.ui import glyphs
from envtui.ui.errors import notify_failed_worker
from envtui.ui.messages import EnvironmentsFound
from envtui.ui.text import plain

_VIM_KEYS: list[BindingType] = [
    Binding("k", "cursor_up", "Up", show=False),
    Binding("j", "cursor_down", "Down", show=False),
]


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

    @property
    def paths(self) -> Sequence[Path]:
        """The environments listed, the current one first."""
        return self._paths

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

    @work(thread=True, exclusive=True, exit_on_error=False, group="discover", description="Looking for environments")
    def discover(self, env: Environment) -> None:
        """Find venvs beside ``env`` (its parent directory) and under the working directory."""
        found: list[Path] = []
        for root in dict.fromkeys([env.path.parent, Path.cwd()]):
            try:
                found += discover_environments(root, max_depth=2)
            except EnvtuiError:
                continue
            if get_current_worker().is_cancelled:
                return
        self.post_message(EnvironmentsFound(sorted(set(found))))

    @on(EnvironmentsFound)
    def _environments_found(self, message: EnvironmentsFound) -> None:
        """List the environments found."""
        if self.current is not None:
            self.set_environments(message.paths, self.current)

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        """A search that broke is a notification."""
        notify_failed_worker(self, event)

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on another environment asks the screen to open it."""
        event.stop()
        path = self._paths[event.option_index]
        if path != self.current:
            self.post_message(self.Chosen(path))


class ViewList(OptionList):
    """All, Top-level, the categories (with counts), Outdated, Problems; then the other views (Jobs, Health, …)."""

    BINDINGS: ClassVar[list[BindingType]] = _VIM_KEYS

    class Chosen(Message):
        """The user picked a view (a package view, or the id of another view)."""

        def __init__(self, view: View | str) -> None:
            super().__init__()
            self.view = view

    def __init__(
        self,
        views: Sequence[View],
        panes: Mapping[str, str],
        *,
        keys: Mapping[str, str] | None = None,
        id: str | None = None,
    ) -> None:
        """``views``: the package views; ``panes``: the other views' ids and labels, listed after
        them; ``keys``: the key that shows a view, by id (shown beside its label)."""
        super().__init__(id=id)
        self._views: list[View | str] = [*views, *panes]
        self._labels = dict(panes)
        self._keys = dict(keys or {})
        self._counts: Mapping[View, int | None] = {}
        self.border_title = "Views"

    def on_mount(self) -> None:
        """Fill the list."""
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
                line = plain(self._labels[entry], no_wrap=True, overflow="ellipsis")
                if entry in self._keys:
                    line.append(f" {self._keys[entry]}", style="dim")  # the key, where a new user looks
                self.add_option(Option(line, id=f"pane:{entry}"))
        if highlighted is not None and self.option_count:
            self.highlighted = min(highlighted, self.option_count - 1)

    def index_of(self, view: View | str) -> int | None:
        """Where ``view`` sits in the list."""
        try:
            return self._views.index(view)
        except ValueError:
            return None

    @on(OptionList.OptionSelected)
    def _option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a view asks the screen to show it."""
        event.stop()
        self.post_message(self.Chosen(self._views[event.option_index]))
