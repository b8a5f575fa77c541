"""Every child process envtui starts — uv, maintenance hooks, interpreter and import probes — goes
through here: spawned, streamed line by line, bounded by a timeout, and stopped.

A child is always an argument list, never a shell string. :func:`spawn` is the one place a
child is started: in its own session (so its process group holds whatever it starts in turn,
and one signal reaches them all), reading nothing from the terminal, its stdout and stderr
piped. Anything every child should get (a parent-death signal on Linux, so a killed envtui
takes uv down with it) is added there once.

No event loop: :func:`stream` waits on the pipes with ``selectors`` in the calling thread and
hands each line on as it arrives; whoever must stay responsive (the TUI) calls it from a
worker thread. ``tick`` and ``wake_fd`` let the caller act while it waits (flush output,
send a due signal, notice a cancel). :func:`run` is the bounded, collected form.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from envtui.core.errors import EnvtuiError

#: Called with ("stdout" | "stderr", line without its newline) for each line as it arrives.
LineCallback = Callable[[str, str], None]
#: Called with ("stdout" | "stderr", lines) for the whole lines of each chunk read: for a
#: receiver that can take a flood without doing something per line (a job's output).
LinesCallback = Callable[[str, list[str]], None]
#: Called whenever a wait wakes; returns how long the next wait may last (None: until output).
#: Raising from it abandons the child: its process group is stopped and the exception goes on.
Tick = Callable[[], "float | None"]

#: Longest line read in one piece; longer lines are split rather than failing the read.
_LINE_LIMIT = 1 << 20
#: Bytes read from a pipe at a time.
_CHUNK = 1 << 16
#: How long the pipes are still read after a child was stopped (a grandchild that left the
#: process group may hold them open for ever).
_DRAIN_SECONDS = 2.0


@dataclass(frozen=True)
class ProcessResult:
    """What a finished process left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    """Everything it printed, when it was collected (else empty)."""
    stderr: str
    duration: float

    @property
    def ok(self) -> bool:
        """Whether the process exited with status 0."""
        return self.returncode == 0

    def last_error_line(self) -> str:
        """The last non-empty stderr line (or stdout line), for one-line error reports."""
        return last_line(self.stderr, self.stdout) or f"exit status {self.returncode}"


#: Runs a command line to its end and returns what it left: :func:`run`, or a caller's own (a
#: job's, which its cancelling stops; the TUI's, which gives up when its worker is cancelled).
Runner = Callable[[Sequence[str]], ProcessResult]


class TimedOut(EnvtuiError):
    """A child outlived its timeout; its whole process group was stopped."""

    def __init__(self, argv: Sequence[str], timeout: float, result: ProcessResult) -> None:
        super().__init__(f"{argv[0]} timed out after {timeout:g} s")
        self.timeout = timeout
        self.result = result
        """What it printed before it was stopped (collected output only)."""


def last_line(*texts: str) -> str:
    """The last non-empty line of the first text that has one, stripped; empty when none has."""
    for text in texts:
        for line in reversed(text.splitlines()):
            if line.strip():
                return line.strip()
    return ""


def spawn(
    argv: Sequence[str], *, env: dict[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> subprocess.Popen[bytes]:
    """Start a child in its own session, stdin from /dev/null, stdout and stderr piped.

    The one place envtui starts a program. A program that cannot start is an EnvtuiError
    whose ``__cause__`` is the OSError. On Linux the child dies with envtui: its own session
    keeps it from ctrl+c and a dropped SSH link's SIGHUP (envtui decides what stops it), so a
    parent-death signal is what stops it when envtui itself is killed, even by SIGKILL — uv
    never goes on changing an environment that nobody watches.
    """
    try:
        return subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
    except OSError as exc:
        raise EnvtuiError(f"cannot run {argv[0]}", cause=exc.strerror or str(exc)) from exc


def _die_with_parent() -> Callable[[], None] | None:
    """A pre-exec function that asks Linux to SIGKILL the child when its parent goes; None elsewhere.

    Everything is looked up here, in the parent: between fork and exec the child only calls
    ``prctl`` and compares its parent's pid (had the parent died before the call, the child's
    parent is already another process, and it leaves at once).
    """
    prctl = _prctl()
    if prctl is None:
        return None
    parent = os.getpid()
    kill, getppid, exit_now = signal.SIGKILL, os.getppid, os._exit

    def arm() -> None:
        prctl(_PR_SET_PDEATHSIG, kill, 0, 0, 0)
        if getppid() != parent:
            exit_now(1)

    return arm


#: ``PR_SET_PDEATHSIG`` from <linux/prctl.h>.
_PR_SET_PDEATHSIG = 1
_PRCTL: list[Callable[..., int] | None] = []


def _prctl() -> Callable[..., int] | None:
    """libc's ``prctl`` on Linux (looked up once), else None."""
    if not _PRCTL:
        found: Callable[..., int] | None = None
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                found = ctypes.CDLL(None, use_errno=True).prctl
            except (OSError, AttributeError):
                found = None
        _PRCTL.append(found)
    return _PRCTL[0]


def signal_group(proc: subprocess.Popen[bytes], sig: int) -> bool:
    """Send ``sig`` to a child's whole process group; False when the child has already been reaped.

    A reaped child's pid may belong to someone else by now, so it is never signalled.
    """
    if proc.returncode is not None:
        return False
    try:
        os.killpg(proc.pid, sig)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def stop(proc: subprocess.Popen[bytes], grace: float) -> None:
    """Stop a child's process group: SIGTERM, then SIGKILL if it is still there after ``grace`` seconds."""
    if not signal_group(proc, signal.SIGTERM):
        return
    try:
        proc.wait(grace)
        return
    except subprocess.TimeoutExpired:
        pass
    signal_group(proc, signal.SIGKILL)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not fail
        pass


def stream(
    argv: Sequence[str],
    on_line: LineCallback | None,
    *,
    on_lines: LinesCallback | None = None,
    on_start: Callable[[subprocess.Popen[bytes]], None] | None = None,
    tick: Tick | None = None,
    wake_fd: int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    collect: bool = False,
    timeout: float | None = None,
    grace: float = 1.0,
) -> ProcessResult:
    """Run a program, calling ``on_line`` in this thread for every stdout and stderr line as it is printed.

    ``on_lines``, when given, takes each chunk's whole lines at once instead of ``on_line``.
    ``on_start`` receives the child (to signal it). Output is kept in the result only when
    ``collect`` is true, so a job printing 100,000 lines does not hold them twice; with no
    ``on_line`` it is collected as it came, not split into lines. ``tick`` is called whenever
    the wait wakes (output arrived, ``wake_fd`` became readable, or the time ``tick`` last
    returned ran out): there a caller flushes batches, sends signals and notices a cancel.
    ``wake_fd`` (e.g. a ``signal.set_wakeup_fd`` pipe) is drained, never closed.

    After ``timeout`` seconds the child's group is stopped (SIGTERM, SIGKILL after ``grace``)
    and :class:`TimedOut` raised. Anything raised while waiting (by ``tick``, ``on_line`` or
    a KeyboardInterrupt) stops the group the same way before it goes on: no child outlives
    the one who waited for it.
    """
    proc = spawn(argv, env=env, cwd=cwd)
    if on_start is not None:
        on_start(proc)
    return follow(
        proc, on_line, on_lines=on_lines, tick=tick, wake_fd=wake_fd, collect=collect, timeout=timeout, grace=grace
    )


def run(
    argv: Sequence[str],
    *,
    timeout: float | None = None,
    env: dict[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> ProcessResult:
    """Run to completion and collect its output; past ``timeout`` its group is killed and TimedOut raised."""
    return stream(argv, None, collect=True, timeout=timeout, env=env, cwd=cwd, grace=0.0)


def follow(
    proc: subprocess.Popen[bytes],
    on_line: LineCallback | None,
    *,
    on_lines: LinesCallback | None = None,
    tick: Tick | None = None,
    wake_fd: int | None = None,
    collect: bool = False,
    timeout: float | None = None,
    grace: float = 1.0,
) -> ProcessResult:
    """Wait for a child :func:`spawn` started, as :func:`stream` does (which see); for a caller
    that does something else between starting it and waiting."""
    started = time.perf_counter()
    deadline = None if timeout is None else time.monotonic() + timeout
    assert proc.stdout is not None and proc.stderr is not None
    out, err = _Reader("stdout", on_line, collect, on_lines), _Reader("stderr", on_line, collect, on_lines)
    readers = {proc.stdout.fileno(): out, proc.stderr.fileno(): err}
    selector = selectors.DefaultSelector()
    timed_out = False
    try:
        for fd in readers:
            selector.register(fd, selectors.EVENT_READ)
        if wake_fd is not None:
            selector.register(wake_fd, selectors.EVENT_READ)
        wait = tick() if tick is not None else None
        while readers:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    stop(proc, grace)
                    _drain(selector, readers)
                    break
                wait = left if wait is None else min(wait, left)
            for key, _ in selector.select(wait):
                try:
                    chunk = os.read(key.fd, _CHUNK)
                except BlockingIOError:  # a wake-up fd someone else drained first
                    continue
                reader = readers.get(key.fd)
                if reader is None:
                    continue  # a wake-up: only the tick below matters
                if chunk:
                    reader.feed(chunk)
                    time.sleep(0)  # let a thread waiting for the GIL (the TUI's) in between chunks
                else:
                    reader.close()
                    selector.unregister(key.fd)
                    del readers[key.fd]
            wait = tick() if tick is not None else None
        while (returncode := proc.poll()) is None:  # the pipes are closed; the child is (nearly always) gone too
            if deadline is not None and time.monotonic() >= deadline:
                timed_out = True
                stop(proc, grace)
                continue
            try:
                proc.wait(0.05 if wait is None else max(min(wait, 0.05), 0.0))
            except subprocess.TimeoutExpired:
                wait = tick() if tick is not None else None
    except BaseException:
        stop(proc, grace)
        raise
    finally:
        selector.close()
        proc.stdout.close()
        proc.stderr.close()
    argv = tuple(str(arg) for arg in proc.args) if isinstance(proc.args, (list, tuple)) else (str(proc.args),)
    result = ProcessResult(argv, returncode, out.text(), err.text(), time.perf_counter() - started)
    if timed_out:
        raise TimedOut(result.argv, timeout or 0.0, result)
    return result


def _drain(selector: selectors.BaseSelector, readers: dict[int, _Reader]) -> None:
    """Read what a stopped child left in its pipes, for a little while."""
    deadline = time.monotonic() + _DRAIN_SECONDS
    while readers and (left := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(left):
            reader = readers.get(key.fd)
            if reader is None:
                try:
                    os.read(key.fd, _CHUNK)
                except BlockingIOError:
                    pass
                continue
            chunk = os.read(key.fd, _CHUNK)
            if chunk:
                reader.feed(chunk)
            else:
                reader.close()
                selector.unregister(key.fd)
                del readers[key.fd]


class _Reader:
    """Bytes read from one pipe in chunks, handed on as lines (decoded, without line endings)."""

    __slots__ = ("chunks", "kept", "name", "on_line", "on_lines", "pending")

    def __init__(
        self, name: str, on_line: LineCallback | None, collect: bool, on_lines: LinesCallback | None = None
    ) -> None:
        self.name = name
        self.on_line = on_line
        self.on_lines = on_lines
        wanted = on_line is not None or on_lines is not None
        self.kept: list[str] | None = [] if collect and wanted else None
        """Lines kept for the result (when lines are handed on too)."""
        self.chunks: list[bytes] | None = [] if collect and not wanted else None
        """Raw output kept for the result (when nobody wants lines)."""
        self.pending = b""

    def feed(self, chunk: bytes) -> None:
        """Hand on every whole line in ``chunk``; keep the unfinished rest for the next one.

        The whole lines are decoded and split in one go (a newline byte is never inside a
        UTF-8 sequence, so this reads exactly as line by line would).
        """
        if self.on_line is None and self.on_lines is None:
            if self.chunks is not None:
                self.chunks.append(chunk)
            return
        data = self.pending + chunk
        cut = data.rfind(b"\n")
        rest = data[cut + 1 :]
        if len(rest) > _LINE_LIMIT:  # an endless line: hand it over in pieces
            cut, rest = len(data), b""
        self.pending = rest
        if cut < 0:
            return
        text = data[:cut].decode("utf-8", "replace")
        lines = text.split("\n")
        if "\r" in text:
            lines = [line.rstrip("\r") for line in lines]
        if self.kept is not None:
            self.kept.extend(lines)
        if self.on_lines is not None:
            self.on_lines(self.name, lines)
            return
        on_line, name = self.on_line, self.name
        assert on_line is not None
        for line in lines:
            on_line(name, line)

    def close(self) -> None:
        """The pipe ended: hand on an unfinished last line."""
        if self.pending and (self.on_line is not None or self.on_lines is not None):
            line = self.pending.decode("utf-8", "replace").rstrip("\r")
            self.pending = b""
            if self.kept is not None:
                self.kept.append(line)
            if self.on_lines is not None:
                self.on_lines(self.name, [line])
            elif self.on_line is not None:
                self.on_line(self.name, line)

    def text(self) -> str:
        """What was collected."""
        if self.chunks is not None:
            return b"".join(self.chunks).decode("utf-8", "replace")
        return "\n".join(self.kept) if self.kept is not None else ""


class Stopped(Exception):
    """:func:`run_group` ended the program because its ``stop`` callback asked for it."""


def run_group(
    argv: Sequence[str],
    *,
    output: int | None = None,
    env: dict[str, str] | None = None,
    cwd: str | None = None,
    stop: Callable[[], bool] | None = None,
    interval: float = 0.1,
    grace: float = 2.0,
) -> ProcessResult:
    """Run to completion in a session of its own, output to the file descriptor ``output``.

    For long programs whose output is not read (a benchmark's pip and uv): ``stop`` is asked
    every ``interval`` seconds and, when it says so, the program's whole process group is ended
    and :class:`Stopped` raised. Anything else that cuts the wait short (ctrl+c's
    KeyboardInterrupt in the CLI) ends the group the same way before it goes on, so no child
    keeps writing into directories the caller is about to remove.
    """
    import signal
    import threading

    target = output if output is not None else subprocess.DEVNULL
    started = time.perf_counter()
    try:
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=target,
            stderr=target,
            env=env,
            cwd=cwd,
            start_new_session=True,
            preexec_fn=_die_with_parent(),
        )
    except OSError as exc:
        raise EnvtuiError(f"cannot run {argv[0]}", cause=exc.strerror or str(exc)) from exc
    # A thread waits for the exit and notes its time: Popen.wait(timeout) polls in steps of up
    # to 50 ms, too coarse to time a program that runs for a fifth of a second.
    exited = threading.Event()
    ended: list[float] = []

    def reap() -> None:
        proc.wait()
        ended.append(time.perf_counter())
        exited.set()

    threading.Thread(target=reap, name=f"wait-{proc.pid}", daemon=True).start()
    try:
        while not exited.wait(interval):
            if stop is not None and stop():
                raise Stopped()
    except BaseException:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
            if exited.wait(grace):
                break
        raise
    return ProcessResult(tuple(argv), proc.returncode, "", "", ended[0] - started)
