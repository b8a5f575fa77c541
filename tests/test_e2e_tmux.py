"""End to end: the installed ``envtui`` in a real terminal (tmux), driven as a person would."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def envtui_command() -> str:
    """The console script beside this interpreter, else ``python -m envtui`` from this checkout."""
    script = Path(sys.executable).parent / "envtui"
    if script.is_file():
        return shlex.quote(str(script))
    return f"env PYTHONPATH={shlex.quote(str(ROOT))} {shlex.quote(sys.executable)} -m envtui"


class Terminal:
    """One tmux session on a private server."""

    def __init__(self, socket: str, session: str) -> None:
        self.socket = socket
        self.session = session

    def tmux(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a tmux command against this terminal's server."""
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)

    def screen(self, joined: bool = False) -> str:
        """The visible text; ``joined``: lines the terminal wrapped are joined back (a shell's output)."""
        return self.tmux("capture-pane", "-p", *(["-J"] if joined else []), "-t", self.session).stdout

    def wait_for(self, condition: Callable[[str], bool] | str, timeout: float = 30.0, joined: bool = False) -> str:
        """Poll the screen until ``condition`` (or the text) holds; fail with the screen if not."""
        check = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.monotonic() + timeout
        while True:
            text = self.screen(joined)
            if check(text):
                return text
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {condition!r}; the screen:\n{text}")
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        """Type keys (tmux key names, or literal text with ``-l``)."""
        self.tmux("send-keys", "-t", self.session, *keys)


@pytest.fixture
def terminal() -> Iterator[Callable[..., Terminal]]:
    """Start commands in tmux sessions on a private server; the server is killed afterwards."""
    socket = f"envtui-test-{uuid.uuid4().hex[:8]}"

    def start(command: str, width: int = 120, height: int = 40) -> Terminal:
        session = f"s{uuid.uuid4().hex[:6]}"
        # COLUMNS and LINES (set under some test runners) would override the terminal's real
        # size for Textual, as they do for Rich: the app must see what tmux says.
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        result = subprocess.run(
            ["tmux", "-L", socket, "new-session", "-d", "-s", session, "-x", str(width), "-y", str(height), command],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return Terminal(socket, session)

    yield start
    subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


@pytest.mark.parametrize("term_env", ["", "NO_COLOR=1", "TERM=linux"], ids=["default", "no-color", "term-linux"])
def test_open_filter_resize_and_quit(env_path: Path, tmp_path: Path, terminal, term_env: str) -> None:
    exit_file = tmp_path / "exit-code"
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env {term_env} {envtui_command()} {shlex.quote(str(env_path))}; "
        f"echo $? > {shlex.quote(str(exit_file))}; sleep 30"
    )
    term = terminal(command)
    term.wait_for("─ 4 packages")
    term.wait_for("alpha")
    term.keys("/")
    term.keys("-l", "al")

    def rows(screen: str) -> list[str]:
        return [line for line in screen.splitlines() if re.search(r"│ (alpha|beta|boom|gamma) +\d", line)]

    # A frame reaches the terminal in pieces: wait until the filtered table is all there.
    text = term.wait_for(lambda screen: "1 of 4 packages" in screen and len(rows(screen)) == 1)
    assert "alpha" in rows(text)[0]
    term.tmux("resize-window", "-t", term.session, "-x", "80", "-y", "24")
    # Redrawn for 80 columns: the table's right border is back inside the window.
    text = term.wait_for(
        lambda t: (
            "1 of 4 packages" in t
            and any(line.rstrip().endswith(("╮", "┐")) and len(line.rstrip()) <= 80 for line in t.splitlines()[1:3])
        )
    )
    assert "alpha" in text and len(text.splitlines()) <= 24
    term.keys("Escape")
    term.wait_for("─ 4 packages")  # the table's title, not the status line
    term.keys("q")
    deadline = time.monotonic() + 20
    while not exit_file.exists() or not exit_file.read_text().strip():
        if time.monotonic() > deadline:
            pytest.fail(f"envtui did not exit; the screen:\n{term.screen()}")
        time.sleep(0.05)
    assert exit_file.read_text().strip() == "0"


def test_too_small_then_big_enough_then_small_again(env_path: Path, tmp_path: Path, terminal) -> None:
    command = f"cd {shlex.quote(str(tmp_path))} && {envtui_command()} {shlex.quote(str(env_path))}; sleep 30"
    term = terminal(command, width=50, height=15)
    term.wait_for("Terminal too small")
    term.tmux("resize-window", "-t", term.session, "-x", "60", "-y", "20")
    text = term.wait_for("─ 4 packages")
    assert "Terminal too small" not in text
    term.tmux("resize-window", "-t", term.session, "-x", "59", "-y", "20")
    term.wait_for("Terminal too small")
    term.tmux("resize-window", "-t", term.session, "-x", "80", "-y", "24")
    term.wait_for("─ 4 packages")
    term.keys("q")


def test_z_undoes_the_last_change_in_a_real_terminal(venv_factory, offline_uv, tmp_path: Path, terminal) -> None:
    from tests.factory import run_envtui
    from tests.test_jobs_engine import freeze

    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    term = terminal(
        f"cd {shlex.quote(str(tmp_path))} && {envtui_command()} {shlex.quote(str(venv))}; sleep 30", 100, 30
    )
    term.wait_for("─ 2 packages")
    term.keys("z")
    # A frame reaches the terminal in pieces: wait for the whole dialog, then read it.
    wanted = ("Undo the last change?", "before upgrade alpha", "~ alpha 2.0 → 1.0")
    text = term.wait_for(lambda screen: all(part in screen for part in wanted))
    assert "Restore" in text
    term.keys("Enter")
    term.wait_for("matches snapshot")
    assert freeze(venv) == before
    term.keys("S")
    term.wait_for("before undo: rollback to")
    term.keys("q")
