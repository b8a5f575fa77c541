"""Notices what changed on disk behind the main screen's back, so what it shows is never stale.

Twice a second the screen asks :meth:`Freshness.poll` whether anything (another envtui, plain
``uv pip`` or ``pip``, a deploy script) changed the environment, through the core's
:class:`~envtui.core.env.watch.EnvWatcher`; once the change is over, the screen lists the
environment again in place (cursor, filter and scroll kept) and says so. The configuration file
is watched the same way: after an edit the screen hands the configuration read again to the jobs
and the checks. Changes made by the screen's own jobs are not announced: it relists after them
(and a change found after one of its jobs ended but before that relist is taken for the job's).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.env.watch import POLL_SECONDS, EnvWatcher
from envtui.core.jobs.lock import lock_path

__all__ = ["POLL_SECONDS", "Freshness"]


def _watcher(env: Environment) -> EnvWatcher:
    """A watcher that also waits while an envtui job (of any process) holds the environment."""
    return EnvWatcher(env, locks=[lock_path(env.path)])


class Freshness:
    """Watches the environment on screen and the configuration file; says what to do, does nothing itself."""

    def __init__(self) -> None:
        self.watcher: EnvWatcher | None = None
        """The watcher of the environment on screen (a new one after a switch)."""
        self.listed_at = 0.0
        """When the environment was last listed (``time.time()``): a job that ended later is not shown yet."""
        self._config: Path | None = None
        self._config_stamp: int | None = None

    def start(self, config_path: Path | None) -> None:
        """Watch the configuration at ``config_path`` (None: the one found from the working directory)."""
        from envtui.core.config import find_config

        self._config = config_path if config_path is not None else find_config()
        self._config_stamp = self._stamp(self._config)

    def listing(self, env: Environment) -> None:
        """``env`` is being listed now (from a worker): what is on disk will be shown."""
        self.listed_at = time.time()
        watcher = self.watcher
        if watcher is None or watcher.env.path != env.path:
            self.watcher = _watcher(env)
        else:
            watcher.seen()

    def poll(self, env: Environment, *, busy: bool) -> tuple[bool, Config | None]:
        """Whether ``env`` changed from outside (list it again), and the configuration read again
        when its file changed (else None). Nothing is said while the screen's own job runs (``busy``).
        """
        watcher = self.watcher
        if watcher is None or watcher.env.path != env.path:
            self.watcher = _watcher(env)
            return False, None
        if busy:
            return False, None  # the screen's own job: it relists when the job ends
        changed = watcher.changed()
        if changed:
            watcher.seen()
        stamp = self._stamp(self._config)
        if stamp == self._config_stamp:
            return changed, None
        self._config_stamp = stamp
        return changed, self._read_config()

    def _read_config(self) -> Config:
        """The configuration as it is now; one that no longer parses carries its error (jobs stop,
        health says so), as at start. An edit withdraws the trust in its hooks: the new bytes were
        never trusted."""
        from envtui.core.config import load_config
        from envtui.core.errors import UsageError

        try:
            return load_config(self._config)
        except UsageError as exc:
            return Config(path=self._config, error=exc)

    @staticmethod
    def _stamp(path: Path | None) -> int | None:
        if path is None:
            return None
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return -1
