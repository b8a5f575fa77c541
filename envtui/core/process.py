"""Run a subprocess from an argument list, collected or streamed line by line.

Used for uv and for maintenance hooks alike. Never a shell string. Streaming comes in two
forms that split lines the same way: :func:`stream` on an asyncio event loop (the TUI), and
:func:`stream_blocking` in the calling thread (the CLI, which then never imports asyncio).
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from envtui.core.errors import EnvtuiError

if TYPE_CHECKING:  # asyncio is imported only when streaming: it costs start-up time
    import asyncio

#: Called with ("stdout" | "stderr", line without its newline) for each line as it arrives.
LineCallback = Callable[[str, str], None]

#: Longest line read in one piece; longer lines are split rather than failing the read.
_LINE_LIMIT = 1 << 20
#: Bytes read from a pipe at a time.
_CHUNK = 1 << 16


@dataclass(frozen=True)
class ProcessResult:
    """What a finished process left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float

    @property
    def ok(self) -> bool:
        """Whether the process exited with status 0."""
        return self.returncode == 0

    def last_error_line(self) -> str:
        """The last non-empty stderr line (or stdout line), for one-line error reports."""
        for text in (self.stderr, self.stdout):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            if lines:
                return lines[-1]
        return f"exit status {self.returncode}"


def run(
    argv: Sequence[str],
    *,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
) -> ProcessResult:
    """Run to completion and collect output; a program that cannot start is an EnvtuiError."""
    started = time.perf_counter()
    try:
        completed = subprocess.run(
            list(argv),
            capture_output=True,
            text=True,
            errors="replace",
            timeout=timeout,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise EnvtuiError(f"{argv[0]} timed out after {timeout:g} s") from exc
    except OSError as exc:
        raise EnvtuiError(f"cannot run {argv[0]}", cause=exc.strerror or str(exc)) from exc
    return ProcessResult(
        tuple(argv),
        completed.returncode,
        completed.stdout,
        completed.stderr,
        time.perf_counter() - started,
    )


async def stream(
    argv: Sequence[str],
    on_line: LineCallback,
    *,
    on_start: Callable[[asyncio.subprocess.Process], None] | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    collect: bool = False,
) -> ProcessResult:
    """Run, calling ``on_line`` for every stdout and stderr line as the program prints it.

    ``on_start`` receives the process (for cancellation). Output is kept in the result only
    when ``collect`` is true, so a job printing 100,000 lines does not hold them all twice.
    """
    import asyncio

    started = time.perf_counter()
    try:
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=env,
            cwd=cwd,
            limit=_LINE_LIMIT,
            start_new_session=True,
        )
    except OSError as exc:
        raise EnvtuiError(f"cannot run {argv[0]}", cause=exc.strerror or str(exc)) from exc
    if on_start is not None:
        on_start(proc)
    kept: dict[str, list[str]] = {"stdout": [], "stderr": []}

    async def pump(reader: asyncio.StreamReader, name: str) -> None:
        # Read in chunks and split here: one readline() per line costs more than the rest of
        # the path together, and does not yield to the loop while whole lines are buffered.
        splitter = _LineSplitter(name, on_line, kept[name].append if collect else None)
        while True:
            chunk = await reader.read(_CHUNK)
            if not chunk:
                splitter.close()
                return
            splitter.feed(chunk)
            await asyncio.sleep(0)  # let the loop answer key presses during a flood

    assert proc.stdout is not None and proc.stderr is not None
    try:
        await asyncio.gather(pump(proc.stdout, "stdout"), pump(proc.stderr, "stderr"))
        returncode = await proc.wait()
    except asyncio.CancelledError:
        # Whoever waited has gone (a cancelled worker, an app that quit): do not leave the
        # program running on its own. It runs in its own session, so reach its children too.
        _end_group(proc.pid)
        raise
    return ProcessResult(
        tuple(argv),
        returncode,
        "\n".join(kept["stdout"]),
        "\n".join(kept["stderr"]),
        time.perf_counter() - started,
    )


def _end_group(pid: int) -> None:
    """SIGTERM a process group now and SIGKILL it a second later if it is still there.

    Nothing is waited for here: the event loop's child watcher reaps the process.
    """
    import signal
    import threading

    def send(sig: int) -> None:
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    send(signal.SIGTERM)
    timer = threading.Timer(1.0, send, (signal.SIGKILL,))
    timer.daemon = True
    timer.start()


def stream_blocking(
    argv: Sequence[str],
    on_line: LineCallback,
    *,
    on_start: Callable[[subprocess.Popen], None] | None = None,
    tick: Callable[[], float | None] | None = None,
    wake_fd: int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    collect: bool = False,
) -> ProcessResult:
    """:func:`stream` without an event loop (and without importing asyncio): for the CLI.

    Lines reach ``on_line`` in the calling thread as the program prints them. ``tick`` is
    called whenever the wait wakes up (output arrived, ``wake_fd`` became readable, or the
    timeout ``tick`` last returned ran out) and returns the next timeout in seconds, or None
    to wait for output only: that is where a caller flushes batches, sends signals and checks
    for a cancel. ``wake_fd`` (e.g. a ``signal.set_wakeup_fd`` pipe) is drained, not closed.
    """
    import selectors

    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        raise EnvtuiError(f"cannot run {argv[0]}", cause=exc.strerror or str(exc)) from exc
    if on_start is not None:
        on_start(proc)
    kept: dict[str, list[str]] = {"stdout": [], "stderr": []}
    assert proc.stdout is not None and proc.stderr is not None
    selector = selectors.DefaultSelector()
    try:
        for pipe, name in ((proc.stdout, "stdout"), (proc.stderr, "stderr")):
            selector.register(
                pipe.fileno(),
                selectors.EVENT_READ,
                _LineSplitter(name, on_line, kept[name].append if collect else None),
            )
        if wake_fd is not None:
            selector.register(wake_fd, selectors.EVENT_READ, None)
        open_pipes = 2
        timeout = tick() if tick is not None else None
        while open_pipes:
            for key, _ in selector.select(timeout):
                try:
                    chunk = os.read(key.fd, _CHUNK)
                except BlockingIOError:  # a wake-up fd someone else drained first
                    continue
                if key.data is None:
                    continue  # a wake-up: only the tick below matters
                if chunk:
                    key.data.feed(chunk)
                else:
                    key.data.close()
                    selector.unregister(key.fd)
                    open_pipes -= 1
            timeout = tick() if tick is not None else None
        while True:  # the pipes are closed; the program is (nearly always) gone too
            try:
                returncode = proc.wait(0.05 if timeout is None else max(min(timeout, 0.05), 0.0))
                break
            except subprocess.TimeoutExpired:
                timeout = tick() if tick is not None else None
    finally:
        selector.close()
        proc.stdout.close()
        proc.stderr.close()
    return ProcessResult(
        tuple(argv),
        returncode,
        "\n".join(kept["stdout"]),
        "\n".join(kept["stderr"]),
        time.perf_counter() - started,
    )


class _LineSplitter:
    """Bytes read from one pipe in chunks, handed on as lines (decoded, without line endings)."""

    __slots__ = ("keep", "name", "on_line", "pending")

    def __init__(self, name: str, on_line: LineCallback, keep: Callable[[str], None] | None) -> None:
        self.name = name
        self.on_line = on_line
        self.keep = keep
        self.pending = b""

    def feed(self, chunk: bytes) -> None:
        """Hand on every whole line in ``chunk``; keep the unfinished rest for the next one."""
        pieces = (self.pending + chunk).split(b"\n")
        pending = pieces.pop()
        if len(pending) > _LINE_LIMIT:  # an endless line: hand it over in pieces
            pieces.append(pending)
            pending = b""
        self.pending = pending
        keep, on_line, name = self.keep, self.on_line, self.name
        for raw in pieces:
            line = raw.decode("utf-8", "replace").rstrip("\r")
            if keep is not None:
                keep(line)
            on_line(name, line)

    def close(self) -> None:
        """The pipe ended: hand on an unfinished last line."""
        if self.pending:
            line = self.pending.decode("utf-8", "replace").rstrip("\r")
            self.pending = b""
            if self.keep is not None:
                self.keep(line)
            self.on_line(self.name, line)
