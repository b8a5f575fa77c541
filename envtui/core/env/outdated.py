"""Newer versions after the fact: which still apply once the environment changed, and what
"upgrade all" takes (top-level packages, and those the user installed by name) or leaves."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from envtui.core.env.packages import Inventory, Package


def still_outdated(latest: Mapping[str, str], inventory: Inventory) -> dict[str, str]:
    """The newer versions that still apply after a relisting: a package upgraded (to the newest, or
    past what the index said) or removed since the index was asked drops out."""
    from packaging.version import InvalidVersion, Version

    kept: dict[str, str] = {}
    for key, newest in latest.items():
        package = inventory.packages.get(key)
        if package is None or package.version == newest:
            continue
        try:
            if Version(package.version) >= Version(newest):
                continue
        except InvalidVersion:
            pass
        kept[key] = newest
    return kept


def upgrade_all_choice(
    inventory: Inventory, latest: Mapping[str, str], explicit: Iterable[str] = ()
) -> tuple[list[Package], list[Package]]:
    """What "upgrade all" takes, and the outdated packages it leaves to what requires them.

    It takes the outdated top-level packages (nothing installed requires them) and those the
    user installed by name (``explicit``); an outdated dependency moves with its dependents.
    """
    asked = set(explicit)
    outdated = [p for p in inventory.sorted() if p.key in latest]
    chosen = [p for p in outdated if p.top_level or p.key in asked]
    return chosen, [p for p in outdated if p not in chosen]


def dependencies_note(left: list[Package], limit: int = 3) -> str:
    """Why "upgrade all" found nothing while packages are outdated: they are dependencies."""
    shown = "; ".join(f"{p.name} (required by {', '.join(p.required_by[:2])})" for p in left[:limit])
    more = f"; and {len(left) - limit} more" if len(left) > limit else ""
    noun = "package is" if len(left) == 1 else "packages are"
    return (
        f"No top-level package is outdated. Top-level means nothing installed requires it, or you "
        f"installed it by name with envtui. The {len(left)} outdated {noun} required by others: "
        f"{shown}{more}. Upgrade one by name (u on it), or upgrade what requires it."
    )
