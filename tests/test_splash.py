"""The environment's name is on screen first, before Textual is imported; the app paints over it."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import shlex
import struct
import termios
from dataclasses import replace
from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.ui import splash
from tests.test_e2e_tmux import envtui_command, terminal  # noqa: F401  (the fixture)


def _read_all(fd: int) -> bytes:
    os.set_blocking(fd, False)
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_on_a_terminal_it_enters_the_alternate_screen_and_names_the_environment(
    env_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    env = resolve_environment(env_path, probe=False)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))  # 200 columns
    with os.fdopen(slave, "w", encoding="utf-8") as stream:
        assert splash.show(env, stream) is True
        splash.leave(stream)
    written = _read_all(master).decode("utf-8", "replace")
    os.close(master)
    assert written.startswith("\x1b[?1049h")  # the app's own (alternate) screen, not the shell's
    assert f"{env_path.name} · starting envtui…" in written
    assert written.endswith("\x1b[?25h\x1b[?1049l")  # leave() gives the shell its screen back


def test_nothing_is_written_off_a_terminal_or_on_a_dumb_one(env_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = resolve_environment(env_path, probe=False)
    piped = io.StringIO()
    monkeypatch.setenv("TERM", "xterm-256color")
    assert splash.show(env, piped) is False
    assert piped.getvalue() == ""
    monkeypatch.setenv("TERM", "dumb")
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as stream:
        assert splash.show(env, stream) is False
    assert _read_all(master) == b""
    os.close(master)


def test_a_hostile_path_is_shown_safely_and_cut_to_the_width(tmp_path: Path, env_path: Path) -> None:
    hostile = tmp_path / "evil\x1b]0;owned\x07\x1b[2Jname"
    hostile.mkdir()
    env = replace(resolve_environment(env_path, probe=False), path=hostile)
    line = splash.text(env, 200)
    assert "\x1b" not in line and "\x07" not in line
    assert "owned" in line  # shown, as visible text
    assert len(splash.text(env, 12)) == 12


@pytest.mark.tmux
def test_in_a_real_terminal_the_name_comes_first_and_the_shell_screen_comes_back(
    env_path: Path,
    tmp_path: Path,
    terminal,  # noqa: F811
) -> None:
    go, written = tmp_path / "go", tmp_path / "written"
    command = (
        f"cd {shlex.quote(str(tmp_path))} && while [ ! -e go ]; do sleep 0.05; done; echo shell-before && "
        f"{envtui_command()} {shlex.quote(str(env_path))}; echo shell-after-$?; sleep 30"
    )
    term = terminal(command)
    # Everything written to the terminal, in order: what is on screen at one instant depends on
    # how fast the machine is; the order of what was written does not.
    term.tmux("pipe-pane", "-O", "-t", term.session, f"cat > {shlex.quote(str(written))}")
    go.touch()
    # The app's first frame paints over the splash (a frame reaches the terminal in pieces).
    term.wait_for(lambda screen: "─ 4 packages" in screen and "starting envtui" not in screen)
    term.keys("q")
    text = term.wait_for("shell-after-0")
    assert "shell-before" in text and "starting envtui" not in text  # the shell's screen is back
    stream = written.read_bytes().decode("utf-8", "replace")
    named = stream.find(f"{env_path.name} · starting envtui…")
    assert named >= 0, stream[:500]
    assert named < stream.find("4 packages")  # the name came before the table
