"""Keeps the main screen in step with the disk, so what it shows is never stale.

Twice a second the screen's :class:`~envtui.core.env.watch.EnvWatcher` is asked whether anything
(another envtui, plain ``uv pip`` or ``pip``, a deploy script) changed the environment; once the
change is over, the environment is listed again in place (cursor, filter and scroll kept) and a
short notice says so. The configuration file is watched the same way: an edit re-runs the health
checks, so the hooks check follows it. Changes made by the screen's own jobs are not announced:
the screen relists after them anyway.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from envtui.core.env.environment import Environment
from envtui.core.env.watch import POLL_SECONDS, EnvWatcher
from envtui.core.jobs.lock import lock_path

if TYPE_CHECKING:
    from envtui.ui.screens.main import MainScreen


def _watcher(env: Environment) -> EnvWatcher:
    """A watcher that also waits while an envtui job (of any process) holds the environment."""
    return EnvWatcher(env, locks=[lock_path(env.path)])


class Freshness:
    """Polls for outside changes to the environment and the configuration; relists and re-checks."""

    def __init__(self, screen: MainScreen) -> None:
        self.screen = screen
        self.watcher: EnvWatcher | None = None
        """The watcher of the environment on screen (a new one after a switch)."""
        self._config: Path | None = None
        self._config_stamp: int | None = None

    def start(self) -> None:
        """Begin polling (after the first paint: start-up shows the table first)."""
        from envtui.core.config import find_config

        config = getattr(self.screen.app, "config", None)
        self._config = config.path if config is not None and config.path is not None else find_config()
        self._config_stamp = self._stamp(self._config)
        self.screen.set_interval(POLL_SECONDS, self.poll, name="freshness")

    def listing(self, env: Environment) -> None:
        """The screen starts listing ``env`` now (from its worker): what is on disk will be shown."""
        watcher = self.watcher
        if watcher is None or watcher.env.path != env.path:
            self.watcher = _watcher(env)
        else:
            watcher.seen()

    def poll(self) -> None:
        """Relist after an outside change to the environment; re-check health after a config edit."""
        screen = self.screen
        watcher = self.watcher
        if watcher is None or watcher.env.path != screen.env.path:
            self.watcher = _watcher(screen.env)
            return
        engine = getattr(screen, "jobs_engine", None)
        if engine is not None and (engine.running() or engine.queued()):
            return  # the screen's own job: it relists when the job ends
        if watcher.changed():
            watcher.seen()
            screen.notify("The environment changed on disk: listed again", timeout=3)
            screen.refresh_inventory()
        stamp = self._stamp(self._config)
        if stamp != self._config_stamp:
            self._config_stamp = stamp
            self._reload_config()

    def _reload_config(self) -> None:
        """The configuration file changed: read it again for the jobs and the checks, and check again.

        An edit withdraws the trust in its hooks (the new bytes were never trusted), and the
        Health view says so; a file that no longer parses stops jobs, as it would at start.
        """
        from envtui.core.config import load_config
        from envtui.core.errors import UsageError
        from envtui.ui.health import HealthView

        screen = self.screen
        try:
            config = load_config(self._config)
        except UsageError as exc:
            from envtui.core.config import Config

            config = Config(path=self._config, error=exc)
        screen.app.config = config  # type: ignore[attr-defined]
        engine = getattr(screen, "jobs_engine", None)
        if engine is not None:
            engine.use_config(config)
        for view in screen.query(HealthView):
            view.use_config(config)
            view.recheck(screen.env, screen.inventory, screen.issues, screen.latest)

    @staticmethod
    def _stamp(path: Path | None) -> int | None:
        if path is None:
            return None
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return -1
