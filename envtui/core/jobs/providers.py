"""Where the job engine gets the before/after steps it runs around every change job.

Each feature that wants to run around changes (maintenance hooks, automatic snapshots with
rollback) adds one *provider* to ``STEP_PROVIDERS``: a function ``(env, config) -> (before,
after)`` returning lists of :class:`~envtui.core.jobs.steps.Step` (see that module for what a
step may do). Plugging one in is a one-line addition to that list.

Order is a stack: before-steps run in provider order, after-steps in reverse provider order.
So with ``[snapshots, hooks]`` a job runs: take a snapshot, stop the service, uv, start the
service, check a rollback. The snapshot comes first so that it is not part of the outage. A
project's rollback puts its pyproject.toml and uv.lock back last in before-order, so first after
uv: the files are restored before the service starts and before the keep-trust and snapshot
after-steps look at them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.jobs.hooks import hook_provider
from envtui.core.jobs.project_restore import project_restore_provider
from envtui.core.jobs.project_trust import keep_trust_provider
from envtui.core.jobs.snapshot_step import snapshot_provider
from envtui.core.jobs.steps import Step

#: ``(env, config) -> (before_steps, after_steps)``.
StepProvider = Callable[[Environment, Config], tuple[Sequence[Step], Sequence[Step]]]

#: Every provider, in before-order. Add a feature's provider here (one line).
STEP_PROVIDERS: list[StepProvider] = [snapshot_provider, keep_trust_provider, hook_provider, project_restore_provider]


def collect_steps(env: Environment, config: Config | None = None) -> tuple[list[Step], list[Step]]:
    """The before-steps and after-steps for a job on ``env``, from every provider."""
    config = config or Config()
    before: list[Step] = []
    after_groups: list[Sequence[Step]] = []
    for provider in STEP_PROVIDERS:
        steps_before, steps_after = provider(env, config)
        before.extend(steps_before)
        after_groups.append(steps_after)
    after = [step for group in reversed(after_groups) for step in group]
    return before, after
