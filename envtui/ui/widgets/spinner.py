"""A spinner and a word in the status line, shown while something runs in the background."""

from __future__ import annotations

from textual.reactive import Reactive, reactive
from textual.timer import Timer
from textual.widgets import Static

from envtui.ui import glyphs
from envtui.ui.text import plain


class Spinner(Static):
    """A spinner and a word, shown while something runs in the background (e.g. the outdated check)."""

    label: Reactive[str] = reactive("")
    """What is running, e.g. ``checking for newer versions``."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self._frame = 0
        self._timer: Timer | None = None
        self._active = 0

    @property
    def active(self) -> bool:
        """Whether the spinner is turning."""
        return self._active > 0

    def start(self, label: str) -> None:
        """Show and turn (nested starts need as many stops)."""
        self._active += 1
        self.label = label
        self.add_class("-active")
        if self._timer is None:
            self._timer = self.set_interval(0.1, self._tick, name="spinner")
        self._tick()

    def stop(self) -> None:
        """Hide when the last start is stopped."""
        self._active = max(0, self._active - 1)
        if self._active == 0:
            self.remove_class("-active")
            if self._timer is not None:
                self._timer.stop()
                self._timer = None

    def _tick(self) -> None:
        frames = glyphs.spinner_frames()
        self._frame = (self._frame + 1) % len(frames)
        self.update(plain(f"{frames[self._frame]} {self.label}"))  # the label names what the user typed
