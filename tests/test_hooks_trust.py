"""Maintenance hooks run only from a trusted file: untrusted they are skipped (and say so), after
``envtui trust`` they run, after an edit they stop again."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.core.health import trust
from envtui.core.jobs.hooks import hook_provider, hook_steps
from envtui.core.jobs.steps import StepContext, StepFailed
from tests.health_server import health_server
from tests.test_config import run_in


def write_config(directory: Path, before: list[str], after: list[str], extra: str = "") -> Path:
    def toml_list(argv: list[str]) -> str:
        return "[" + ", ".join(f'"{a}"' for a in argv) + "]"

    file = directory / "envtui.toml"
    file.write_text(f"{extra}[hooks]\nbefore-change = {toml_list(before)}\nafter-change = {toml_list(after)}\n")
    return file


def touch(path: Path) -> list[str]:
    """A hook command that leaves a mark (and prints), so a test can tell whether it ran."""
    return [sys.executable, "-c", f"import pathlib; pathlib.Path({str(path)!r}).touch(); print('hook ran')"]


class Log:
    """Collects what steps write into the job log."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str]] = []

    def __call__(self, stream: str, line: str) -> None:
        self.lines.append((stream, line))

    @property
    def text(self) -> str:
        return "\n".join(line for _, line in self.lines)


def context(env_path: Path, phase: str, log: Log) -> StepContext:
    return StepContext(
        job=None,
        env=resolve_environment(env_path),
        emit=log,
        phase=phase,
        outcome="succeeded" if phase == "after" else None,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    directory.mkdir()
    return directory


def test_trust_records_the_exact_content(project: Path) -> None:
    file = project / "envtui.toml"
    file.write_text('imports = ["os"]\n')
    first = load_config(file)
    assert trust.trust_state(first).status == trust.UNTRUSTED
    trust.trust(first)
    assert trust.trust_state(first).trusted
    file.write_text('imports = ["os", "sys"]\n')
    assert trust.trust_state(first).trusted  # what was read and trusted stays trusted ...
    state = trust.trust_state(load_config(file))  # ... the edited file is not
    assert state.status == trust.CHANGED and "changed since it was trusted" in state.reason
    trust.trust(load_config(file))
    assert trust.trust_state(load_config(file)).trusted
    assert not trust.trust_state(first).trusted  # the old content is no longer the trusted one
    assert trust.revoke(file) and trust.trust_state(load_config(file)).status == trust.UNTRUSTED
    assert not trust.revoke(file)


def test_untrusted_hooks_do_not_run_and_say_why(project: Path, env_path: Path) -> None:
    mark = project / "ran"
    write_config(project, touch(mark), touch(mark))
    before, after = hook_steps(load_config(cwd=project))
    log = Log()
    before[0].run(context(env_path, "before", log))
    after[0].run(context(env_path, "after", log))
    assert not mark.exists()
    assert "before-change hooks skipped" in log.text and "after-change hooks skipped" in log.text
    assert "is not trusted; run 'envtui trust" in log.text


def test_trusted_hooks_run_then_stop_after_an_edit(project: Path, env_path: Path) -> None:
    mark = project / "ran"
    file = write_config(project, touch(mark), ["true"])
    assert run_in(project, "trust").returncode == 0
    [step], _ = hook_steps(load_config(cwd=project))
    log = Log()
    step.run(context(env_path, "before", log))
    assert mark.exists()
    assert ("stdout", "hook ran") in log.lines
    assert any("before-change hook: $ " in line for _, line in log.lines)

    mark.unlink()
    file.write_text(file.read_text() + "# an innocent-looking edit\n")
    [step], _ = hook_steps(load_config(cwd=project))
    log = Log()
    step.run(context(env_path, "before", log))
    assert not mark.exists()
    assert "changed since it was trusted" in log.text


def test_hooks_run_in_the_config_directory_in_order(project: Path, env_path: Path) -> None:
    file = project / "envtui.toml"
    file.write_text(
        "[hooks]\nbefore-change = [\n"
        f'  ["{sys.executable}", "-c", "import os; print(os.getcwd())"],\n'
        '  ["echo", "second"],\n]\n'
    )
    trust.trust(load_config(file))
    [step], after = hook_steps(load_config(file))
    assert after == []
    log = Log()
    step.run(context(env_path, "before", log))
    out = [line for stream, line in log.lines if stream == "stdout"]
    assert out == [str(project.resolve()), "second"]


def test_a_failing_before_hook_stops_the_job(project: Path, env_path: Path) -> None:
    file = write_config(project, ["false"], ["true"])
    trust.trust(load_config(file))
    [step], _ = hook_steps(load_config(file))
    with pytest.raises(StepFailed, match="before-change hook false exited with status 1"):
        step.run(context(env_path, "before", Log()))


def test_a_hook_that_cannot_start_fails_cleanly(project: Path, env_path: Path) -> None:
    file = write_config(project, ["/no/such/program"], ["true"])
    trust.trust(load_config(file))
    [step], _ = hook_steps(load_config(file))
    with pytest.raises(StepFailed, match="could not start"):
        step.run(context(env_path, "before", Log()))


def test_a_hanging_hook_is_stopped_at_its_timeout(project: Path, env_path: Path) -> None:
    file = project / "envtui.toml"
    file.write_text('[hooks]\ntimeout = 1\nbefore-change = ["sleep", "60"]\n')
    trust.trust(load_config(file))
    [step], _ = hook_steps(load_config(file))
    started = time.monotonic()
    with pytest.raises(StepFailed, match="did not finish within 1 s"):
        step.run(context(env_path, "before", Log()))
    assert time.monotonic() - started < 6


def test_after_hooks_recheck_health_into_the_log(project: Path, env_path: Path) -> None:
    with health_server() as base:
        file = write_config(
            project,
            ["true"],
            ["echo", "backend started"],
            extra=f'imports = ["boom"]\n[[services]]\nname = "backend"\nurl = "{base}/ok"\n',
        )
        trust.trust(load_config(file))
        _, [step] = hook_steps(load_config(file))
        log = Log()
        ctx = context(env_path, "after", log)
        step.run(ctx)
    assert ("stdout", "backend started") in log.lines
    assert "health after the change: fail" in log.text
    assert "fail: import boom: RuntimeError: boom is broken" in log.text
    assert ctx.data["health"].status == "fail"


def test_the_provider_gives_the_configuration_hooks_or_nothing(project: Path, env_path: Path) -> None:
    env = resolve_environment(env_path)
    assert hook_provider(env, load_config(cwd=project)) == ([], [])
    write_config(project, ["true"], ["true"])
    before, after = hook_provider(env, load_config(cwd=project))
    assert [s.name for s in before + after] == ["before-change hooks", "after-change hooks"]
    assert before[0].config.path == (project / "envtui.toml").resolve()


def test_an_unreadable_config_stops_the_job_and_says_why(project: Path, env_path: Path) -> None:
    (project / "envtui.toml").write_text("[hooks]\nbefore-change = 1\n")
    config = load_config(cwd=project, strict=False)
    assert config.error is not None and not config.hooks
    [step], after = hook_provider(resolve_environment(env_path), config)
    with pytest.raises(StepFailed, match="the configuration cannot be read, so its hooks cannot run"):
        step.run(context(env_path, "before", Log()))
    assert after == []


def test_hooks_through_a_real_install(project: Path, venv_factory, offline_uv: Path) -> None:
    """``envtui install`` runs the project's hooks around uv only once the file is trusted."""
    venv = venv_factory()
    before, after = project / "before-ran", project / "after-ran"
    file = write_config(project, touch(before), touch(after))

    first = run_in(project, "install", "--venv", str(venv), "beta==1.0")
    assert first.returncode == 0, first.stderr
    assert "hooks skipped" in first.stderr and "is not trusted" in first.stderr
    assert not before.exists() and not after.exists()

    assert run_in(project, "trust").returncode == 0
    second = run_in(project, "install", "--venv", str(venv), "beta==1.1")
    assert second.returncode == 0, second.stderr
    assert before.exists() and after.exists()
    assert "hook ran" in second.stdout
    assert "health after the change: ok" in second.stderr

    before.unlink()
    after.unlink()
    file.write_text(file.read_text() + "# edited\n")
    third = run_in(project, "install", "--venv", str(venv), "delta")
    assert third.returncode == 0, third.stderr
    assert "changed since it was trusted" in third.stderr
    assert not before.exists() and not after.exists()


def test_trusted_hooks_do_not_run_when_uv_cannot_resolve_or_nothing_changes(
    project: Path, venv_factory, offline_uv: Path
) -> None:
    """Stopping a service is an outage: not for a typo, not for a no-op."""
    venv = venv_factory(["beta==1.1"])
    before, after = project / "before-ran", project / "after-ran"
    write_config(project, touch(before), touch(after))
    assert run_in(project, "trust").returncode == 0

    unknown = run_in(project, "install", "--venv", str(venv), "nosuchpackage-zz")
    assert unknown.returncode == 1
    assert "uv cannot install" in unknown.stderr and "no hook ran" in unknown.stderr
    assert "after-change hooks not run: the before-change hooks were not run either" in unknown.stderr
    assert not before.exists() and not after.exists()

    already = run_in(project, "install", "--venv", str(venv), "beta==1.1")
    assert already.returncode == 0, already.stderr
    assert "before-change hooks not run: uv says nothing would change" in already.stderr
    assert not before.exists() and not after.exists()

    change = run_in(project, "install", "--venv", str(venv), "delta")
    assert change.returncode == 0, change.stderr
    assert before.exists() and after.exists()


def test_a_broken_config_refuses_change_commands(project: Path, venv_factory) -> None:
    venv = venv_factory(["beta==1.1"])
    (project / "envtui.toml").write_text("x = 1\n")
    for args in (["install", "delta"], ["install", "--dry-run", "delta"], ["uninstall", "beta"]):
        result = run_in(project, *args, "--venv", str(venv))
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ") and "x: unknown key" in result.stderr


def test_cancel_stops_a_running_hook(project: Path, venv_factory, offline_uv: Path) -> None:
    """ctrl+c during a slow before-hook ends the job within the grace period, not the hook's time."""
    import os
    import signal
    import subprocess

    venv = venv_factory()
    started = project / "hook-started"
    slow = [sys.executable, "-c", f"import pathlib, time; pathlib.Path({str(started)!r}).touch(); time.sleep(60)"]
    write_config(project, slow, ["true"])
    assert run_in(project, "trust").returncode == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "envtui", "install", "--venv", str(venv), "delta"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not started.exists():
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 10
    assert "cancelled during step 'before-change hooks'" in err
    freeze = subprocess.run(
        [sys.executable, "-m", "envtui", "list", "--venv", str(venv), "--json"], capture_output=True, text=True
    )
    assert "delta" not in freeze.stdout
