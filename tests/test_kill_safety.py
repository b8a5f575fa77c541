"""A killed envtui never leaves uv changing the environment.

uv runs in a session of its own (so ctrl+c and a dropped link's SIGHUP reach envtui, which
decides), and on Linux it dies with envtui even when envtui is killed with SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envtui.core.jobs import history
from tests.test_jobs_engine import freeze

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signals are Linux's")


def children(pid: int) -> list[int]:
    """Every descendant of ``pid`` (by /proc), breadth first."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop(0)
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in kids:
                found.append(int(kid))
                frontier.append(int(kid))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_install(venv: Path, slow_index) -> tuple[subprocess.Popen[str], int]:
    """``envtui install slowpkg`` caught mid-download; returns envtui and uv's pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "envtui", "install", "--venv", str(venv), "slowpkg"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert slow_index.download_started.wait(30), "uv never started downloading"
    uv = [p for p in children(proc.pid) if "uv" in Path(f"/proc/{p}/comm").read_text()]
    assert uv, "no uv below envtui"
    return proc, uv[0]


def wait_gone(pid: int, seconds: float) -> float:
    started = time.monotonic()
    while alive(pid):
        if time.monotonic() - started > seconds:
            pytest.fail(f"uv (pid {pid}) still running {seconds} s after envtui went")
        time.sleep(0.02)
    return time.monotonic() - started


def test_kill_9_of_envtui_takes_uv_down(venv_factory, slow_index) -> None:
    venv = venv_factory()
    proc, uv = start_install(venv, slow_index)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert wait_gone(uv, 2.0) < 2.0
    slow_index.release.set()
    time.sleep(0.3)  # had uv lived on, it would install now
    assert "slowpkg" not in freeze(venv)
    assert [r.status for r in history.load_all()] == ["interrupted"]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_stop_uv_and_record_interrupted(venv_factory, slow_index, sig: signal.Signals) -> None:
    venv = venv_factory()
    proc, uv = start_install(venv, slow_index)
    os.kill(proc.pid, sig)
    assert wait_gone(uv, 2.0) < 2.0
    _out, err = proc.communicate(timeout=15)
    assert proc.returncode == 128 + sig, err
    assert f"envtui received {sig.name}" in err
    assert "Traceback" not in err
    slow_index.release.set()
    time.sleep(0.3)
    assert "slowpkg" not in freeze(venv)
    assert [r.status for r in history.load_all()] == ["interrupted"]
