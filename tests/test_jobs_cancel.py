"""Cancel a job while uv is busy (a local index that stalls the download), and cross-process locking.

The engine drives its queue in a thread of its own here, as the TUI's worker does, and the
test cancels from its own thread, as the TUI's keys do.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from envtui.core.env.environment import Environment, resolve_environment
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, RUNNING, SUCCEEDED
from envtui.core.jobs.lock import EnvLock
from tests.test_jobs_engine import Recorder, freeze


def wait_for(predicate, timeout: float = 30.0) -> None:
    """Poll (not sleep the test blindly) until ``predicate()`` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def drive(engine: JobEngine, env: Environment) -> threading.Thread:
    """Run the engine's queue on ``env`` in a worker thread, as the TUI does."""
    worker = threading.Thread(target=engine.run_queue, args=(env,), daemon=True)
    worker.start()
    return worker


def test_cancel_mid_download_ends_cancelled_and_changes_nothing(venv_factory, slow_index) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    before = freeze(venv)
    recorder = Recorder()
    engine = JobEngine(listener=recorder, grace=2.0)
    job = engine.submit(env, ChangeRequest.install(["slowpkg"]))
    worker = drive(engine, env)
    wait_for(slow_index.download_started.is_set)
    assert job.status == RUNNING and job._proc is not None
    started = time.monotonic()
    assert engine.cancel(job)
    worker.join(15)
    assert not worker.is_alive()
    assert job.status == CANCELLED
    assert time.monotonic() - started < 5  # SIGINT, or SIGTERM after the grace period
    assert job._proc.returncode is not None
    assert freeze(venv) == before
    assert history.load(job.id).status == "cancelled"
    assert not engine.cancel(job)  # already over


def test_jobs_submitted_while_the_queue_runs_join_it_in_order(venv_factory, slow_index) -> None:
    """The TUI's shape: a worker drives the queue; a job queued meanwhile runs next, and a second
    driver started for it returns at once instead of running it alongside."""
    env = resolve_environment(venv_factory())
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    first = engine.submit(env, ChangeRequest.install(["slowpkg"]))
    worker = drive(engine, env)
    wait_for(slow_index.download_started.is_set)
    second = engine.submit(env, ChangeRequest.uninstall(["slowpkg"]))
    engine.run_queue(env)  # the queue already has its driver: this returns at once
    assert second.status == "queued" and first.status == RUNNING
    slow_index.release.set()
    worker.join(30)
    assert (first.status, second.status) == (SUCCEEDED, SUCCEEDED)
    started = [job_id for event, job_id in recorder.events if event == "started"]
    assert started == [first.id, second.id]


def test_a_job_waits_for_another_process_holding_the_lock(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    other = EnvLock(venv)
    assert other.try_acquire("envtui install something")
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    job = engine.submit(env, ChangeRequest.install(["delta"]))
    worker = drive(engine, env)
    wait_for(lambda: any("waiting for another job" in line for _, line in recorder.lines))
    assert job.status == RUNNING and job.returncode is None and "delta" not in freeze(venv)
    other.release()
    worker.join(30)
    assert job.status == SUCCEEDED and "delta==1.0" in freeze(venv)


def test_a_job_waiting_for_the_lock_can_be_cancelled(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    other = EnvLock(venv)
    assert other.try_acquire("test")
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    job = engine.submit(env, ChangeRequest.install(["delta"]))
    worker = drive(engine, env)
    wait_for(lambda: any("waiting" in line for _, line in recorder.lines))
    started = time.monotonic()
    engine.cancel(job)
    worker.join(10)
    assert time.monotonic() - started < 1  # the driver woke at once
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


def test_a_stream_abandoned_by_its_tick_does_not_leave_its_program_running() -> None:
    """A waiter that gives up (a cancelled preview worker, an app that quits) ends the child and
    everything it started: the whole process group goes."""
    import os
    import sys

    import pytest

    from envtui.core import process

    started: list = []
    code = (
        "import subprocess, sys, time\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('up', flush=True)\n"
        "time.sleep(60)\n"
    )
    seen: list[str] = []

    class GiveUp(Exception):
        pass

    def tick() -> float:
        if seen:
            raise GiveUp
        return 0.05

    with pytest.raises(GiveUp):
        process.stream(
            [sys.executable, "-c", code], lambda stream, line: seen.append(line), on_start=started.append, tick=tick
        )
    proc = started[0]
    assert proc.returncode is not None  # stopped and reaped
    deadline = time.monotonic() + 5
    while True:
        try:
            os.killpg(proc.pid, 0)
        except ProcessLookupError:
            break  # nobody is left in its group
        assert time.monotonic() < deadline, "the child's group is still running"
        time.sleep(0.05)


def test_a_bounded_run_is_stopped_at_its_timeout_with_what_it_printed() -> None:
    import sys

    import pytest

    from envtui.core import process

    started = time.monotonic()
    with pytest.raises(process.TimedOut) as caught:
        process.run([sys.executable, "-c", "import time; print('so far', flush=True); time.sleep(60)"], timeout=0.5)
    assert time.monotonic() - started < 5
    assert caught.value.result.stdout.strip() == "so far"
    assert "timed out after 0.5 s" in caught.value.message
