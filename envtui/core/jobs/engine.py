"""The job engine: every change to an environment is a job that runs uv, streams, and is recorded.

One engine serves the TUI and the CLI. Jobs on one environment run one at a time, in order:
an in-process queue per environment, and :class:`~envtui.core.jobs.lock.EnvLock` across processes
(a second ``envtui install`` waits its turn and says so). Around uv run the before/after
steps from :func:`~envtui.core.jobs.providers.collect_steps` (maintenance hooks, snapshots).

Output reaches a :class:`JobListener` in batches (at most every ``flush_interval`` seconds or
``max_batch`` lines), so a job printing 100,000 lines floods nothing; every line also goes to
the job's full log on disk. Cancelling sends SIGINT to uv's process group, then SIGTERM after
a grace period (SIGKILL after a second one), and the job ends "cancelled".

Two drivers run a job through the same steps: :meth:`JobEngine.submit` on an asyncio event
loop (the TUI: queued, many jobs, the UI stays live), and :meth:`JobEngine.run_blocking` in
the calling thread (the CLI: one job, ctrl+c cancels it). They share the job model, the lock,
the order of steps and uv (:meth:`JobEngine._plan`), the output handling and the history; the
blocking one never imports asyncio unless a step is async, which keeps ``envtui install`` quick.

A failed uv run leaves the environment as it was: uv resolves and downloads everything before
it touches site-packages, so an unknown package, a missing version, a network failure or a
resolution conflict all fail before any change.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from envtui.core import process
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.lock import POLL_INTERVAL, EnvLock
from envtui.core.jobs.preview import Preview, parse_change_line, parse_changes, parse_dry_run
from envtui.core.jobs.providers import collect_steps
from envtui.core.jobs.steps import Step, StepContext, StepFailed, is_awaitable
from envtui.core.uv import Uv

if TYPE_CHECKING:  # asyncio is imported where a job runs on a loop: the CLI does without it
    import asyncio

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
    _proc: Any = field(default=None, repr=False)
    """uv's process while it runs: an ``asyncio.subprocess.Process`` or a ``subprocess.Popen``."""
    _done: Any = field(default=None, repr=False)
    """An ``asyncio.Future`` for a submitted job; None for one run by ``run_blocking``."""
    _blocking: bool = field(default=False, repr=False)
    _escalation: list[tuple[float, int]] = field(default_factory=list, repr=False)
    """For a blocking job being cancelled: (monotonic time, signal) still to send to uv."""
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
            import asyncio

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
        import asyncio

        loop = asyncio.get_running_loop()
        job = self._new_job(env, request)
        job._done = loop.create_future()
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

    def run_blocking(self, env: Environment, request: ChangeRequest) -> Job:
        """Run one job to its end in this thread, with no event loop; returns it.

        For a caller without a loop (the CLI). The job takes the environment's lock like any
        other (so it waits for jobs of other processes, and of this engine's loop), runs the
        same steps around uv, streams the same batches to the listener and leaves the same
        record. asyncio is imported only if a step is async. On the main thread, ctrl+c
        (SIGINT) while it runs is :meth:`cancel`: SIGINT to uv's process group, SIGTERM after
        the grace period, SIGKILL after a second one; a second ctrl+c sends SIGTERM at once.
        """
        job = self._new_job(env, request)
        job._blocking = True
        self.listener.on_queued(job)
        with _Interrupts() as interrupts:
            self._execute_blocking(job, interrupts)
        return job

    def _new_job(self, env: Environment, request: ChangeRequest) -> Job:
        if not env.writable:
            raise EnvtuiError(
                f"{env.path} is not a virtual environment: envtui will not change it",
                cause="pass --system to change a system interpreter",
            )
        job = Job(id=history.new_job_id(), request=request, env=env, argv=build_argv(self.uv, env, request))
        self.jobs.append(job)
        return job

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
            if job._blocking:  # run_blocking's wait loop sends these when they are due
                now = time.monotonic()
                job._escalation[:] = [(now + self.grace, signal.SIGTERM), (now + self.grace * 2, signal.SIGKILL)]
            else:
                import asyncio

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

    # -- running: what both drivers share ---------------------------------------------------

    def _begin(self, job: Job) -> None:
        job.status = RUNNING
        job.started_at = time.time()
        self._open_log(job)
        job._emit_fn = self._emitter(job)
        self._save(job)
        self.listener.on_started(job)

    def _lock_step(self, job: Job, lock: EnvLock, waiting: list[bool]) -> bool | None:
        """One try at the lock: True (taken: go on), False (give up: cancelled), None (busy).

        The caller waits ``POLL_INTERVAL`` after None and tries again; ``waiting`` remembers
        whether the log already says whom the job waits for.
        """
        if lock.try_acquire(f"envtui {job.describe()}"):
            if waiting:
                self._emit(job, "envtui", "the other job finished; starting")
            return not job.cancel_requested
        if job.cancel_requested:
            return False
        if not waiting:
            who = lock.holder()
            self._emit(
                job, "envtui", f"waiting for another job on this environment to finish{f' (pid {who})' if who else ''}"
            )
            waiting.append(True)
        return None

    def _plan(self, job: Job) -> Generator[tuple[Step, StepContext] | None, Any, str]:
        """The order of a job once it holds the lock: before-steps, uv, after-steps; yields the outcome.

        A generator, so both drivers share every decision: it yields ``(step, ctx)`` for the
        driver to run (an exception it raised is thrown back in here) and ``None`` for uv (the
        driver sends back uv's exit status); it returns ``succeeded``, ``failed`` or ``cancelled``.
        """
        before, after = self._steps(job.env)
        outcome: str | None = None
        for step in before:
            if job.cancel_requested:
                outcome = CANCELLED
                break
            self._emit(job, "envtui", f"before: {step.name}")
            try:
                yield step, self._context(job, "before")
            except Exception as exc:
                if job.cancel_requested:  # the step's process was stopped by a cancel
                    job.message = f"cancelled during step '{step.name}'"
                    self._emit(job, "envtui", f"{job.message}; uv did not run")
                    outcome = CANCELLED
                    break
                job.message = f"step '{step.name}' failed: {_why(exc)}"
                job.error_lines.append(job.message)
                self._emit(job, "envtui", f"error: {job.message}; uv did not run")
                outcome = FAILED
                break
        if outcome is None:
            if job.cancel_requested:
                outcome = CANCELLED
            else:
                self._emit(job, "envtui", "$ " + " ".join(_quote(a) for a in job.argv))
                outcome = self._uv_outcome(job, (yield None))
        for step in after:
            self._emit(job, "envtui", f"after: {step.name}")
            try:
                yield step, self._context(job, "after", outcome)
            except Exception as exc:
                message = f"step '{step.name}' failed: {_why(exc)}"
                job.error_lines.append(message)
                self._emit(job, "envtui", f"error: {message}")
                if outcome == SUCCEEDED:
                    outcome = FAILED
                    job.message = message
        return outcome

    def _context(self, job: Job, phase: str, outcome: str | None = None) -> StepContext:
        def track(proc: Any) -> None:
            job._proc = proc

        return StepContext(
            job=job,
            env=job.env,
            emit=job._emit_fn or partial(self._emit, job),
            phase=phase,
            outcome=outcome,
            data=job.step_data,
            track=track,
        )

    def _uv_outcome(self, job: Job, returncode: int) -> str:
        """How the job went, from uv's exit status."""
        job.returncode = returncode
        if returncode == 0:
            return SUCCEEDED
        if job.cancel_requested:
            job.message = "cancelled while uv ran"
            return CANCELLED
        if not job.error_lines:
            job.error_lines.append(f"uv exited with status {returncode}")
        job.message = next((line for line in job.error_lines if is_error_line(line)), job.error_lines[0])
        return FAILED

    @staticmethod
    def _internal_error(job: Job, exc: Exception) -> str:
        job.message = f"internal error: {type(exc).__name__}: {exc}"
        job.error_lines.append(job.message)
        return FAILED

    # -- running on the event loop ----------------------------------------------------------

    async def _work(self, key: str) -> None:
        queue = self._queues[key]
        while queue:
            job = queue.popleft()
            await self._execute(job)

    async def _execute(self, job: Job) -> None:
        import asyncio

        self._begin(job)
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
        except Exception as exc:
            outcome = self._internal_error(job, exc)
        finally:
            lock.release()
            flusher.cancel()
            self._finish(job, outcome)

    async def _wait_for_lock(self, job: Job, lock: EnvLock) -> bool:
        import asyncio

        waiting: list[bool] = []
        while (taken := self._lock_step(job, lock, waiting)) is None:
            await asyncio.sleep(POLL_INTERVAL)
        return taken

    async def _run_with_steps(self, job: Job) -> str:
        plan = self._plan(job)
        try:
            action = next(plan)
            while True:
                try:
                    result = await (self._run_uv(job) if action is None else self._run_step(*action))
                except Exception as exc:
                    action = plan.throw(exc)
                else:
                    action = plan.send(result)
        except StopIteration as stop:
            return stop.value

    async def _run_step(self, step: Step, ctx: StepContext) -> None:
        """An async step runs on the loop; a plain one in a worker thread, so the UI stays live."""
        import asyncio
        import inspect

        if inspect.iscoroutinefunction(step.run):
            await step.run(ctx)
            return
        loop = asyncio.get_running_loop()
        emit = ctx.emit
        threaded = dataclasses.replace(ctx, emit=lambda stream, line: loop.call_soon_threadsafe(emit, stream, line))
        result = await asyncio.to_thread(step.run, threaded)
        if is_awaitable(result):
            await result

    async def _run_uv(self, job: Job) -> int:
        import asyncio

        def started(proc: asyncio.subprocess.Process) -> None:
            job._proc = proc

        try:
            result = await self.uv.stream(
                job.argv, job._emit_fn or partial(self._emit, job), on_start=started, env=self.uv_env
            )
        except asyncio.CancelledError:
            self._signal(job, signal.SIGINT)
            self._signal(job, signal.SIGTERM)
            raise
        return result.returncode

    # -- running in the calling thread (run_blocking) ---------------------------------------

    def _execute_blocking(self, job: Job, interrupts: _Interrupts) -> None:
        self._begin(job)
        lock = EnvLock(job.env.path)
        outcome = FAILED
        tick = self._ticker(job, interrupts)
        try:
            waiting: list[bool] = []
            while (taken := self._lock_step(job, lock, waiting)) is None:
                interrupts.wait(POLL_INTERVAL)
                tick()
            outcome = self._run_with_steps_blocking(job, tick, interrupts) if taken else CANCELLED
        except KeyboardInterrupt:  # got through anyway (e.g. raised inside a step): stop uv, then go
            self._signal(job, signal.SIGINT)
            self._signal(job, signal.SIGTERM)
            job.message = job.message or "envtui stopped while the job ran"
            outcome = CANCELLED
            raise
        except Exception as exc:
            outcome = self._internal_error(job, exc)
        finally:
            lock.release()
            self._finish(job, outcome)

    def _ticker(self, job: Job, interrupts: _Interrupts) -> Callable[[], float | None]:
        """What the blocking wait does each time it wakes: cancel on ctrl+c, send due signals,
        flush output at most every ``flush_interval``; returns how long it may sleep next."""
        interval = self.flush_interval
        next_flush = 0.0

        def tick() -> float | None:
            nonlocal next_flush
            while interrupts.take():
                self.cancel(job)
            now = time.monotonic()
            due = job._escalation
            while due and due[0][0] <= now:
                self._signal(job, due.pop(0)[1])
            waits: list[float] = []
            if self._buffers.get(job.id):
                if now >= next_flush:
                    self._flush(job)
                    log = self._logs.get(job.id)
                    if log is not None:
                        log.flush()
                    next_flush = now + interval
                else:
                    waits.append(next_flush - now)
            if due:
                waits.append(due[0][0] - now)
            return max(min(waits), 0.0) if waits else None

        return tick

    def _run_with_steps_blocking(self, job: Job, tick: Callable[[], float | None], interrupts: _Interrupts) -> str:
        plan = self._plan(job)
        try:
            action = next(plan)
            while True:
                try:
                    if action is None:
                        result: Any = self._run_uv_blocking(job, tick, interrupts)
                    else:
                        result = self._run_step_blocking(*action, tick)
                except Exception as exc:
                    tick()
                    action = plan.throw(exc)
                else:
                    tick()  # a ctrl+c during a step cancels before the plan goes on
                    action = plan.send(result)
        except StopIteration as stop:
            return stop.value

    @staticmethod
    def _run_step_blocking(step: Step, ctx: StepContext, tick: Callable[[], float | None]) -> None:
        """Run a step here; only if it returns an awaitable does asyncio come in (``asyncio.run``)."""
        emit = ctx.emit

        def emit_and_flush(stream: str, line: str) -> None:  # a long step's lines show as they come
            emit(stream, line)
            tick()

        result = step.run(dataclasses.replace(ctx, emit=emit_and_flush))
        if is_awaitable(result):
            import asyncio

            asyncio.run(_awaited(result, tick))

    def _run_uv_blocking(self, job: Job, tick: Callable[[], float | None], interrupts: _Interrupts) -> int:
        def started(proc: Any) -> None:
            job._proc = proc

        result = process.stream_blocking(
            job.argv,
            job._emit_fn or partial(self._emit, job),
            on_start=started,
            tick=tick,
            wake_fd=interrupts.fd,
            env=self.uv_env,
        )
        return result.returncode

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
        import asyncio

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
        job._escalation.clear()
        self._save(job)
        self.listener.on_finished(job)
        if job._done is not None and not job._done.done():
            job._done.set_result(job)


def _quote(arg: str) -> str:
    return arg if arg and not any(ch in arg for ch in " \t\"'\\$;&|<>*?()[]{}") else repr(arg)


def _why(exc: Exception) -> str:
    """Why a step failed, in one line: a StepFailed's own words, or what crashed."""
    return str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"


async def _awaited(awaitable: Any, tick: Callable[[], float | None]) -> Any:
    """Await an async step from the blocking driver, waking often enough to act on ctrl+c
    (``tick`` cancels the job, which signals the process the step tracked)."""
    import asyncio

    task = asyncio.ensure_future(awaitable)
    while not task.done():
        await asyncio.wait({task}, timeout=0.05)
        tick()
    return task.result()


class _Interrupts:
    """ctrl+c while :meth:`JobEngine.run_blocking` runs: counted, never raised mid-line.

    On the main thread it replaces the SIGINT handler for the job's duration and makes the
    signal write a byte into a pipe (``signal.set_wakeup_fd``), so a wait on uv's output wakes
    at once; the driver turns each ctrl+c into :meth:`JobEngine.cancel`. Elsewhere it does
    nothing (and ``fd`` is None).
    """

    def __init__(self) -> None:
        self.fd: int | None = None
        self._count = 0
        self._taken = 0
        self._write_fd: int | None = None
        self._old_handler: Any = None
        self._old_wakeup = -1

    def _handler(self, signum: int, frame: object) -> None:
        self._count += 1

    def __enter__(self) -> _Interrupts:
        read_fd, write_fd = os.pipe()
        for fd in (read_fd, write_fd):
            os.set_blocking(fd, False)
        try:
            self._old_wakeup = signal.set_wakeup_fd(write_fd)
        except ValueError:  # not the main thread: leave signals alone
            os.close(read_fd)
            os.close(write_fd)
            return self
        self.fd, self._write_fd = read_fd, write_fd
        self._old_handler = signal.signal(signal.SIGINT, self._handler)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.fd is None or self._write_fd is None:
            return
        # None: the old handler was not set from Python and cannot be put back; the default then
        signal.signal(signal.SIGINT, signal.SIG_DFL if self._old_handler is None else self._old_handler)
        signal.set_wakeup_fd(self._old_wakeup)
        os.close(self.fd)
        os.close(self._write_fd)
        self.fd = self._write_fd = None

    def take(self) -> bool:
        """Whether a ctrl+c came that the driver has not acted on yet (each is taken once)."""
        if self._taken < self._count:
            self._taken += 1
            return True
        return False

    def wait(self, seconds: float) -> None:
        """Sleep up to ``seconds``; a ctrl+c ends it early."""
        if self.fd is None:
            time.sleep(seconds)
            return
        import select

        readable, _, _ = select.select([self.fd], [], [], seconds)
        if readable:
            try:
                os.read(self.fd, 4096)
            except BlockingIOError:
                pass


def _preview_from(request: ChangeRequest, result: process.ProcessResult) -> Preview:
    if not result.ok:
        errors = error_block(result.stderr.splitlines())
        raise EnvtuiError(
            f"uv cannot {request.kind}: {errors[0].split(':', 1)[-1].strip() if errors else 'it failed'}",
            cause="; ".join(_without_label(line) for line in errors[1:3]) or result.last_error_line(),
        )
    return parse_dry_run(result.stdout + "\n" + result.stderr)


async def preview(
    env: Environment,
    request: ChangeRequest,
    uv: Uv | None = None,
    *,
    uv_env: dict[str, str] | None = None,
    on_start: Callable[[Any], None] | None = None,
) -> Preview:
    """What a request would change, from uv's ``--dry-run``; EnvtuiError (with uv's error) if it cannot.

    ``on_start`` receives uv's process (so a job's cancel can reach it).
    """
    uv = uv or Uv()
    argv = build_argv(uv, env, request, dry_run=True)
    result = await uv.stream(argv, lambda stream, line: None, collect=True, env=uv_env, on_start=on_start)
    return _preview_from(request, result)


def preview_sync(
    env: Environment, request: ChangeRequest, uv: Uv | None = None, *, uv_env: dict[str, str] | None = None
) -> Preview:
    """:func:`preview` for code without an event loop (a thread or the CLI); no asyncio."""
    uv = uv or Uv()
    argv = build_argv(uv, env, request, dry_run=True)
    result = process.stream_blocking(argv, lambda stream, line: None, collect=True, env=uv_env)
    return _preview_from(request, result)


def _without_label(line: str) -> str:
    """An error-block line without its ``cause:`` / ``hint:`` label (the CLI adds its own)."""
    text = line.strip()
    label, sep, rest = text.partition(":")
    return rest.strip() if sep and label.lower() in ("cause", "caused by", "hint") else text


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
