"""Around a uv project change: keep a pyproject.toml's hooks trusted across uv's own edits.

Hooks may live in ``[tool.envtui]`` of the project's ``pyproject.toml``, trusted by the SHA-256
of the file's bytes. ``uv add`` and ``uv remove`` rewrite that file, so without care the next
job would skip the hooks as "changed since it was trusted". The before-step notes whether the
configuration the job runs with is trusted; the after-step reads the file again and trusts the
new bytes only if that was so and the configuration they hold is exactly the one trusted —
uv changed the dependencies, not the commands. A rollback that puts an older pyproject.toml back
is treated the same way. Any other edit still withdraws the trust.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from envtui.core.config import PYPROJECT_NAME, Config, load_config
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.health.trust import trust, trust_state
from envtui.core.jobs.job import Job
from envtui.core.jobs.steps import Step, StepContext

_KEY = "project_config_trusted"


@dataclass
class KeepTrust:
    """One side of a project change: note the trust (before), carry it to uv's new bytes (after)."""

    config: Config
    phase: str
    name: str = "keep hooks trusted"

    def wanted(self, job: Job) -> bool:
        """Every change job."""
        return True

    def run(self, ctx: StepContext) -> None:
        """Before: note that the configuration is trusted. After: trust uv's rewrite if only that changed it."""
        request = getattr(ctx.job, "request", None)
        project = getattr(request, "project", None)
        if project is None and getattr(request, "kind", None) == "rollback":  # it may restore pyproject.toml
            from envtui.core.project.detect import find_project

            try:
                project = find_project(ctx.env.path)
            except EnvtuiError:
                return
        path = self.config.path
        if project is None or path is None or Path(project.pyproject).resolve() != Path(path).resolve():
            return
        if self.phase == "before":
            if trust_state(self.config).trusted:
                ctx.data[_KEY] = True
            return
        if not ctx.data.get(_KEY):
            return
        try:
            now = load_config(path)
        except EnvtuiError as exc:  # unreadable now: the next job's hooks step refuses it
            ctx.emit("envtui", f"{Path(path).name}: trust not carried over: {exc.message}")
            return
        if now.digest == self.config.digest or trust_state(now).trusted:
            return
        if dataclasses.replace(now, digest=self.config.digest) == self.config:
            trust(now)
            ctx.emit("envtui", f"{Path(path).name}: uv changed its dependencies only; its hooks stay trusted")


def keep_trust_provider(env: Environment, config: Config) -> tuple[list[Step], list[Step]]:
    """The step provider: steps only when the configuration with hooks is a ``pyproject.toml``."""
    if config.path is None or Path(config.path).name != PYPROJECT_NAME or not config.hooks:
        return [], []
    return [KeepTrust(config, "before")], [KeepTrust(config, "after")]
