"""Job steps of a project change: keep a pyproject.toml's hooks trusted across uv's own edits.

Hooks may live in ``[tool.envtui]`` of the project's ``pyproject.toml``, trusted by the file's
SHA-256. ``uv add`` and ``uv remove`` rewrite that file, so without care the next job would
skip the hooks as "changed since it was trusted". The before-step notes the file's bytes and
its ``[tool.envtui]`` table when the file is trusted; the after-step trusts the new bytes only
if the file was trusted before the job and its ``[tool.envtui]`` table is exactly as it was —
uv changed the dependencies, not the commands. Any other edit still withdraws the trust.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envtui.core.errors import EnvtuiError
from envtui.core.jobs.steps import Step, StepContext
from envtui.core.project.detect import read_toml

_KEY = "project_trusted_table"


def _table(path: Path) -> Any:
    tool = read_toml(path).get("tool")
    return tool.get("envtui") if isinstance(tool, dict) else None


@dataclass
class KeepTrust:
    """Around a project change: carry the trust of the pyproject.toml that holds the hooks."""

    path: Path
    phase: str
    name: str = "keep hooks trusted"

    def run(self, ctx: StepContext) -> None:
        """Before: note the trusted table. After: re-trust the new bytes when only uv's edits changed them."""
        request = getattr(ctx.job, "request", None)
        project = getattr(request, "project", None)
        if project is None or Path(project.pyproject).resolve() != self.path:
            return
        from envtui.core.health.trust import file_digest, trust, trust_state

        try:
            if self.phase == "before":
                if trust_state(self.path).trusted:
                    ctx.data[_KEY] = _table(self.path)
                return
            if _KEY not in ctx.data or trust_state(self.path).trusted:
                return
            if _table(self.path) == ctx.data[_KEY]:
                trust(self.path, file_digest(self.path))
                ctx.emit("envtui", f"{self.path.name}: uv changed its dependencies only; its hooks stay trusted")
        except EnvtuiError as exc:  # an unreadable file is for the next job's hooks step to refuse
            ctx.emit("envtui", f"{self.path.name}: trust not carried over: {exc.message}")


def keep_trust_provider(env: object, config: object) -> tuple[list[Step], list[Step]]:
    """The step provider: steps only when the configuration is a ``pyproject.toml``'s ``[tool.envtui]``."""
    from envtui.core.config import PYPROJECT_NAME, Config, load_config

    if not isinstance(config, Config):
        try:
            config = load_config(config if isinstance(config, (str, os.PathLike)) else None)
        except EnvtuiError:
            return [], []
    if config.path is None or Path(config.path).name != PYPROJECT_NAME or not config.hooks:
        return [], []
    path = Path(config.path).resolve()
    return [KeepTrust(path, "before")], [KeepTrust(path, "after")]
