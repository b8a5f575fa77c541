"""Shared pieces of the benchmarks: statistics, a clean environment, timing, and a real terminal.

The terminal is tmux on a private server, driven through one control-mode client: a screen
capture or a key sent that way costs about half a millisecond, where spawning ``tmux
capture-pane`` for every poll costs several and competes with the app being measured.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median(values: Sequence[float]) -> float:
    """The median (the figure every comparison uses: load spikes hit single runs)."""
    return statistics.median(values)


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every measured command runs in.

    The caller's uv settings, virtualenv, ``PYTHONPATH`` and terminal size variables would
    change what is measured (a different index, another envtui, a faked terminal size), so
    they are left out; ``extra`` adds the benchmark's own.
    """
    dropped = ("UV_", "ENVTUI_", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "COLUMNS", "LINES", "TMUX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env["UV_NO_PROGRESS"] = "1"
    return {**env, **(extra or {})}


def timed(argv: Sequence[str], env: Mapping[str, str], cwd: Path | None = None) -> float:
    """Wall time of one run, output discarded; a failing run is an error that says why."""
    started = time.perf_counter()
    done = subprocess.run(
        list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=dict(env), cwd=cwd, check=False
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} exited {done.returncode}: {done.stderr.decode(errors='replace')[-400:]}")
    return elapsed


def load_average() -> float:
    """The one-minute load average (how busy the machine was)."""
    return round(os.getloadavg()[0], 2)


class Terminal:
    """A private tmux server with sessions of a fixed size, driven through a control-mode client."""

    def __init__(self, env: Mapping[str, str], width: int = 120, height: int = 40) -> None:
        self.socket = f"envtui-suite-{os.getpid()}"
        self.width = width
        self.height = height
        self.env = dict(env)
        self._counter = 0
        # The server takes its environment from the first command: the sessions inherit it.
        self._tmux("-f", "/dev/null", "new-session", "-d", "-s", "keeper", "-x", "80", "-y", "24", "sleep 86400")
        self._tmux("set-option", "-g", "default-terminal", "tmux-256color")
        self._tmux("set-option", "-g", "history-limit", "0")
        self._client = subprocess.Popen(
            ["tmux", "-L", self.socket, "-C", "attach-session", "-f", "no-output,ignore-size", "-t", "keeper"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self.env,
            bufsize=0,
        )
        # Align with the client's replies: everything before this marker is the attach itself.
        self.command("display-message", "-p", "envtui-bench-ready", expect="envtui-bench-ready")

    def _tmux(self, *args: str) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def command(self, *args: str, expect: str | None = None) -> list[str]:
        """Run one tmux command through the control client; its output lines."""
        assert self._client.stdin is not None and self._client.stdout is not None
        line = " ".join(_quote(a) for a in args) + "\n"
        self._client.stdin.write(line.encode())
        while True:
            block = self._read_block()
            if expect is None or any(expect in text for text in block):
                return block

    def _read_block(self) -> list[str]:
        """The reply to the next command this client sent.

        A block whose ``%begin`` has flags 0 was not asked for by this client (tmux emits one
        for the attach itself, sometimes after the first reply): it is skipped, or every later
        reply would be read as the answer to the command after it.
        """
        assert self._client.stdout is not None
        read = self._client.stdout.readline
        while True:
            while True:
                raw = read()
                if not raw:
                    raise RuntimeError("the tmux control client went away")
                if raw.startswith(b"%begin"):
                    break
            ours = raw.split()[-1:] != [b"0"]
            lines: list[str] = []
            while True:
                raw = read()
                if raw.startswith(b"%end"):
                    break
                if raw.startswith(b"%error"):
                    if ours:
                        raise RuntimeError("tmux: " + " ".join(lines))
                    break
                lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
            if ours:
                return lines

    def start(self, command: str, cwd: Path) -> str:
        """Run a shell command in a new session of the terminal's size; returns the session name."""
        self._counter += 1
        session = f"s{self._counter}"
        self.command(
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            str(self.width),
            "-y",
            str(self.height),
            "-c",
            str(cwd),
            f"{command}; sleep 600",
        )
        return session

    def screen(self, session: str, *, escapes: bool = False) -> str:
        """The visible text of the session's pane (with ``escapes``: its colours as SGR codes too)."""
        return "\n".join(self.command("capture-pane", "-p", *(["-e"] if escapes else []), "-t", session))

    def wait(
        self, session: str, condition: Callable[[str], bool] | str, timeout: float = 60.0, poll: float = 0.002
    ) -> float:
        """Poll until ``condition`` holds on screen; returns when it did (``time.perf_counter``)."""
        check = (lambda text: condition in text) if isinstance(condition, str) else condition
        deadline = time.perf_counter() + timeout
        while True:
            text = self.screen(session)
            now = time.perf_counter()
            if check(text):
                return now
            if now > deadline:
                raise TimeoutError(f"{condition!r} never showed; the screen:\n{text}")
            time.sleep(poll)

    def keys(self, session: str, *keys: str, literal: bool = False) -> None:
        """Send keys (tmux key names, or literal text)."""
        self.command("send-keys", "-t", session, *(["-l"] if literal else []), *keys)

    def pane_pid(self, session: str) -> int:
        """The process id of the program in the pane (the app itself when started with ``exec``)."""
        return int(self.command("display-message", "-p", "-t", session, "#{pane_pid}")[0])

    def pipe_output(self, session: str, target: Path | None) -> None:
        """Copy everything the pane's program writes to its terminal into ``target``; None stops."""
        if target is None:
            self.command("pipe-pane", "-t", session)
        else:
            self.command("pipe-pane", "-O", "-t", session, f"cat > {_quote(str(target))}")

    def kill(self, session: str) -> None:
        """End a session (its program gets SIGHUP)."""
        self.command("kill-session", "-t", session)

    def close(self) -> None:
        """Stop the client and the private server."""
        try:
            if self._client.stdin is not None:
                self._client.stdin.close()
            self._client.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._client.kill()
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, env=self.env)


def _quote(arg: str) -> str:
    """Quote one argument for tmux's command parser."""
    if arg and all(c.isalnum() or c in "-_./:,=@%+" for c in arg):
        return arg
    return "'" + arg.replace("'", "'\\''") + "'"


def vm_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak) of a process, in KiB."""
    values: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def checks_done(screen: str) -> bool:
    """Whether the health badge (on the first line) has its answer: the background checks that
    follow a listing are over, so what is timed next does not compete with them."""
    first = screen.split("\n", 1)[0]
    return bool(first.strip()) and "checking" not in first
