"""The job engine: every change to an environment is a job that runs uv, streams, and is recorded.

One engine, one driver, for the TUI and the CLI: a job runs in the thread that drives it, with
no event loop. The CLI calls :meth:`JobEngine.run_blocking` (one job; ctrl+c cancels it); the
TUI queues jobs with :meth:`JobEngine.submit` and calls :meth:`JobEngine.run_queue` in a worker
thread, so its screen stays live. Jobs on one environment run one at a time, in order: a queue
per environment inside the engine, and :class:`~envtui.core.jobs.lock.EnvLock` across
processes (a second ``envtui install`` waits its turn and says so). Around uv run the
before/after steps (:mod:`envtui.core.jobs.steps`) from
:func:`~envtui.core.jobs.providers.collect_steps`: maintenance hooks, snapshots.

Output reaches a :class:`~envtui.core.jobs.job.JobListener` in batches (at most every
``flush_interval`` seconds or ``max_batch`` lines), so a job printing 100,000 lines floods
nothing; every line also goes to the job's full log on disk. Cancelling (from any thread, or
ctrl+c) sends SIGINT to the running program's process group, then SIGTERM after a grace period
(SIGKILL after a second one), and the job ends "cancelled".

A failed uv run leaves the environment as it was: uv resolves and downloads everything before
it touches site-packages, so an unknown package, a missing version, a network failure or a
resolution conflict all fail before any change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial

from envtui.core import process
from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.job import (
    CANCELLED,
    FAILED,
    INTERRUPTED,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    Failure,
    Job,
    JobListener,
    Status,
    env_key,
)
from envtui.core.jobs.lock import POLL_INTERVAL, EnvLock
from envtui.core.jobs.output import JobOutput
from envtui.core.jobs.prepare import cleanup, prepare
from envtui.core.jobs.providers import collect_steps
from envtui.core.jobs.steps import STOP_GRACE, Phase, Step, StepContext, StepFailed
from envtui.core.jobs.uv_errors import is_error_line
from envtui.core.jobs.wakeup import Wakeup
from envtui.core.uv import Uv

#: What the engine asks for the steps of a job on an environment: ``env -> (before, after)``.
Steps = Callable[[Environment], tuple[Sequence[Step], Sequence[Step]]]
#: Acts on cancels, sends due signals and flushes output; returns how long the driver may wait next.
_Tick = Callable[[], "float | None"]


class JobEngine:
    """Runs change jobs: queue per environment, lock across processes, steps around uv."""

    def __init__(
        self,
        uv: Uv | None = None,
        *,
        listener: JobListener | None = None,
        config: Config | None = None,
        steps: Steps | None = None,
        grace: float = 3.0,
        flush_interval: float = 0.05,
        max_batch: int = 500,
        keep_history: bool = True,
    ) -> None:
        self.uv = uv or Uv()
        self.listener = listener or JobListener()
        self.config = config or Config()
        """The configuration whose hooks run around every job."""
        self._own_steps = steps is None
        self.steps: Steps = steps or partial(collect_steps, config=self.config)
        """Where each job's before- and after-steps come from."""
        self.grace = grace
        """Seconds between SIGINT and SIGTERM (and SIGTERM and SIGKILL) when a job is cancelled."""
        self.flush_interval = flush_interval
        self.max_batch = max_batch
        self.keep_history = keep_history
        self.jobs: list[Job] = []
        """Every job this engine was given, oldest first."""
        self._queues: dict[str, deque[Job]] = {}
        self._draining: set[str] = set()
        self._wakeups: dict[str, Wakeup] = {}
        """The wake-up of the driver running each job (by job id), so a cancel is acted on at once."""
        self._outputs: dict[str, JobOutput] = {}
        self._lock = threading.Lock()
        """Guards the queues, the job list and the statuses of queued jobs across threads."""

    # -- queueing and driving ---------------------------------------------------------------

    def use_config(self, config: Config) -> None:
        """Take the configuration as it is now (it was edited, or trusted again) for the next jobs."""
        self.config = config
        if self._own_steps:
            self.steps = partial(collect_steps, config=config)

    def submit(self, env: Environment, request: ChangeRequest) -> Job:
        """Queue a job (from any thread); it runs when :meth:`run_queue` reaches it."""
        job = self._new_job(env, request)
        with self._lock:
            self._queues.setdefault(env_key(env), deque()).append(job)
        self.listener.on_queued(job)
        return job

    def run_queue(self, env: Environment) -> None:
        """Run the queued jobs of ``env`` in this thread, in order, until none is left.

        Returns at once when another thread is already running them (it takes the new ones
        too), so a face may call it after every :meth:`submit`.
        """
        key = env_key(env)
        with self._lock:
            if key in self._draining:
                return
            self._draining.add(key)
        with Wakeup() as wakeup:
            while True:
                with self._lock:
                    queue = self._queues.get(key)
                    if not queue:
                        self._draining.discard(key)
                        return
                    job = queue.popleft()
                    job.status = RUNNING
                self._run(job, wakeup)

    def run_blocking(self, env: Environment, request: ChangeRequest) -> Job:
        """Run one job to its end in this thread, now; returns it (the CLI's driver).

        The job takes the environment's lock like any other (so it waits for jobs of other
        processes), runs the same steps around uv, streams the same batches to the listener and
        leaves the same record. On the main thread, ctrl+c (SIGINT) while it runs is a
        :meth:`cancel`: SIGINT to uv's process group, SIGTERM after the grace period, SIGKILL
        after a second one; a second ctrl+c sends SIGTERM at once.
        """
        job = self._new_job(env, request)
        self.listener.on_queued(job)
        with Wakeup() as wakeup:
            self._run(job, wakeup)
        return job

    def queued(self, env: Environment | None = None) -> list[Job]:
        """Jobs waiting for their turn (on one environment, or on all)."""
        with self._lock:
            keys = [env_key(env)] if env is not None else list(self._queues)
            return [job for key in keys for job in self._queues.get(key, ())]

    def running(self) -> list[Job]:
        """Jobs running now (at most one per environment)."""
        return [job for job in list(self.jobs) if job.status == RUNNING]

    def _new_job(self, env: Environment, request: ChangeRequest) -> Job:
        env.require_writable()
        job = Job(id=history.new_job_id(), request=request, env=env, argv=build_argv(self.uv, env, request))
        with self._lock:
            self.jobs.append(job)
        return job

    # -- cancelling -------------------------------------------------------------------------

    def cancel(self, job: Job) -> bool:
        """Cancel a queued or running job (from any thread); False when it had already ended.

        A queued job ends at once. For a running one the driver acts: the first cancel sends
        SIGINT to the program running for it (SIGTERM and SIGKILL follow after the grace
        period), a second one SIGTERM at once.
        """
        with self._lock:
            if job.finished:
                return False
            queue = self._queues.get(env_key(job.env))
            dequeued = job.status == QUEUED and queue is not None and job in queue
            if dequeued:
                assert queue is not None
                queue.remove(job)
            job.cancel_requested = True
            job._cancels += 1
            wakeup = self._wakeups.get(job.id)
        if dequeued:
            job.message = "cancelled before it started"
            self._finish(job, CANCELLED)
        elif wakeup is not None:
            wakeup.wake()
        return True

    def cancel_all(self, *, now: bool = False) -> None:
        """Cancel every queued and running job; ``now`` (envtui is leaving) skips the grace period."""
        for job in list(self.jobs):
            if self.cancel(job) and now:
                self.cancel(job)

    # -- the driver -------------------------------------------------------------------------

    def _run(self, job: Job, wakeup: Wakeup) -> None:
        """Drive one job to its end: lock, steps, uv, steps, record."""
        with self._lock:
            self._wakeups[job.id] = wakeup
        self._begin(job)
        lock = EnvLock(job.env.path)
        outcome = FAILED
        tick = self._ticker(job, wakeup)
        try:
            waiting: list[bool] = []
            while (taken := self._lock_step(job, lock, waiting)) is None:
                wakeup.wait(POLL_INTERVAL)
                tick()
            if not taken:
                outcome = CANCELLED
            elif (nothing := prepare(job, self.uv, self._outputs[job.id].emit)) is not None:
                job.message = nothing  # decided with the lock held: no step, no uv
                self._emit(job, "envtui", f"{nothing}: uv did not run")
                outcome = SUCCEEDED
            else:
                outcome = self._run_steps_and_uv(job, tick, wakeup)
            if job.stopped_by is not None and outcome != SUCCEEDED:
                name = signal.Signals(job.stopped_by).name
                job.message = f"envtui received {name} while the job ran; uv was stopped"
                outcome = INTERRUPTED
        except KeyboardInterrupt:  # got through anyway: stop what runs, then go
            if job._proc is not None:
                process.signal_group(job._proc, signal.SIGINT)
                process.signal_group(job._proc, signal.SIGTERM)
            job.message = job.message or "envtui stopped while the job ran"
            outcome = CANCELLED
            raise
        except Exception as exc:
            job.message = f"internal error: {type(exc).__name__}: {exc}"
            job.error_lines.append(job.message)
            job.failure = Failure.INTERNAL
            outcome = FAILED
        finally:
            cleanup(job)
            lock.release()
            with self._lock:
                self._wakeups.pop(job.id, None)
            self._finish(job, outcome)

    def _begin(self, job: Job) -> None:
        job.status = RUNNING
        job.started_at = time.time()
        log = history.log_path(job.id) if self.keep_history else None
        self._outputs[job.id] = JobOutput(job, self.listener, log_path=log, max_batch=self.max_batch)
        self._save(job)
        self.listener.on_started(job)

    def _emit(self, job: Job, stream: str, line: str) -> None:
        self._outputs[job.id].emit(stream, line)

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

    def _ticker(self, job: Job, wakeup: Wakeup) -> _Tick:
        """What the driver does each time its wait wakes: turn ctrl+c into a cancel, act on cancels,
        send due signals, flush output at most every ``flush_interval``; returns how long it may sleep."""
        interval = self.flush_interval
        next_flush = 0.0
        handled = 0
        due: list[tuple[float, int, subprocess.Popen[bytes]]] = []
        output = self._outputs[job.id]

        def tick() -> float | None:
            nonlocal next_flush, handled
            while wakeup.take_interrupt():
                self.cancel(job)
            if wakeup.stopped_by is not None and job.stopped_by is None:
                job.stopped_by = wakeup.stopped_by  # envtui is being stopped: uv stops now, not after a grace
                self._emit(job, "envtui", f"envtui received {signal.Signals(job.stopped_by).name}: stopping uv now")
                self.cancel(job)
                self.cancel(job)
            while handled < job._cancels:
                handled += 1
                self._act_on_cancel(job, handled == 1, due)
            now = time.monotonic()
            while due and due[0][0] <= now:
                _, sig, proc = due.pop(0)
                process.signal_group(proc, sig)
            waits: list[float] = []
            if output.pending:
                if now >= next_flush:
                    output.flush()
                    next_flush = now + interval
                else:
                    waits.append(next_flush - now)
            if due:
                waits.append(due[0][0] - now)
            return max(min(waits), 0.0) if waits else None

        return tick

    def _act_on_cancel(self, job: Job, first: bool, due: list[tuple[float, int, subprocess.Popen[bytes]]]) -> None:
        """SIGINT to the running program (SIGTERM and SIGKILL scheduled); a repeated cancel: SIGTERM now."""
        proc = job._proc if job._proc is not None and job._proc.returncode is None else None
        if not first:
            if proc is not None:
                process.signal_group(proc, signal.SIGTERM)
            return
        self._emit(job, "envtui", "cancelling: sent SIGINT to uv" if proc is not None else "cancelling")
        if proc is not None and process.signal_group(proc, signal.SIGINT):
            now = time.monotonic()
            due[:] = [(now + self.grace, signal.SIGTERM, proc), (now + self.grace * 2, signal.SIGKILL, proc)]

    def _run_steps_and_uv(self, job: Job, tick: _Tick, wakeup: Wakeup) -> Status:
        """Before-steps, uv, after-steps, once the job holds the lock; returns how the job went."""
        before, after = self.steps(job.env)
        outcome: Status | None = None
        before = [s for s in before if s.wanted(job)]  # after-steps are asked once uv has run
        for step in before:
            if job.cancel_requested:
                outcome = CANCELLED
                break
            self._emit(job, "envtui", f"before: {step.name}")
            try:
                self._run_step(step, self._context(job, Phase.BEFORE, None, tick, wakeup), tick)
            except Exception as exc:
                tick()
                if job.cancel_requested:  # the step's program was stopped by a cancel
                    job.message = f"cancelled during step '{step.name}'"
                    self._emit(job, "envtui", f"{job.message}; uv did not run")
                    outcome = CANCELLED
                    break
                job.message = f"step '{step.name}' failed: {_why(exc)}"
                job.failure = Failure.STEP
                job.error_lines.append(job.message)
                self._emit(job, "envtui", f"error: {job.message}; uv did not run")
                outcome = FAILED
                break
            tick()  # a ctrl+c during a step cancels before the job goes on
        if outcome is None:
            if job.cancel_requested:
                outcome = CANCELLED
            else:
                self._save(job)  # the record names the snapshot before uv starts: a killed job still has it
                self._emit(job, "envtui", "$ " + " ".join(_quote(a) for a in job.argv))
                outcome = self._uv_outcome(job, self._run_uv(job, tick, wakeup))
        for step in [s for s in after if s.wanted(job)]:
            self._emit(job, "envtui", f"after: {step.name}")
            try:
                self._run_step(step, self._context(job, Phase.AFTER, outcome, tick, wakeup), tick)
            except Exception as exc:
                message = f"step '{step.name}' failed: {_why(exc)}"
                job.error_lines.append(message)
                self._emit(job, "envtui", f"error: {message}")
                if outcome == SUCCEEDED:
                    outcome = FAILED
                    job.message = message
                    job.failure = Failure.STEP
            tick()
        return outcome

    def _run_step(self, step: Step, ctx: StepContext, tick: _Tick) -> None:
        """Run a step here; the lines it writes itself show as they come (a tick at least every
        ``flush_interval``: it flushes them, and acts on a cancel)."""
        emit = ctx.emit
        interval = self.flush_interval
        monotonic = time.monotonic
        next_tick = 0.0  # the first line shows at once

        def emit_and_tick(stream: str, line: str) -> None:
            nonlocal next_tick
            emit(stream, line)
            now = monotonic()
            if now >= next_tick:
                next_tick = now + interval
                tick()

        ctx.emit = emit_and_tick
        step.run(ctx)

    def _context(self, job: Job, phase: Phase, outcome: Status | None, tick: _Tick, wakeup: Wakeup) -> StepContext:
        emit, emit_many = self._outputs[job.id].emit, self._outputs[job.id].emit_many

        def track(proc: subprocess.Popen[bytes]) -> None:
            job._proc = proc

        def runner(
            argv: Sequence[str], *, cwd: str | os.PathLike[str] | None, timeout: float | None, echo: bool
        ) -> process.ProcessResult:
            return process.stream(
                argv,
                emit if echo else None,
                on_lines=emit_many if echo else None,
                on_start=track,
                tick=tick,
                wake_fd=wakeup.fd,
                cwd=cwd,
                collect=not echo,
                timeout=timeout,
                grace=STOP_GRACE,
            )

        return StepContext(
            job=job, env=job.env, emit=emit, phase=phase, outcome=outcome, data=job.step_data, uv=self.uv, runner=runner
        )

    def _run_uv(self, job: Job, tick: _Tick, wakeup: Wakeup) -> int:
        def track(proc: subprocess.Popen[bytes]) -> None:
            job._proc = proc

        output = self._outputs[job.id]
        result = process.stream(
            job.argv,
            output.emit,
            on_lines=output.emit_many,
            on_start=track,
            tick=tick,
            wake_fd=wakeup.fd,
            grace=self.grace,
        )
        return result.returncode

    @staticmethod
    def _uv_outcome(job: Job, returncode: int) -> Status:
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
        job.failure = Failure.UV
        return FAILED

    # -- the record -------------------------------------------------------------------------

    def _save(self, job: Job) -> None:
        if self.keep_history:
            try:
                history.save(job.record())
                if job.finished:
                    history.prune()
            except OSError:
                pass

    def _finish(self, job: Job, status: Status) -> None:
        job.finished_at = time.time()
        if job.started_at is None:
            job.started_at = job.finished_at
        if status == CANCELLED and not job.message:
            job.message = "cancelled"
        output = self._outputs.pop(job.id, None)
        job.status = status
        if output is not None:
            output.close(f"envtui: job {status} after {job.duration:.2f} s")
        self._save(job)
        self.listener.on_finished(job)


def _quote(arg: str) -> str:
    return arg if arg and not any(ch in arg for ch in " \t\"'\\$;&|<>*?()[]{}") else repr(arg)


def _why(exc: Exception) -> str:
    """Why a step failed, in one line: a StepFailed's own words, or what crashed."""
    return str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
