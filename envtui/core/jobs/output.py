"""One running job's output: every line to the full log on disk, uv's error and change lines noted on
the job, and batches for the listener.

A job printing 100,000 lines must flood nothing: lines reach the listener in batches of at
most ``max_batch`` (the engine also flushes on a short timer), while the log on disk keeps
them all. ``emit`` is the hot path of every job, so it binds what it touches once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import repeat
from pathlib import Path
from typing import IO

from envtui.core.jobs import history
from envtui.core.jobs.job import Job, JobListener, Line
from envtui.core.jobs.preview import parse_change_line
from envtui.core.jobs.uv_errors import MAX_ERROR_LINES, error_step

#: Most change lines kept on a job (a sync of a huge environment prints one per package).
MAX_CHANGE_LINES = 100_000
#: In a chunk of lines: one that may start an error block, and one that may be a change line.
_MAYBE_ERROR = re.compile(r"^[eEfF]", re.MULTILINE)
_MAYBE_CHANGE = re.compile(r"^ [-+~].*$", re.MULTILINE)


class JobOutput:
    """Where one job's lines go while it runs."""

    def __init__(self, job: Job, listener: JobListener, *, log_path: Path | None, max_batch: int) -> None:
        self.job = job
        self.listener = listener
        self._log: IO[str] | None = None
        if log_path is not None:
            try:
                self._log = history.open_log(log_path)  # private, credentials masked
                job.log_path = log_path
            except OSError:
                job.log_path = None
        self._buffer: list[Line] = []
        self.emit, self.emit_many = self._emitters(max_batch)
        """Take one line: ``emit(stream, line)``; or a chunk of them: ``emit_many(stream, lines)``
        (both safe only from the thread driving the job)."""

    def _emitters(self, max_batch: int) -> tuple[Callable[[str, str], None], Callable[[str, list[str]], None]]:
        job = self.job
        write = self._log.write if self._log is not None else None
        buffer = self._buffer
        append = buffer.append
        errors = job.error_lines
        changes = job.change_lines
        hand_over = self._hand_over
        in_error = False

        def emit(stream: str, line: str) -> None:
            nonlocal in_error
            if write is not None:
                write(line + "\n")
            if stream == "stderr" and (in_error or line[:1] in "eEfF"):
                in_error, keep = error_step(in_error, line)
                if keep and len(errors) < MAX_ERROR_LINES:
                    errors.append(line)
            if (
                line[:2] in (" +", " -", " ~")
                and len(changes) < MAX_CHANGE_LINES
                and parse_change_line(line) is not None
            ):
                changes.append(line)
            append((stream, line))
            if len(buffer) >= max_batch:
                hand_over()

        def emit_many(stream: str, lines: list[str]) -> None:
            """What ``emit`` does for each line, with the work per line only where a line may matter."""
            nonlocal in_error
            text = "\n".join(lines)
            if write is not None:
                write(text + "\n")
            if stream == "stderr" and (in_error or _MAYBE_ERROR.search(text)):
                for line in lines:
                    if in_error or line[:1] in "eEfF":
                        in_error, keep = error_step(in_error, line)
                        if keep and len(errors) < MAX_ERROR_LINES:
                            errors.append(line)
            for found in _MAYBE_CHANGE.finditer(text):
                line = found.group()
                if len(changes) < MAX_CHANGE_LINES and parse_change_line(line) is not None:
                    changes.append(line)
            buffer.extend(zip(repeat(stream), lines))
            if len(buffer) >= max_batch:
                hand_over()

        return emit, emit_many

    @property
    def pending(self) -> bool:
        """Whether lines wait for the next flush."""
        return bool(self._buffer)

    def _hand_over(self) -> None:
        buffer = self._buffer
        if buffer:
            batch = buffer[:]
            buffer.clear()
            self.listener.on_lines(self.job, batch)

    def flush(self) -> None:
        """Hand the buffered lines to the listener as one batch, and push the log to disk."""
        self._hand_over()
        if self._log is not None:
            self._log.flush()

    def close(self, last_words: str) -> None:
        """Flush, end the log with ``last_words`` and close it."""
        self.flush()
        if self._log is not None:
            self._log.write(last_words + "\n")
            self._log.close()
            self._log = None
