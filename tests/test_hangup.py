"""A TUI whose terminal disappears ends, even when SIGHUP was ignored and never reached it."""

from __future__ import annotations

import os
import shlex
import time
from pathlib import Path

import pytest

from tests.test_e2e_tmux import envtui_command, pytestmark, terminal  # noqa: F401  (the fixture)
from tests.test_kill_safety import alive


@pytest.mark.parametrize("hup", ["ignored", "default"])
def test_the_app_ends_when_its_terminal_goes_away(
    env_path: Path,
    tmp_path: Path,
    terminal,  # noqa: F811
    hup: str,
) -> None:
    pid_file = tmp_path / "pid"
    trap = "trap '' HUP; " if hup == "ignored" else ""  # as nohup and some job runners start it
    command = (
        f"cd {shlex.quote(str(tmp_path))} && {trap}echo $$ > {shlex.quote(str(pid_file))} && "
        f"exec {envtui_command()} {shlex.quote(str(env_path))}"
    )
    term = terminal(command)
    term.wait_for("─ 4 packages")
    pid = int(pid_file.read_text())
    assert alive(pid)
    term.tmux("kill-server")  # the terminal is gone, as when an SSH link drops
    deadline = time.monotonic() + 15
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    still_running = alive(pid)
    if still_running:  # do not leave it spinning on a dead terminal
        os.kill(pid, 9)
    assert not still_running, "envtui kept running on a terminal that is gone"
