"""Notice when something else changes an environment: polled mtimes, no thread, no dependency.

Every install, upgrade or removal — by uv, pip, another envtui or a deploy script — creates or
deletes a ``.dist-info`` directory, and so changes the mtime of the site-packages directory it
lies in. One ``stat`` per site-packages directory every half second finds that at no measurable
cost, with no inotify binding to install and on every filesystem. While the environment's lock
is held (uv's ``.lock`` in the venv, or envtui's own lock file) a change is still under way: the
watcher waits for its end, so the environment is listed once, after the change, not half-way.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from envtui.core.env.environment import Environment

#: How often a face should call :meth:`EnvWatcher.changed` (seconds).
POLL_SECONDS = 0.5
#: A change younger than this may still be going on (a pip install writes for a while).
SETTLE_SECONDS = 0.2


class EnvWatcher:
    """Says whether an environment changed on disk since it was last listed.

    The caller polls :meth:`changed` (from a timer: the watcher has no thread of its own) and
    calls :meth:`seen` just before it lists the environment, so changes made while it lists
    are noticed at the next poll.
    """

    def __init__(self, env: Environment, *, settle: float = SETTLE_SECONDS, locks: Sequence[Path] = ()) -> None:
        self.env = env
        """The environment watched."""
        self.locks: tuple[Path, ...] = (env.path / ".lock", *locks)
        """Lock files whose holder is changing the environment: uv's in the venv, and any given
        (envtui's own, ``envtui.core.jobs.lock.lock_path``)."""
        self.settle = settle
        """Seconds a change must be quiet before it counts (unless two polls agree)."""
        self.paths: tuple[Path, ...] = tuple(env.site_packages)
        """What is watched: the environment's site-packages directories."""
        self._seen = self.stamp()
        self._last = self._seen

    def stamp(self) -> tuple[int, ...]:
        """The watched directories' modification times (nanoseconds; -1 for one that is missing)."""
        stamps = []
        for path in self.paths:
            try:
                stamps.append(os.stat(path).st_mtime_ns)
            except OSError:
                stamps.append(-1)
        return tuple(stamps)

    def seen(self) -> None:
        """The environment is being listed now: what is on disk is what will be shown."""
        self._seen = self._last = self.stamp()

    def changed(self, now: float | None = None) -> bool:
        """Whether the environment changed since :meth:`seen` and the change is over.

        Over means: no one holds the environment's lock, and the newest change is older than
        ``settle`` seconds or two polls in a row saw the same thing.
        """
        stamp = self.stamp()
        if stamp == self._seen:
            self._last = stamp
            return False
        now = time.time() if now is None else now
        quiet = stamp == self._last or now - max(stamp) / 1e9 >= self.settle
        self._last = stamp
        return quiet and not self.locked()

    def locked(self) -> bool:
        """Whether uv or an envtui job holds this environment's lock now (Linux; elsewhere False).

        Read from ``/proc/locks`` rather than by trying the lock: trying it could make uv wait.
        """
        wanted = set()
        for path in self.locks:
            try:
                st = os.stat(path)
            except OSError:
                continue
            wanted.add(f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}")
        if not wanted:
            return False
        try:
            with open("/proc/locks", encoding="ascii", errors="replace") as handle:
                table = handle.read()
        except OSError:
            return False
        return any(field in wanted for line in table.splitlines() for field in line.split()[4:7])
