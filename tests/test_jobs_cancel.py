"""Cancel a job while uv is busy (a local index that stalls the download), and cross-process locking."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from envtui.core.env.environment import resolve_environment
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import CANCELLED, RUNNING, SUCCEEDED, JobEngine
from envtui.core.jobs.lock import EnvLock
from tests.test_jobs_engine import Recorder, freeze


async def wait_for(predicate, timeout: float = 30.0) -> None:
    """Poll the loop (not sleep the test blindly) until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def test_cancel_mid_download_ends_cancelled_and_changes_nothing(venv_factory, slow_index) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    before = freeze(venv)
    recorder = Recorder()
    engine = JobEngine(listener=recorder, grace=2.0)
    job = engine.submit(env, ChangeRequest.install(["slowpkg"]))
    await wait_for(slow_index.download_started.is_set)
    assert job.status == RUNNING and job._proc is not None
    started = time.monotonic()
    assert engine.cancel(job)
    await asyncio.wait_for(job.wait(), 15)
    assert job.status == CANCELLED
    assert time.monotonic() - started < 5  # SIGINT, or SIGTERM after the grace period
    assert job._proc.returncode is not None
    assert freeze(venv) == before
    assert history.load(job.id).status == "cancelled"
    assert not engine.cancel(job)  # already over


async def test_the_loop_stays_responsive_while_a_job_runs(venv_factory, slow_index) -> None:
    env = resolve_environment(venv_factory())
    engine = JobEngine()
    job = engine.submit(env, ChangeRequest.install(["slowpkg"]))
    await wait_for(slow_index.download_started.is_set)
    worst = 0.0
    for _ in range(20):
        t = time.perf_counter()
        await asyncio.sleep(0.01)
        worst = max(worst, time.perf_counter() - t - 0.01)
    assert worst < 0.1
    engine.cancel(job)
    await asyncio.wait_for(job.wait(), 15)


async def test_a_job_waits_for_another_process_holding_the_lock(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    other = EnvLock(venv)
    assert other.try_acquire("envtui install something")
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    job = engine.submit(env, ChangeRequest.install(["delta"]))
    await wait_for(lambda: any("waiting for another job" in line for _, line in recorder.lines))
    assert job.status == RUNNING and job.returncode is None and "delta" not in freeze(venv)
    other.release()
    await asyncio.wait_for(job.wait(), 30)
    assert job.status == SUCCEEDED and "delta==1.0" in freeze(venv)


async def test_a_job_waiting_for_the_lock_can_be_cancelled(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    other = EnvLock(venv)
    assert other.try_acquire("test")
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    job = engine.submit(env, ChangeRequest.install(["delta"]))
    await wait_for(lambda: any("waiting" in line for _, line in recorder.lines))
    engine.cancel(job)
    await asyncio.wait_for(job.wait(), 10)
    other.release()
    assert job.status == CANCELLED and job.returncode is None


def test_lock_is_per_environment_and_released_on_exit(tmp_path: Path) -> None:
    a, a_again, b = EnvLock(tmp_path / "a"), EnvLock(tmp_path / "a" / ".." / "a"), EnvLock(tmp_path / "b")
    assert a.path == a_again.path != b.path
    assert a.try_acquire("first")
    assert not a_again.try_acquire()
    assert b.try_acquire()
    assert a_again.holder().endswith("first")
    a.release()
    assert a_again.try_acquire()
    a_again.release()
    b.release()


async def test_a_cancelled_stream_does_not_leave_its_program_running(tmp_path) -> None:
    """A worker cancelled mid-stream (or an app that quits) ends the child it started."""
    import asyncio
    import os
    import sys

    import pytest

    from envtui.core import process

    started: list = []
    task = asyncio.ensure_future(
        process.stream(
            [sys.executable, "-c", "import time; print('up', flush=True); time.sleep(60)"],
            lambda stream, line: None,
            on_start=started.append,
        )
    )
    while not started:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    pid = started[0].pid
    for _ in range(60):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        if started[0].returncode is not None:
            break
        await asyncio.sleep(0.05)
    else:
        raise AssertionError("the child is still running")
