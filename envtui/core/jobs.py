"""The job engine: every change to an environment is a job that runs uv, streams, and is recorded.

One engine serves the TUI and the CLI. Jobs on one environment run one at a time, in order:
an in-process queue per environment, and :class:`~envtui.core.lock.EnvLock` across processes
(a second ``envtui install`` waits its turn and says so). Around uv run the before/after
steps from :func:`~envtui.core.job_steps.collect_steps` (maintenance hooks, snapshots).

Output reaches a :class:`JobListener` in batches (at most every ``flush_interval`` seconds or
``max_batch`` lines), so a job printing 100,000 lines floods nothing; every line also goes to
the job's full log on disk. Cancelling sends SIGINT to uv's process group, then SIGTERM after
a grace period (SIGKILL after a second one), and the job ends "cancelled".

A failed uv run leaves the environment as it was: uv resolves and downloads everything before
it touches site-packages, so an unknown package, a missing version, a network failure or a
resolution conflict all fail before any change.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

from envtui.core import history
from envtui.core.change import ChangeRequest, build_argv
from envtui.core.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.job_steps import collect_steps
from envtui.core.lock import POLL_INTERVAL, EnvLock
from envtui.core.preview import Preview, parse_change_line, parse_changes, parse_dry_run
from envtui.core.steps import Step, StepContext, StepFailed
from envtui.core.uv import Uv

QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED = "queued", "running", "succeeded", "failed", "cancelled"

#: One output line: ``(stream, text)``; stream is ``"stdout"``, ``"stderr"`` or ``"envtui"``.
Line = tuple[str, str]

#: Most error lines kept on a job (uv's error block can carry a long build traceback).
MAX_ERROR_LINES = 60

_ERROR_START = re.compile(r"^(error|fatal)\b:?", re.IGNORECASE)
_ERROR_FOLLOW = re.compile(r"^(\s+\S|\s*(cause|hint|caused by)\b:?)", re.IGNORECASE)


def is_error_line(line: str) -> bool:
    """Whether a line starts one of uv's errors (``error: …``), for highlighting."""
    return bool(_ERROR_START.match(line))


class JobListener:
    """What the UI or CLI hears about jobs; override the methods you need (all run on the loop)."""

    def on_queued(self, job: Job) -> None:
        """A job was accepted and waits for its turn."""

    def on_started(self, job: Job) -> None:
        """A job began (it may still wait for another process's lock)."""

    def on_lines(self, job: Job, lines: list[Line]) -> None:
        """A batch of output lines, in order."""

    def on_finished(self, job: Job) -> None:
        """A job ended: succeeded, failed or cancelled."""


@dataclass(eq=False)
class Job:
    """One change job: what it runs, where, and how it is going."""

    id: str
    request: ChangeRequest
    env: Environment
    argv: list[str]
    status: str = QUEUED
    """``queued``, ``running``, ``succeeded``, ``failed`` or ``cancelled``."""
    queued_at: float = field(default_factory=time.time)
    started_at: float | None = None
    finished_at: float | None = None
    returncode: int | None = None
    """uv's exit status; None when uv did not run."""
    log_path: Path | None = None
    error_lines: list[str] = field(default_factory=list)
    """uv's error block (``error:``, ``cause:``, ``hint:`` and their continuations)."""
    message: str = ""
    """How it ended, in one line (e.g. ``step 'snapshot' failed: disk full``)."""
    change_lines: list[str] = field(default_factory=list)
    """uv's ``+``/``-``/``~`` summary lines, to tell what the job changed."""
    cancel_requested: bool = False
    step_data: dict[str, Any] = field(default_factory=dict)
    """Shared by the job's steps (``StepContext.data``)."""
    _proc: asyncio.subprocess.Process | None = field(default=None, repr=False)
    _done: asyncio.Future | None = field(default=None, repr=False)
    _in_error: bool = field(default=False, repr=False)
    _emit_fn: Callable[[str, str], None] | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """``install``, ``upgrade``, ``uninstall`` or ``sync``."""
        return self.request.kind

    @property
    def finished(self) -> bool:
        """Whether the job has ended."""
        return self.status in (SUCCEEDED, FAILED, CANCELLED)

    @property
    def duration(self) -> float | None:
        """Seconds it ran (so far, while running); None before it started."""
        if self.started_at is None:
            return None
        return (self.finished_at or time.time()) - self.started_at

    @property
    def changes(self) -> Preview:
        """What the job changed, from uv's summary lines."""
        return parse_changes(self.change_lines)

    def describe(self) -> str:
        """A short human description, e.g. ``install alpha``."""
        return self.request.describe()

    def record(self) -> history.JobRecord:
        """The history record of this job as it stands."""
        return history.JobRecord(
            id=self.id,
            kind=self.kind,
            env=env_key(self.env),
            command=list(self.argv),
            status=self.status,
            description=self.describe(),
            started=self.started_at,
            duration=self.duration if self.finished else None,
            returncode=self.returncode,
            log=str(self.log_path or ""),
            error_lines=list(self.error_lines),
            message=self.message,
        )

    def to_json(self) -> dict:
        """The job record plus what it changed (the ``--json`` output of change commands)."""
        data = self.record().to_json()
        data.pop("pid", None)
        data.update(self.changes.to_json())
        return data

    async def wait(self) -> Job:
        """Wait until the job has ended; returns it."""
        if self._done is not None:
            await asyncio.shield(self._done)
        return self


def env_key(env: Environment) -> str:
    """The key of an environment's queue."""
    return str(Path(env.path).resolve())


class JobEngine:
    """Runs change jobs: queue per environment, lock across processes, steps around uv."""

    def __init__(
        self,
        uv: Uv | None = None,
        *,
        listener: JobListener | None = None,
        steps: Callable[[Environment], tuple[Sequence[Step], Sequence[Step]]] | None = None,
        config: Any = None,
        grace: float = 3.0,
        flush_interval: float = 0.05,
        max_batch: int = 500,
        keep_history: bool = True,
        uv_env: dict[str, str] | None = None,
    ) -> None:
        self.uv = uv or Uv()
        self.listener = listener or JobListener()
        self._steps = steps or (lambda env: collect_steps(env, config))
        self.grace = grace
        self.flush_interval = flush_interval
        self.max_batch = max_batch
        self.keep_history = keep_history
        self.uv_env = uv_env
        self.jobs: list[Job] = []
        """Every job this engine was given, oldest first."""
        self._queues: dict[str, deque[Job]] = {}
        self._workers: dict[str, asyncio.Task] = {}
        self._buffers: dict[str, list[Line]] = {}
        self._logs: dict[str, IO[str]] = {}

    # -- submitting and waiting -------------------------------------------------------------

    def submit(self, env: Environment, request: ChangeRequest) -> Job:
        """Queue a job (call from the running event loop); it starts when its turn comes."""
        if not env.writable:
            raise EnvtuiError(
                f"{env.path} is not a virtual environment: envtui will not change it",
                cause="pass --system to change a system interpreter",
            )
        loop = asyncio.get_running_loop()
        job = Job(id=history.new_job_id(), request=request, env=env,
                  argv=build_argv(self.uv, env, request))
        job._done = loop.create_future()
        self.jobs.append(job)
        key = env_key(env)
        self._queues.setdefault(key, deque()).append(job)
        self.listener.on_queued(job)
        worker = self._workers.get(key)
        if worker is None or worker.done():
            self._workers[key] = loop.create_task(self._work(key), name=f"envtui-jobs:{key}")
        return job

    async def run(self, env: Environment, request: ChangeRequest) -> Job:
        """Submit a job and wait for it to end."""
        return await self.submit(env, request).wait()

    def queued(self, env: Environment | None = None) -> list[Job]:
        """Jobs waiting for their turn (on one environment, or on all)."""
        keys = [env_key(env)] if env is not None else list(self._queues)
        return [job for key in keys for job in self._queues.get(key, ())]

    def running(self) -> list[Job]:
        """Jobs running now (at most one per environment)."""
        return [job for job in self.jobs if job.status == RUNNING]

    # -- cancelling -------------------------------------------------------------------------

    def cancel(self, job: Job) -> bool:
        """Cancel a queued or running job; False when it had already ended."""
        if job.finished:
            return False
        if job.status == QUEUED:
            queue = self._queues.get(env_key(job.env))
            if queue is not None and job in queue:
                queue.remove(job)
            job.cancel_requested = True
            job.message = "cancelled before it started"
            self._finish(job, CANCELLED)
            return True
        if job.cancel_requested:  # a second cancel: do not wait for the grace period
            self._signal(job, signal.SIGTERM)
            return True
        job.cancel_requested = True
        self._emit(job, "envtui", "cancelling: sent SIGINT to uv" if job._proc else "cancelling")
        if job._proc is not None and job._proc.returncode is None:
            self._signal(job, signal.SIGINT)
            loop = asyncio.get_running_loop()
            loop.call_later(self.grace, self._signal, job, signal.SIGTERM)
            loop.call_later(self.grace * 2, self._signal, job, signal.SIGKILL)
        return True

    def cancel_all(self) -> None:
        """Cancel every queued and running job (e.g. when the app quits)."""
        for job in list(self.jobs):
            if not job.finished:
                self.cancel(job)

    @staticmethod
    def _signal(job: Job, sig: int) -> None:
        proc = job._proc
        if proc is None or proc.returncode is not None:
            return
        try:
            os.killpg(proc.pid, sig)  # uv runs in its own session: reach its children too
        except (ProcessLookupError, PermissionError):
            pass

    # -- running ----------------------------------------------------------------------------

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        while queue:
            job = queue.popleft()
            await self._execute(job)

    async def _execute(self, job: Job) -> None:
        job.status = RUNNING
        job.started_at = time.time()
        self._open_log(job)
        job._emit_fn = self._emitter(job)
        self._save(job)
        self.listener.on_started(job)
        flusher = asyncio.get_running_loop().create_task(self._flush_periodically(job))
        lock = EnvLock(job.env.path)
        outcome = FAILED
        try:
            if await self._wait_for_lock(job, lock):
                outcome = await self._run_with_steps(job)
            else:
                outcome = CANCELLED
        except asyncio.CancelledError:
            self._signal(job, signal.SIGINT)
            self._signal(job, signal.SIGTERM)
            job.message = job.message or "envtui stopped while the job ran"
            outcome = CANCELLED
            raise
        except Exception as exc:  # noqa: BLE001 - a job must always end with a status
            job.message = f"internal error: {type(exc).__name__}: {exc}"
            job.error_lines.append(job.message)
            outcome = FAILED
        finally:
            lock.release()
            flusher.cancel()
            self._finish(job, outcome)

    async def _wait_for_lock(self, job: Job, lock: EnvLock) -> bool:
        holder = f"envtui {job.describe()}"
        told = False
        while not lock.try_acquire(holder):
            if job.cancel_requested:
                return False
            if not told:
                who = lock.holder()
                self._emit(job, "envtui", f"waiting for another job on this environment to finish"
                                          f"{f' (pid {who})' if who else ''}")
                told = True
            await asyncio.sleep(POLL_INTERVAL)
        if told:
            self._emit(job, "envtui", "the other job finished; starting")
        return not job.cancel_requested

    async def _run_with_steps(self, job: Job) -> str:
        before, after = self._steps(job.env)
        outcome: str | None = None
        for step in before:
            if job.cancel_requested:
                outcome = CANCELLED
                break
            self._emit(job, "envtui", f"before: {step.name}")
            try:
                await step.run(self._context(job, "before"))
            except Exception as exc:  # noqa: BLE001 - StepFailed or a crash: either stops the job
                why = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
                job.message = f"step '{step.name}' failed: {why}"
                job.error_lines.append(job.message)
                self._emit(job, "envtui", f"error: {job.message}; uv did not run")
                outcome = FAILED
                break
        if outcome is None:
            outcome = CANCELLED if job.cancel_requested else await self._run_uv(job)
        for step in after:
            self._emit(job, "envtui", f"after: {step.name}")
            try:
                await step.run(self._context(job, "after", outcome))
            except Exception as exc:  # noqa: BLE001
                why = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
                message = f"step '{step.name}' failed: {why}"
                job.error_lines.append(message)
                self._emit(job, "envtui", f"error: {message}")
                if outcome == SUCCEEDED:
                    outcome = FAILED
                    job.message = message
        return outcome

    def _context(self, job: Job, phase: str, outcome: str | None = None) -> StepContext:
        return StepContext(job=job, env=job.env, emit=job._emit_fn or partial(self._emit, job),
                           phase=phase, outcome=outcome, data=job.step_data)

    async def _run_uv(self, job: Job) -> str:
        def started(proc: asyncio.subprocess.Process) -> None:
            job._proc = proc

        self._emit(job, "envtui", "$ " + " ".join(_quote(a) for a in job.argv))
        try:
            result = await self.uv.stream(job.argv, job._emit_fn or partial(self._emit, job),
                                          on_start=started, env=self.uv_env)
        except asyncio.CancelledError:
            self._signal(job, signal.SIGINT)
            self._signal(job, signal.SIGTERM)
            raise
        job.returncode = result.returncode
        if result.returncode == 0:
            return SUCCEEDED
        if job.cancel_requested:
            job.message = "cancelled while uv ran"
            return CANCELLED
        if not job.error_lines:
            job.error_lines.append(f"uv exited with status {result.returncode}")
        job.message = next((line for line in job.error_lines if is_error_line(line)), job.error_lines[0])
        return FAILED

    # -- output -----------------------------------------------------------------------------

    def _emit(self, job: Job, stream: str, line: str) -> None:
        """Take one output line: log it, note errors and changes, and buffer it for the listener."""
        emit = job._emit_fn
        if emit is None:
            emit = job._emit_fn = self._emitter(job)
        emit(stream, line)

    def _emitter(self, job: Job) -> Callable[[str, str], None]:
        """The per-line function of one job, with everything it touches bound once (the hot path)."""
        buffer = self._buffers.setdefault(job.id, [])
        log = self._logs.get(job.id)
        write = log.write if log is not None else None
        append = buffer.append
        max_batch = self.max_batch
        errors = job.error_lines
        changes = job.change_lines
        flush = self._flush

        def emit(stream: str, line: str) -> None:
            if write is not None:
                write(line + "\n")
            if stream == "stderr" and (job._in_error or line[:1] in "eEfF"):
                job._in_error, keep = _error_step(job._in_error, line)
                if keep and len(errors) < MAX_ERROR_LINES:
                    errors.append(line)
            if line[:2] in (" +", " -", " ~") and len(changes) < 100_000 and parse_change_line(line) is not None:
                changes.append(line)
            append((stream, line))
            if len(buffer) >= max_batch:
                flush(job)

        return emit

    def _flush(self, job: Job) -> None:
        buffer = self._buffers.get(job.id)
        if buffer:
            batch = buffer[:]
            buffer.clear()
            self.listener.on_lines(job, batch)

    async def _flush_periodically(self, job: Job) -> None:
        while True:
            await asyncio.sleep(self.flush_interval)
            self._flush(job)
            log = self._logs.get(job.id)
            if log is not None:
                log.flush()

    def _open_log(self, job: Job) -> None:
        if not self.keep_history:
            return
        path = history.log_path(job.id)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._logs[job.id] = open(path, "w", encoding="utf-8", buffering=1 << 16)  # noqa: SIM115
            job.log_path = path
        except OSError:
            job.log_path = None

    def _save(self, job: Job) -> None:
        if self.keep_history:
            try:
                history.save(job.record())
                if job.finished:
                    history.prune()
            except OSError:
                pass

    def _finish(self, job: Job, status: str) -> None:
        job.status = status
        job.finished_at = time.time()
        if job.started_at is None:
            job.started_at = job.finished_at
        if status == CANCELLED and not job.message:
            job.message = "cancelled"
        self._flush(job)
        log = self._logs.pop(job.id, None)
        if log is not None:
            log.write(f"envtui: job {status} after {job.duration:.2f} s\n")
            log.close()
        self._buffers.pop(job.id, None)
        job._emit_fn = None
        self._save(job)
        self.listener.on_finished(job)
        if job._done is not None and not job._done.done():
            job._done.set_result(job)


def _quote(arg: str) -> str:
    return arg if arg and not any(ch in arg for ch in " \t\"'\\$;&|<>*?()[]{}") else repr(arg)


async def preview(env: Environment, request: ChangeRequest, uv: Uv | None = None,
                  *, uv_env: dict[str, str] | None = None) -> Preview:
    """What a request would change, from uv's ``--dry-run``; EnvtuiError (with uv's error) if it cannot."""
    uv = uv or Uv()
    argv = build_argv(uv, env, request, dry_run=True)
    result = await uv.stream(argv, lambda stream, line: None, collect=True, env=uv_env)
    if not result.ok:
        errors = error_block(result.stderr.splitlines())
        raise EnvtuiError(
            f"uv cannot {request.kind}: {errors[0].split(':', 1)[-1].strip() if errors else 'it failed'}",
            cause=" ".join(line.strip() for line in errors[1:3]) or result.last_error_line(),
        )
    return parse_dry_run(result.stdout + "\n" + result.stderr)


def preview_sync(env: Environment, request: ChangeRequest, uv: Uv | None = None) -> Preview:
    """:func:`preview` for code without an event loop (a thread or the CLI)."""
    return asyncio.run(preview(env, request, uv))


def error_block(lines: Iterable[str]) -> list[str]:
    """uv's error lines among its output: each ``error:`` line and what follows it indented."""
    block: list[str] = []
    inside = False
    for line in lines:
        inside, keep = _error_step(inside, line)
        if keep:
            block.append(line)
    return block


def _error_step(inside: bool, line: str) -> tuple[bool, bool]:
    """One line through the error-block reader: (still inside a block, keep this line)."""
    if _ERROR_START.match(line):
        return True, True
    if not inside:
        return False, False
    if not line.strip():
        return True, False  # uv separates its hints from the error with a blank line
    if _ERROR_FOLLOW.match(line):
        return True, True
    return False, False
