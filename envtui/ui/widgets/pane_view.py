"""The base of the centre views beside the package views (Health, Jobs, …).

The main screen shows one view at a time in its centre. A package view is the package table;
every other view is a :class:`PaneView`, registered in ``envtui.ui.views``. The screen tells
each one what happened through the hooks below (method calls down); a view that needs the
screen to act posts a message (up). A view overrides only the hooks it cares about.
"""

from __future__ import annotations

from textual.containers import Vertical

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.env.packages import DependencyIssue, Inventory
from envtui.core.jobs.job import Job


class PaneView(Vertical):
    """A centre view: hidden until chosen, told about the environment and its jobs."""

    def shown(self) -> None:
        """The view was chosen (again): bring what it shows up to date."""

    def set_environment(self, env: Environment) -> None:
        """The screen opened another environment: show that one from now on."""

    def environment_checked(
        self,
        env: Environment,
        inventory: Inventory | None,
        issues: list[DependencyIssue] | None,
        latest: dict[str, str] | None,
    ) -> None:
        """``env`` was listed and ``uv pip check`` answered (first load, ``r``, after a job, a switch).

        ``issues`` is None when ``uv pip check`` could not run; ``latest`` holds the newer
        versions by canonical name, None when the index was not asked.
        """

    def jobs_changed(self, job: Job | None) -> None:
        """A change job was queued, started or finished (``job.finished`` tells); None: the job
        history changed otherwise (a change uv refused at the preview was recorded)."""

    def config_changed(self, config: Config) -> None:
        """The configuration file was edited: ``config`` is it read again."""

    def service_restarted(self, env: Environment) -> None:
        """The after-change hooks ran on request (they start the service)."""
