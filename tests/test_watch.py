"""The environment watcher: a change by anyone is noticed once it is over, and only then."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import time
from pathlib import Path

from envtui.core.env.environment import resolve_environment
from envtui.core.env.watch import EnvWatcher
from envtui.core.jobs.lock import EnvLock, lock_path
from tests.factory import install_into, site_packages, uv_bin


def _wait_changed(watcher: EnvWatcher, timeout: float = 3.0) -> float | None:
    """Poll as the TUI does; seconds until ``changed()`` said yes, or None."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if watcher.changed():
            return time.monotonic() - start
        time.sleep(0.05)
    return None


def test_quiet_environment_is_unchanged(env_path: Path) -> None:
    watcher = EnvWatcher(resolve_environment(env_path))
    assert watcher.paths == (site_packages(env_path),)
    assert not watcher.changed() and not watcher.changed()


def test_an_install_by_uv_is_noticed_once(env_path: Path, wheelhouse: Path) -> None:
    watcher = EnvWatcher(resolve_environment(env_path))
    install_into(env_path, wheelhouse, ["delta"])
    assert _wait_changed(watcher) is not None
    watcher.seen()  # listed now
    assert not watcher.changed()


def test_a_removal_by_a_script_is_noticed(env_path: Path) -> None:
    watcher = EnvWatcher(resolve_environment(env_path))
    shutil.rmtree(site_packages(env_path) / "boom-1.0.dist-info")
    assert _wait_changed(watcher) is not None


def test_a_young_change_waits_to_settle(env_path: Path) -> None:
    watcher = EnvWatcher(resolve_environment(env_path), settle=60)
    (site_packages(env_path) / "fresh-1.0.dist-info").mkdir()
    assert not watcher.changed()  # just happened: it may still be going on
    assert watcher.changed()  # the next poll sees the same: it is over


def test_no_change_counts_while_an_envtui_job_holds_the_lock(env_path: Path) -> None:
    env = resolve_environment(env_path)
    watcher = EnvWatcher(env, settle=0, locks=[lock_path(env.path)])
    lock = EnvLock(env.path)
    assert lock.try_acquire("test job")
    try:
        (site_packages(env_path) / "fresh-1.0.dist-info").mkdir()
        assert watcher.locked()
        assert not watcher.changed() and not watcher.changed()
    finally:
        lock.release()
    assert not watcher.locked() and watcher.changed()


def test_no_change_counts_while_uv_holds_the_venvs_lock(env_path: Path) -> None:
    env = resolve_environment(env_path)
    watcher = EnvWatcher(env, settle=0)
    fd = os.open(env.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as uv holds it while it installs
        (site_packages(env_path) / "fresh-1.0.dist-info").mkdir()
        assert not watcher.changed()
    finally:
        os.close(fd)
    assert watcher.changed()


def test_uv_holds_its_lock_while_it_works(venv_factory, slow_index) -> None:
    """The watcher's reading of uv's lock, checked against a real uv stalled mid-download."""
    venv = venv_factory()
    watcher = EnvWatcher(resolve_environment(venv))
    proc = subprocess.Popen(
        [uv_bin(), "pip", "install", "--python", str(venv / "bin" / "python"), "slowpkg"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert slow_index.download_started.wait(30)
        assert watcher.locked()
        slow_index.release.set()
        assert proc.wait(60) == 0
    finally:
        proc.kill()
    assert not watcher.locked()
    assert _wait_changed(watcher) is not None


def test_polling_is_cheap(env_path: Path) -> None:
    watcher = EnvWatcher(resolve_environment(env_path))
    start = time.perf_counter()
    for _ in range(1000):
        watcher.changed()
    per_poll = (time.perf_counter() - start) / 1000
    assert per_poll < 0.001, f"{per_poll * 1e6:.0f} µs a poll"
