"""``JobEngine.run_blocking``, the CLI's driver: real uv, real venvs, no event loop.

It must stream as uv prints, cancel on ctrl+c (SIGINT to uv, the job "cancelled", exit 130,
the environment untouched), run its steps in the thread that drives the job, and keep asyncio
out of ``envtui install``.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.core.errors import UsageError
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, FAILED, SUCCEEDED
from envtui.core.jobs.steps import StepContext, StepFailed
from tests.test_jobs_engine import Recorder, freeze

#: The checkout, importable from a subprocess started elsewhere (away from its pyproject.toml).
ROOT = str(Path(__file__).resolve().parent.parent)


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else ROOT}


class SyncStep:
    """A plain step, as hooks and snapshots are."""

    def __init__(self, name: str, seen: list, fail: bool = False) -> None:
        self.name = name
        self.seen = seen
        self.fail = fail

    def wanted(self, job) -> bool:
        return True

    def run(self, ctx: StepContext) -> None:
        self.seen.append((self.name, ctx.phase, ctx.outcome, threading.current_thread().name))
        ctx.emit("envtui", f"{self.name} ran")
        ctx.data.setdefault("order", []).append(self.name)
        if self.fail:
            raise StepFailed(f"{self.name} says no")


class WhileUvRuns(Recorder):
    """Notes which of uv's lines arrived while uv was still running."""

    def __init__(self) -> None:
        super().__init__()
        self.early: list[str] = []

    def on_lines(self, job, lines) -> None:
        super().on_lines(job, lines)
        proc = job._proc
        if proc is not None and proc.poll() is None:
            self.early += [line for stream, line in lines if stream != "envtui"]


def test_blocking_job_streams_while_uv_runs(venv_factory, slow_index) -> None:
    venv = venv_factory()
    recorder = WhileUvRuns()

    def release_when_seen() -> None:  # uv stalls in the download until the test has seen its lines
        slow_index.download_started.wait(30)
        deadline = time.monotonic() + 10
        while not recorder.early and time.monotonic() < deadline:
            time.sleep(0.02)
        slow_index.release.set()

    threading.Thread(target=release_when_seen, daemon=True).start()
    job = JobEngine(listener=recorder, flush_interval=0.01).run_blocking(
        resolve_environment(venv, probe=False), ChangeRequest.install(["slowpkg"])
    )
    assert job.status == SUCCEEDED, job.message
    # uv names the environment first, then stalls in the download: that line came while uv ran
    assert any(line.startswith("Using Python") for line in recorder.early), recorder.lines
    assert "slowpkg==1.0" in freeze(venv)
    assert [e for e, _ in recorder.events] == ["queued", "started", "finished"]
    record = history.load(job.id)
    assert record is not None and record.status == "succeeded" and record.command == job.argv
    assert " + slowpkg==1.0" in history.read_log(job.id)


def test_blocking_job_records_failure(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    job = JobEngine().run_blocking(
        resolve_environment(venv, probe=False), ChangeRequest.install(["clash", "alpha==2.0"])
    )
    assert job.status == FAILED and job.returncode == 1
    assert job.message.startswith("error:") and any("No solution" in line for line in job.error_lines)
    assert freeze(venv) == before
    assert history.load(job.id).error_lines == job.error_lines


def test_steps_run_in_order_around_uv(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    seen: list = []
    engine = JobEngine(
        steps=lambda e: (
            [SyncStep("first-before", seen), SyncStep("second-before", seen)],
            [SyncStep("first-after", seen), SyncStep("second-after", seen)],
        )
    )
    job = engine.run_blocking(resolve_environment(venv, probe=False), ChangeRequest.install(["delta"]))
    assert job.status == SUCCEEDED, job.message
    assert [s[:3] for s in seen] == [
        ("first-before", "before", None),
        ("second-before", "before", None),
        ("first-after", "after", "succeeded"),
        ("second-after", "after", "succeeded"),
    ]
    assert job.step_data["order"] == ["first-before", "second-before", "first-after", "second-after"]
    assert "delta==1.0" in freeze(venv)
    log = history.read_log(job.id)
    assert "first-before ran" in log and "second-after ran" in log


def test_a_failing_sync_before_step_stops_the_blocking_job(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    seen: list = []
    engine = JobEngine(steps=lambda e: ([SyncStep("stop", seen, fail=True)], [SyncStep("start", seen)]))
    job = engine.run_blocking(resolve_environment(venv, probe=False), ChangeRequest.install(["delta"]))
    assert job.status == FAILED and job.returncode is None
    assert job.message == "step 'stop' failed: stop says no"
    assert [(name, outcome) for name, _, outcome, _ in seen] == [("stop", None), ("start", "failed")]
    assert freeze(venv) == ""


def test_a_queue_driven_from_a_worker_thread_runs_its_steps_there(venv_factory, offline_uv) -> None:
    """The TUI drives jobs from a worker thread (its screen stays live): steps run in that thread,
    and their lines arrive."""
    recorder = Recorder()
    seen: list = []
    env = resolve_environment(venv_factory())
    engine = JobEngine(listener=recorder, steps=lambda e: ([SyncStep("snap", seen)], [SyncStep("after", seen)]))
    job = engine.submit(env, ChangeRequest.install(["delta"]))
    worker = threading.Thread(target=engine.run_queue, args=(env,), name="jobs-worker")
    worker.start()
    worker.join(60)
    assert job.status == SUCCEEDED, job.message
    assert [s[3] for s in seen] == ["jobs-worker", "jobs-worker"]
    assert ("envtui", "snap ran") in recorder.lines


def test_ctrl_c_in_process_cancels_and_restores_the_handler(venv_factory, slow_index) -> None:
    venv = venv_factory()
    recorder = Recorder()
    engine = JobEngine(listener=recorder, grace=2.0)

    def interrupt() -> None:
        if slow_index.download_started.wait(30):
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    handler = signal.getsignal(signal.SIGINT)
    started = time.monotonic()
    job = engine.run_blocking(resolve_environment(venv, probe=False), ChangeRequest.install(["slowpkg"]))
    assert job.status == CANCELLED, job.message
    assert time.monotonic() - started < 30
    assert job._proc is not None and job._proc.returncode is not None  # uv is gone
    assert any("cancelling: sent SIGINT to uv" in line for _, line in recorder.lines)
    assert signal.getsignal(signal.SIGINT) is handler
    assert freeze(venv) == ""
    assert history.load(job.id).status == "cancelled"


def _envtui(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "envtui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=_env(),
    )


def test_cli_streams_before_uv_finishes(venv_factory, slow_index, tmp_path: Path) -> None:
    venv = venv_factory()
    proc = _envtui("install", "--venv", str(venv), "slowpkg", cwd=tmp_path)
    assert proc.stderr is not None
    try:
        assert slow_index.download_started.wait(30)
        seen: list[str] = []
        while not any(line.startswith("Using Python") for line in seen):  # uv's first line
            line = proc.stderr.readline()
            assert line, f"envtui ended before passing on uv's first line: {seen}"
            seen.append(line)
        assert proc.poll() is None  # uv is stalled in the download: the line came through live
    finally:
        slow_index.release.set()
    _, rest = proc.communicate(timeout=60)
    assert proc.returncode == 0, rest
    assert "+ slowpkg==1.0" in rest
    assert "slowpkg==1.0" in freeze(venv)


def test_cli_ctrl_c_exits_130_cancelled_and_changes_nothing(venv_factory, slow_index, tmp_path: Path) -> None:
    venv = venv_factory()
    proc = _envtui("install", "--venv", str(venv), "--json", "slowpkg", cwd=tmp_path)
    assert slow_index.download_started.wait(30)
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert time.monotonic() - started < 10
    assert "error: cancelled" in err and "Traceback" not in err
    data = json.loads(out)
    assert data["status"] == "cancelled" and data["kind"] == "install"
    assert freeze(venv) == ""
    assert history.load(data["id"]).status == "cancelled"


def test_cli_install_imports_no_asyncio_nor_the_health_checks(venv_factory, offline_uv, tmp_path: Path) -> None:
    """Start-up is most of ``envtui install``'s overhead over uv: it loads no event loop, and no
    HTTP or TLS (the health checks bring them, and are loaded only when hooks re-check)."""
    venv = venv_factory()
    code = (
        "import sys, io, contextlib\n"
        "from envtui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    rc = main(['install', '--venv', {str(venv)!r}, 'delta'])\n"
        "heavy = ('asyncio', 'ssl', 'http.client', 'urllib.request', 'envtui.core.health.checks')\n"
        "print(rc, *[name for name in heavy if name in sys.modules])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["0"]
    assert "delta==1.0" in freeze(venv)


def test_probe_free_resolution_matches_and_keeps_bad_input_errors(env_path: Path, tmp_path: Path) -> None:
    fast, full = resolve_environment(env_path, probe=False), resolve_environment(env_path)
    assert fast == full and fast.probed_markers is None
    assert fast.markers == full.markers  # probed when asked for
    with pytest.raises(UsageError, match="no such file"):
        resolve_environment(tmp_path / "missing", probe=False)
    (tmp_path / "plain").mkdir()
    with pytest.raises(UsageError, match="not a virtual environment"):
        resolve_environment(tmp_path / "plain", probe=False)
    broken = tmp_path / "broken"
    (broken / "bin").mkdir(parents=True)
    (broken / "pyvenv.cfg").write_text("home = /nowhere\nversion_info = 3.11.7\n")
    (broken / "bin" / "python").symlink_to(tmp_path / "gone" / "python3")
    with pytest.raises(UsageError, match="broken virtual environment"):
        resolve_environment(broken, probe=False)


@pytest.mark.parametrize("make", ["missing", "plain", "broken"])
def test_cli_install_bad_venv_is_one_error_exit_2(tmp_path: Path, offline_uv, make: str) -> None:
    from tests.factory import run_envtui

    target = tmp_path / make
    if make == "plain":
        target.mkdir()
    elif make == "broken":
        (target / "bin").mkdir(parents=True)
        (target / "pyvenv.cfg").write_text("home = /nowhere\nversion_info = 3.11.7\n")
        (target / "bin" / "python").symlink_to(tmp_path / "gone")
    result = run_envtui("install", "--venv", str(target), "delta", cwd=tmp_path, env=_env())
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2 and "Traceback" not in result.stderr
