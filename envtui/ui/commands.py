"""Every action on the current screen, for the command palette (ctrl+p) and the help screen.

Actions are read from the bindings of the app, the screen and the package table, so a binding
added anywhere (for example by the job work) shows up in the palette and in ``?`` help with no
second list to keep in sync.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode
from textual.screen import Screen

#: Actions that are plumbing, not something to offer by name.
_HIDDEN_ACTIONS = frozenset({"app.focus_next", "app.focus_previous", "focus_next", "focus_previous",
                             "command_palette", "app.command_palette"})


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
    except Exception:  # noqa: BLE001 - display only
        return key


def screen_actions(screen: Screen) -> list[Action]:
    """The actions reachable on ``screen``: app-wide, screen, then the package table's."""
    owners: list[tuple[str, DOMNode]] = [("General", screen.app), ("Environment", screen)]
    try:
        from envtui.ui.widgets.package_table import PackageTable

        owners.append(("Package table", screen.query_one(PackageTable)))
    except Exception:  # noqa: BLE001 - screens without a table
        pass
    found: dict[tuple[int, str], tuple[str, Binding, DOMNode, list[str]]] = {}
    for group, owner in owners:
        for key, binding in owner._bindings:
            if not binding.description or binding.action in _HIDDEN_ACTIONS or binding.system:
                continue
            entry = found.setdefault((id(owner), binding.action), (group, binding, owner, []))
            entry[3].append(_key_display(owner, key))
    actions = []
    for group, binding, owner, keys in found.values():
        actions.append(Action(
            title=binding.description,
            help=binding.tooltip or binding.description,
            keys=", ".join(dict.fromkeys(keys)),
            action=binding.action,
            namespace=owner,
            group=group,
        ))
    return actions


class EnvtuiCommands(Provider):
    """Offers every bound action of the current screen in the command palette."""

    def _run(self, action: Action) -> None:
        self.app.call_later(self.app.run_action, action.action, action.namespace)

    async def discover(self) -> Hits:
        """All actions, before anything is typed."""
        for action in screen_actions(self.screen):
            yield DiscoveryHit(f"{action.title} ({action.keys})", partial(self._run, action), help=action.help)

    async def search(self, query: str) -> Hits:
        """Actions whose title, help or key match what was typed."""
        matcher = self.matcher(query)
        for action in screen_actions(self.screen):
            text = f"{action.title} ({action.keys})"
            score = max(matcher.match(text), matcher.match(action.help) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(text), partial(self._run, action), text=text, help=action.help)
