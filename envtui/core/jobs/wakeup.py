"""Waking the thread that drives jobs: a cancel from another thread, or ctrl+c.

The driver waits on uv's output (or on the lock) with ``select``; a byte written into this
pipe ends the wait at once. :meth:`Wakeup.wake` writes one from any thread (the TUI's cancel).
On the main thread (the CLI) ctrl+c does too: for as long as the driver runs, SIGINT only
counts (``signal.set_wakeup_fd`` writes the byte), never raises mid-line, and the driver
turns each ctrl+c into a cancel of the running job. SIGTERM and SIGHUP (a dropped SSH link)
are counted the same way but mean "envtui is being stopped": the driver stops uv at once and
the job ends ``interrupted``, instead of envtui dying with uv left changing the environment.
"""

from __future__ import annotations

import os
import select
import signal
import threading
import time
from collections.abc import Callable
from types import FrameType
from typing import Any


class Wakeup:
    """A pipe that ends the driver's waits; on the main thread it also counts ctrl+c."""

    def __init__(self) -> None:
        self.fd = -1
        """Readable when someone woke the driver: wait on it next to uv's pipes."""
        self._write_fd = -1
        self._interrupts = 0
        self._taken = 0
        self._old_handlers: dict[int, Callable[[int, FrameType | None], Any] | int | None] = {}
        self._old_wakeup = -1
        self.stopped_by: int | None = None
        """SIGTERM or SIGHUP when envtui was told to stop while the driver ran, else None."""
        self._catching = False
        self._closing = threading.Lock()

    def __enter__(self) -> Wakeup:
        self.fd, self._write_fd = os.pipe()
        for fd in (self.fd, self._write_fd):
            os.set_blocking(fd, False)
        if threading.current_thread() is threading.main_thread():
            self._old_wakeup = signal.set_wakeup_fd(self._write_fd)
            self._old_handlers[signal.SIGINT] = signal.signal(signal.SIGINT, self._count)
            for sig in (signal.SIGTERM, signal.SIGHUP):
                self._old_handlers[sig] = signal.signal(sig, self._stop)
            self._catching = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._catching:
            # None: the old handler was not set from Python and cannot be put back; the default then
            for sig, old in self._old_handlers.items():
                signal.signal(sig, signal.SIG_DFL if old is None else old)
            signal.set_wakeup_fd(self._old_wakeup)
            self._catching = False
        with self._closing:  # a wake() from another thread never writes into a reused descriptor
            os.close(self.fd)
            os.close(self._write_fd)
            self.fd = self._write_fd = -1

    def _count(self, signum: int, frame: FrameType | None) -> None:
        self._interrupts += 1

    def _stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopped_by is None:
            self.stopped_by = signum

    def wake(self) -> None:
        """End the driver's current wait (safe from any thread)."""
        with self._closing:
            if self._write_fd < 0:
                return
            try:
                os.write(self._write_fd, b"\0")
            except BlockingIOError:  # full: a wake-up is pending anyway
                pass

    def take_interrupt(self) -> bool:
        """Whether a ctrl+c came that the driver has not acted on yet (each is taken once)."""
        if self._taken < self._interrupts:
            self._taken += 1
            return True
        return False

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``; a wake-up ends it early."""
        if self.fd < 0:
            time.sleep(seconds)
            return
        readable, _, _ = select.select([self.fd], [], [], seconds)
        if readable:
            try:
                os.read(self.fd, 4096)
            except BlockingIOError:
                pass
