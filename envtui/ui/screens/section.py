"""In a uv project: where an install goes — main, dev, a group, an extra — or only into the environment."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

#: The answers, with their keys and what each does.
CHOICES: tuple[tuple[str, str, str], ...] = (
    ("main", "m", "main — the project's dependencies"),
    ("dev", "d", "dev — the dev group (--dev)"),
    ("group", "g", "group… — a group you name (--group)"),
    ("optional", "o", "optional… — an extra you name (--optional)"),
    ("pip", "p", "pip only — uv sync will undo this"),
)


class SectionScreen(ModalScreen[str | None]):
    """Ask where in the project an install goes; dismiss with ``main``/``dev``/``group``/``optional``/``pip``."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", tooltip="Close without doing anything", id="section.cancel"),
        *(
            Binding(key, f"choose('{answer}')", answer, show=False, tooltip=label, id=f"section.{answer}")
            for answer, key, label in CHOICES
        ),
    ]

    def __init__(self, title: str, *, choices: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.title_text = title
        """The question."""
        self.choices = choices or tuple(answer for answer, _, _ in CHOICES)
        """The answers offered (all, unless the caller narrows them)."""

    def compose(self) -> ComposeResult:
        """The question, the choices, a hint."""
        with Vertical(id="section-box"):
            yield Static(self.title_text, id="section-title", markup=False)
            yield OptionList(
                *(
                    Option(Text(f"{key}  {label}"), id=answer)
                    for answer, key, label in CHOICES
                    if answer in self.choices
                ),
                id="section-choices",
            )
            yield Static("enter chooses, escape cancels", id="section-hint", markup=False)

    def on_mount(self) -> None:
        """Focus the choices."""
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter on a choice answers with it."""
        event.stop()
        self.dismiss(event.option.id)

    def action_choose(self, answer: str) -> None:
        """A choice's key answers with it (when it is offered)."""
        if answer in self.choices:
            self.dismiss(answer)

    def action_cancel(self) -> None:
        """Escape: no answer."""
        self.dismiss(None)
