"""Every action on the current screen, for the command palette (ctrl+p) and the help screen.

Actions are read from the bindings of the app, the screen and the package table, so a binding
added anywhere (for example by the job work) shows up in the palette and in ``?`` help with no
second list to keep in sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Protocol, runtime_checkable

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

#: Actions that are plumbing, not something to offer by name.
_HIDDEN_ACTIONS = frozenset(
    {"app.focus_next", "app.focus_previous", "focus_next", "focus_previous", "command_palette", "app.command_palette"}
)


@runtime_checkable
class PaletteActions(Protocol):
    """A node (the app) with actions offered by name in the palette without a key of their own."""

    PALETTE_ACTIONS: ClassVar[list[tuple[str, str, str]]]
    """``(title, help, action)`` of each."""


@dataclass(frozen=True)
class Action:
    """One thing the user can do: its description, keys and where it runs."""

    title: str
    help: str
    keys: str
    action: str
    namespace: DOMNode
    group: str


def _key_display(node: DOMNode, key: str) -> str:
    try:
        return node.app.get_key_display(Binding(key, ""))
    except Exception:
        return key


def _live_bindings(node: DOMNode) -> Iterable[tuple[str, Binding]]:
    """Every ``(key, binding)`` of ``node`` as the user's keymap left it.

    Textual reads these through its private ``_bindings``, and offers nothing public for a node
    that is not in the focus chain (the help lists the package table's keys while a view has
    the focus). This is the one place envtui reads Textual's private state.
    """
    return node._bindings


def _declared(owner: DOMNode) -> dict[str, Binding]:
    """Bindings declared by envtui's own classes (not Textual's built-in scrolling and copying)."""
    declared: dict[str, Binding] = {}
    for cls in reversed(type(owner).__mro__):
        if not cls.__module__.startswith("envtui."):
            continue
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding):
                declared[binding.action] = binding
    return declared


def screen_actions(screen: Screen) -> list[Action]:
    """The actions reachable on ``screen``: app-wide, screen, then the package table's.

    Only actions declared by envtui's classes (and those added by other parts of envtui, like
    the job keys) are listed; keys come from the live bindings, so a remapped key shows as
    remapped.
    """
    owners: list[tuple[str, DOMNode]] = [("General", screen.app), ("Environment", screen)]
    try:
        from envtui.ui.widgets.package_table import PackageTable

        owners.append(("Package table", screen.query_one(PackageTable)))
    except Exception:
        pass
    actions: list[Action] = []
    for group, owner in owners:
        declared = _declared(owner)
        keys: dict[str, list[str]] = {}
        for key, binding in _live_bindings(owner):
            if binding.action in declared:
                keys.setdefault(binding.action, []).append(_key_display(owner, key))
        for action, binding in declared.items():
            if not binding.description or action in _HIDDEN_ACTIONS or action not in keys:
                continue
            actions.append(
                Action(
                    title=binding.description,
                    help=binding.tooltip or binding.description,
                    keys=", ".join(dict.fromkeys(keys[action])),
                    action=action,
                    namespace=owner,
                    group=group,
                )
            )
        if isinstance(owner, PaletteActions):
            for title, help_text, action in owner.PALETTE_ACTIONS:
                actions.append(Action(title, help_text, "", action, owner, group))
    return actions


def _label(action: Action) -> str:
    """``Title (keys)``, or the title alone for an action offered only in the palette."""
    return f"{action.title} ({action.keys})" if action.keys else action.title


class EnvtuiCommands(Provider):
    """Offers every bound action of the current screen in the command palette."""

    def _run(self, action: Action) -> None:
        self.app.call_later(self.app.run_action, action.action, action.namespace)

    async def discover(self) -> Hits:
        """All actions, before anything is typed."""
        for action in screen_actions(self.screen):
            yield DiscoveryHit(_label(action), partial(self._run, action), help=action.help)

    async def search(self, query: str) -> Hits:
        """Actions whose title, help or key match what was typed."""
        matcher = self.matcher(query)
        for action in screen_actions(self.screen):
            text = _label(action)
            score = max(matcher.match(text), matcher.match(action.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, action), text=text, help=action.help)
