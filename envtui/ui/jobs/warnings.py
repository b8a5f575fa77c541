"""What the confirm dialog warns about, worked out beside the preview: bounds a change breaks, hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from envtui.core.config import Config
from envtui.core.errors import EnvtuiError
from envtui.core.jobs.hooks import HookPlan, hook_plan

if TYPE_CHECKING:
    from envtui.core.env.environment import Environment
    from envtui.core.env.packages import Inventory
    from envtui.core.jobs.preview import Preview


def breaking_notes(preview: Preview, inventory: Inventory | None, env: Environment) -> list[str]:
    """``breaks capped: capped requires alpha<2.0, gets 2.0`` for each installed bound the change violates.

    Packages the change itself touches are left out: their own requirements change with them.
    """
    if inventory is None or preview.empty:
        return []
    from envtui.core.jobs.constraints import broken_by, find_holds

    changed = [c.name for c in preview.changes]
    try:
        holds = find_holds(inventory.packages, env.markers, exclude=changed)
    except EnvtuiError:
        return []
    return broken_by(preview.changes, inventory.packages, holds)


def planned_hooks(config: Config) -> tuple[HookPlan | None, str]:
    """What the hooks of the configuration in force will do, and a warning when it could not be read."""
    error = config.error
    if error is not None:
        cause = f" ({error.cause})" if error.cause else ""
        return None, f"the configuration cannot be read, so the job will stop before uv runs: {error.message}{cause}"
    return hook_plan(config), ""
