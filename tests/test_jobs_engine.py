"""The job engine with real uv on real venvs: status, output, errors, queue, steps, history."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.core.jobs import history
from envtui.core.jobs import providers as job_steps
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import CANCELLED, FAILED, SUCCEEDED, Failure, JobListener
from envtui.core.jobs.preview import preview
from envtui.core.jobs.steps import StepContext, StepFailed
from tests.factory import uv_bin


def freeze(venv: Path) -> str:
    """``uv pip freeze`` of a venv: compared byte for byte before and after a job."""
    return subprocess.run(
        [uv_bin(), "pip", "freeze", "--python", str(venv / "bin" / "python")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


class Recorder(JobListener):
    """Keeps every event, in order."""

    def __init__(self) -> None:
        self.events: list[tuple[str, str]] = []
        self.lines: list[tuple[str, str]] = []
        self.batches: list[int] = []

    def on_queued(self, job) -> None:
        self.events.append(("queued", job.id))

    def on_started(self, job) -> None:
        self.events.append(("started", job.id))

    def on_lines(self, job, lines) -> None:
        self.lines.extend(lines)
        self.batches.append(len(lines))

    def on_finished(self, job) -> None:
        self.events.append(("finished", job.id))


def test_install_succeeds_streams_output_and_is_recorded(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    env = resolve_environment(venv)
    recorder = Recorder()
    job = JobEngine(listener=recorder).run_blocking(env, ChangeRequest.install(["gamma"]))
    assert job.status == SUCCEEDED and job.returncode == 0
    assert [e for e, _ in recorder.events] == ["queued", "started", "finished"]
    assert ("stderr", " + gamma==1.0") in recorder.lines
    assert [c.to_json() for c in job.changes.added] == [{"name": "gamma", "old": None, "new": "1.0"}]
    assert "gamma==1.0" in freeze(venv)
    record = history.load(job.id)
    assert record is not None and record.status == "succeeded" and record.returncode == 0
    assert record.command == job.argv and record.description == "install gamma"
    assert record.duration is not None and record.duration > 0
    assert " + gamma==1.0" in history.read_log(job.id)
    assert [r.id for r in history.load_all(env=str(venv))] == [job.id]


def test_preview_matches_what_the_job_then_does(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])
    env = resolve_environment(venv)
    request = ChangeRequest.install(["alpha==2.0", "delta"])
    predicted = preview(env, request)
    assert freeze(venv) == freeze(venv)  # the preview changed nothing
    assert "alpha==1.0" in freeze(venv)
    assert {(c.name, c.old, c.new) for c in predicted.changes} == {
        ("alpha", "1.0", "2.0"),
        ("beta", "1.0", "1.1"),
        ("delta", None, "1.0"),
    }
    job = JobEngine().run_blocking(env, request)
    assert job.status == SUCCEEDED
    assert job.changes.to_json() == predicted.to_json()
    after = freeze(venv)
    assert "alpha==2.0" in after and "beta==1.1" in after and "delta==1.0" in after


def test_uninstall_and_sync_previews(env_path: Path, tmp_path: Path, offline_uv) -> None:
    env = resolve_environment(env_path)
    removed = preview(env, ChangeRequest.uninstall(["boom"]))
    assert [(c.name, c.old, c.new) for c in removed.changes] == [("boom", "1.0", None)]
    req = tmp_path / "requirements.txt"
    req.write_text("alpha==1.0\ndelta\n")
    synced = preview(env, ChangeRequest.sync(req))
    assert {(c.name, c.old, c.new) for c in synced.changes} == {
        ("alpha", "2.0", "1.0"),
        ("beta", "1.1", None),
        ("gamma", "1.0", None),
        ("boom", "1.0", None),
        ("delta", None, "1.0"),
    }
    job = JobEngine().run_blocking(env, ChangeRequest.sync(req))
    assert job.status == SUCCEEDED
    assert freeze(env_path).split() == ["alpha==1.0", "delta==1.0"]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (["no-such-package"], "no-such-package"),
        (["clash", "alpha==2.0"], "No solution"),
        (["alpha==9.9"], "alpha==9.9"),
    ],
    ids=["missing", "conflict", "no-such-version"],
)
def test_a_failed_job_leaves_the_environment_as_it_was(venv_factory, offline_uv, specs, expected) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    env = resolve_environment(venv)
    before = freeze(venv)
    job = JobEngine().run_blocking(env, ChangeRequest.install(specs))
    assert job.status == FAILED and job.returncode == 1 and job.failure is Failure.UV
    assert job.error_lines[0].startswith("error:")
    assert any(expected in line for line in job.error_lines)
    assert any(line.lstrip().startswith("cause:") for line in job.error_lines)
    assert job.message.startswith("error:")
    assert freeze(venv) == before
    assert history.load(job.id).error_lines == job.error_lines


def test_jobs_on_one_environment_run_one_at_a_time_in_order(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    recorder = Recorder()
    engine = JobEngine(listener=recorder)
    first = engine.submit(env, ChangeRequest.install(["alpha==1.0"]))
    second = engine.submit(env, ChangeRequest.install(["delta"]))
    third = engine.submit(env, ChangeRequest.upgrade(["alpha"]))
    assert [j.status for j in engine.queued(env)] == ["queued"] * 3
    engine.run_queue(env)  # in this thread: all three, one after another
    assert engine.queued(env) == []
    assert [j.status for j in (first, second, third)] == [SUCCEEDED] * 3
    order = [(e, i) for e, i in recorder.events if e != "queued"]
    assert order == [
        ("started", first.id),
        ("finished", first.id),
        ("started", second.id),
        ("finished", second.id),
        ("started", third.id),
        ("finished", third.id),
    ]
    assert freeze(venv).split() == ["alpha==2.0", "beta==1.1", "delta==1.0"]


def test_a_queued_job_can_be_cancelled_before_it_starts(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    env = resolve_environment(venv)
    engine = JobEngine()
    first = engine.submit(env, ChangeRequest.install(["alpha==1.0"]))
    second = engine.submit(env, ChangeRequest.install(["delta"]))
    assert engine.cancel(second)
    assert second.status == CANCELLED  # at once: it never started
    engine.run_queue(env)
    assert first.status == SUCCEEDED
    assert second.status == CANCELLED and second.returncode is None and second.message == "cancelled before it started"
    assert "delta" not in freeze(venv)


class NoteStep:
    """A step that notes what it saw."""

    def __init__(self, name: str, seen: list, fail: bool = False) -> None:
        self.name = name
        self.seen = seen
        self.fail = fail

    def wanted(self, job) -> bool:
        return True

    def run(self, ctx: StepContext) -> None:
        self.seen.append((self.name, ctx.phase, ctx.outcome, threading.current_thread().name))
        ctx.emit("envtui", f"{self.name} ran")
        ctx.data.setdefault("order", []).append(self.name)
        if self.fail:
            raise StepFailed(f"{self.name} says no")


def test_steps_run_around_uv_and_a_failing_before_step_stops_the_job(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    env = resolve_environment(venv)
    seen: list = []
    ok = JobEngine(steps=lambda e: ([NoteStep("b", seen)], [NoteStep("a", seen)]))
    job = ok.run_blocking(env, ChangeRequest.install(["delta"]))
    assert job.status == SUCCEEDED
    assert [s[:3] for s in seen] == [("b", "before", None), ("a", "after", "succeeded")]
    assert job.step_data["order"] == ["b", "a"]

    seen.clear()
    before = freeze(venv)
    stopping = JobEngine(steps=lambda e: ([NoteStep("stop", seen, fail=True)], [NoteStep("start", seen)]))
    job = stopping.run_blocking(env, ChangeRequest.install(["gamma"]))
    assert job.status == FAILED and job.returncode is None  # uv never ran
    assert job.message == "step 'stop' failed: stop says no" and job.failure is Failure.STEP
    assert [s[:3] for s in seen] == [("stop", "before", None), ("start", "after", "failed")]
    assert freeze(venv) == before


def test_a_failing_after_step_fails_the_job(venv_factory, offline_uv) -> None:
    env = resolve_environment(venv_factory())
    seen: list = []
    engine = JobEngine(steps=lambda e: ([], [NoteStep("check", seen, fail=True), NoteStep("start", seen)]))
    job = engine.run_blocking(env, ChangeRequest.install(["delta"]))
    assert job.status == FAILED and job.returncode == 0 and job.failure is Failure.STEP
    assert [name for name, *_ in seen] == ["check", "start"]  # later after-steps still run


def test_collect_steps_stacks_providers(env_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = resolve_environment(env_path)
    seen: list = []

    def hooks(e, c):
        return ([NoteStep("stop", seen)], [NoteStep("start", seen)])

    def snapshots(e, c):
        return ([NoteStep("snapshot", seen)], [NoteStep("rollback", seen)])

    monkeypatch.setattr(job_steps, "STEP_PROVIDERS", [hooks, snapshots])
    before, after = job_steps.collect_steps(env)
    assert [s.name for s in before] == ["stop", "snapshot"]
    assert [s.name for s in after] == ["rollback", "start"]


def test_output_is_batched_and_fully_logged(venv_factory, offline_uv) -> None:
    """A flood of lines reaches the listener in a few capped batches; the log keeps them all."""
    env = resolve_environment(venv_factory())
    recorder = Recorder()
    count = 20_000

    class Flood:
        name = "flood"

        def wanted(self, job) -> bool:
            return True

        def run(self, ctx: StepContext) -> None:
            for i in range(count):
                ctx.emit("stdout", f"line {i}")

    engine = JobEngine(listener=recorder, steps=lambda e: ([Flood()], []), max_batch=500)
    job = engine.run_blocking(env, ChangeRequest.install(["delta"]))
    assert job.status == SUCCEEDED
    flood = [line for stream, line in recorder.lines if line.startswith("line ")]
    assert flood == [f"line {i}" for i in range(count)]
    assert max(recorder.batches) <= 500
    assert len(recorder.batches) < count / 100
    log = history.read_log(job.id)
    assert log.count("line 19999") == 1 and len(log) > count


def test_a_non_venv_is_refused_without_system(offline_uv) -> None:
    import sys

    from envtui.core.errors import EnvtuiError

    # The interpreter the test venv (if any) was made from: a real, non-venv Python.
    env = resolve_environment(Path(sys.base_prefix) / "bin" / "python3")
    assert not env.is_venv and not env.writable
    with pytest.raises(EnvtuiError, match="not a virtual environment"):
        JobEngine().submit(env, ChangeRequest.install(["alpha"]))


def test_history_keeps_the_newest_jobs() -> None:
    for i in range(5):
        history.save(
            history.JobRecord(
                id=f"20260101-00000{i}-000aaaa", kind="install", env="/v", command=["uv"], status="succeeded"
            )
        )
        history.log_path(f"20260101-00000{i}-000aaaa").write_text("log\n")
    assert history.prune(keep=2) == 3
    assert [r.id for r in history.load_all()] == ["20260101-000004-000aaaa", "20260101-000003-000aaaa"]
    assert not history.log_path("20260101-000000-000aaaa").exists()


def _closed_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_network_down_fails_and_leaves_the_environment(venv_factory, monkeypatch) -> None:
    venv = venv_factory(["alpha==1.0"])
    env = resolve_environment(venv)
    before = freeze(venv)
    for name in ("UV_OFFLINE", "UV_FIND_LINKS", "UV_NO_INDEX"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UV_INDEX_URL", f"http://127.0.0.1:{_closed_port()}/simple")
    monkeypatch.setenv("UV_HTTP_RETRIES", "0")
    job = JobEngine().run_blocking(env, ChangeRequest.install(["delta"]))
    assert job.status == FAILED and job.returncode != 0
    assert job.error_lines[0].startswith("error: Failed to fetch")
    assert freeze(venv) == before


def test_a_chunk_of_lines_is_taken_as_line_by_line(tmp_path: Path) -> None:
    """``emit_many`` (a pipe's chunk at once) notes errors, changes, batches and the log exactly
    as ``emit`` does line by line, however the lines fall into chunks."""
    from envtui.core.jobs.job import Job
    from envtui.core.jobs.output import JobOutput

    lines = [
        ("stdout", "Downloading package-1"),
        ("stderr", "Resolved 3 packages in 2ms"),
        ("stderr", " + alpha==2.0"),
        ("stderr", " - beta==1.0"),
        ("stdout", " ~ not a change line"),
        ("stderr", "error: No solution found when resolving dependencies:"),
        ("stderr", "  ╰─▶ Because clash==1.0 depends on beta<1.1"),
        ("stderr", ""),
        ("stderr", "  hint: try something else"),
        ("stderr", "Fatal: another block"),
        ("stderr", "plain line after"),
        ("stdout", "https://user:secret@example.org/simple"),
    ] * 3

    def run(chunked: bool) -> tuple[Job, Recorder, str]:
        job = Job(id=f"j{int(chunked)}", request=ChangeRequest.install(["alpha"]), env=None, argv=[])  # type: ignore[arg-type]
        recorder = Recorder()
        output = JobOutput(job, recorder, log_path=tmp_path / f"log{int(chunked)}", max_batch=5)
        if chunked:
            i = 0
            for size in (1, 3, 2, 7, 4, 100):
                group = lines[i : i + size]
                i += size
                start = 0  # a chunk holds one pipe's lines: split where the stream changes
                while start < len(group):
                    stream = group[start][0]
                    end = start
                    while end < len(group) and group[end][0] == stream:
                        end += 1
                    output.emit_many(stream, [line for _, line in group[start:end]])
                    start = end
        else:
            for stream, line in lines:
                output.emit(stream, line)
        output.close("done")
        return job, recorder, (tmp_path / f"log{int(chunked)}").read_text()

    one, one_rec, one_log = run(False)
    many, many_rec, many_log = run(True)
    assert many.error_lines == one.error_lines and len(one.error_lines) == 12
    assert many.change_lines == one.change_lines == [" + alpha==2.0", " - beta==1.0"] * 3
    assert many_rec.lines == one_rec.lines == lines
    assert many_log == one_log and "secret" not in many_log


def test_pipe_chunks_become_the_same_lines_however_they_split() -> None:
    from envtui.core import process

    data = "first\r\nsecond é\n\nthird\xff\nlast without newline".encode("utf-8", "surrogateescape")
    data = data.replace(b"\xc3\xbf", b"\xff")  # an invalid byte, as a program may print
    expected: list[tuple[str, str]] = []
    reader = process._Reader("stdout", lambda stream, line: expected.append((stream, line)), False)
    for byte in range(len(data)):
        reader.feed(data[byte : byte + 1])
    reader.close()
    for cut in range(1, len(data)):
        got: list[tuple[str, str]] = []

        def take(stream: str, lines: list[str], got: list[tuple[str, str]] = got) -> None:
            got.extend((stream, line) for line in lines)

        batched = process._Reader("stdout", None, True, take)
        batched.feed(data[:cut])
        batched.feed(data[cut:])
        batched.close()
        assert got == expected, cut
        assert batched.text() == "\n".join(line for _, line in expected)
    assert [line for _, line in expected] == ["first", "second é", "", "third\ufffd", "last without newline"]
