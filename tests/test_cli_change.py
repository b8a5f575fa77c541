"""``envtui install|upgrade|uninstall|sync|jobs`` run as a user would, on real venvs, offline."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envtui.core.jobs.lock import EnvLock
from tests.factory import run_envtui
from tests.test_jobs_engine import freeze
from tests.test_specs import BAD_SPECS


def test_install_applies_streams_and_exits_0(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    result = run_envtui("install", "--venv", str(venv), "gamma")
    assert result.returncode == 0, result.stderr
    assert "+ gamma==1.0" in result.stderr  # uv's own summary, streamed through
    assert freeze(venv).split() == ["alpha==2.0", "beta==1.1", "gamma==1.0"]


def test_install_json_reports_the_job(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    result = run_envtui("install", "--venv", str(venv), "--json", "alpha==2.0")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "succeeded" and data["returncode"] == 0 and data["kind"] == "install"
    assert data["changed"] == [{"name": "alpha", "old": "1.0", "new": "2.0"}]
    assert data["added"] == [{"name": "beta", "old": None, "new": "1.1"}]
    assert data["command"][-2:] == ["--", "alpha==2.0"]
    assert Path(data["log"]).is_file()


def test_dry_run_prints_the_preview_and_changes_nothing(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    result = run_envtui("install", "--venv", str(venv), "--dry-run", "gamma", "alpha==2.0")
    assert result.returncode == 0, result.stderr
    assert "~ alpha 1.0 -> 2.0" in result.stdout and "+ gamma 1.0" in result.stdout
    result = run_envtui("install", "--venv", str(venv), "--dry-run", "--json", "gamma", "alpha==2.0")
    data = json.loads(result.stdout)
    assert data["dry_run"] is True
    assert data["added"] == [{"name": "gamma", "old": None, "new": "1.0"}]
    assert {c["name"] for c in data["changed"]} == {"alpha", "beta"}
    assert data["removed"] == []
    assert freeze(venv) == before
    assert json.loads(run_envtui("jobs", "--json").stdout) == []  # a preview is not a job


@pytest.mark.parametrize("spec", BAD_SPECS)
def test_each_bad_spec_exits_2_with_one_error_and_touches_nothing(env_path: Path, offline_uv, spec: str) -> None:
    before = freeze(env_path)
    result = run_envtui("install", "--venv", str(env_path), "--", spec)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert freeze(env_path) == before
    assert json.loads(run_envtui("jobs", "--json").stdout) == []


def test_option_injection_is_not_accepted_as_an_option_either(env_path: Path, offline_uv) -> None:
    before = freeze(env_path)
    result = run_envtui("install", "--venv", str(env_path), "--index-url=https://evil.example/simple", "alpha")
    assert result.returncode == 2 and result.stderr.startswith("error: ")
    assert freeze(env_path) == before


@pytest.mark.parametrize(
    ("specs", "needle"),
    [(["no-such-package"], "no-such-package"), (["clash", "alpha==2.0"], "No solution found")],
    ids=["missing", "conflict"],
)
def test_uv_failure_exits_1_and_leaves_the_environment(venv_factory, offline_uv, specs, needle) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    result = run_envtui("install", "--venv", str(venv), *specs)
    assert result.returncode == 1
    assert needle in result.stderr and "error:" in result.stderr
    assert freeze(venv) == before
    jobs = json.loads(run_envtui("jobs", "--venv", str(venv), "--json").stdout)
    assert [j["status"] for j in jobs] == ["failed"]
    assert jobs[0]["error_lines"][0].startswith("error:")


def test_upgrade_named_and_all_outdated_top_level(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "gamma"])
    result = run_envtui("upgrade", "--venv", str(venv), "no-such-package")
    assert result.returncode == 2 and "not installed" in result.stderr
    result = run_envtui("upgrade", "--venv", str(venv), "--all", "--dry-run")
    assert result.returncode == 0, result.stderr
    # alpha is outdated but gamma needs it: only beta is an outdated top-level package
    assert "outdated top-level packages (1):" in result.stdout and "beta 1.0 -> 1.1" in result.stdout
    assert "alpha 1.0 ->" not in result.stdout
    result = run_envtui("upgrade", "--venv", str(venv), "--all")
    assert result.returncode == 0, result.stderr
    assert "beta==1.1" in freeze(venv) and "alpha==1.0" in freeze(venv)
    result = run_envtui("upgrade", "--venv", str(venv), "alpha")
    assert result.returncode == 0, result.stderr
    assert "alpha==2.0" in freeze(venv)
    result = run_envtui("upgrade", "--venv", str(venv), "--all")
    assert result.returncode == 0 and "up to date" in result.stdout


def test_uninstall_warns_naming_dependents(env_path: Path, offline_uv) -> None:
    result = run_envtui("uninstall", "--venv", str(env_path), "alpha")
    assert result.returncode == 0, result.stderr
    assert "warning: alpha is required by gamma" in result.stderr
    assert "alpha" not in freeze(env_path)
    result = run_envtui("uninstall", "--venv", str(env_path), "gamma", "beta")
    assert "required by" not in result.stderr  # gamma goes too: nothing is left behind broken
    assert result.returncode == 0
    result = run_envtui("uninstall", "--venv", str(env_path), "not-installed")
    assert result.returncode == 0 and "not installed" in result.stderr


def test_sync_from_a_file_and_install_from_one(env_path: Path, tmp_path: Path, offline_uv) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("alpha==1.0\ndelta\n")
    result = run_envtui("sync", "--venv", str(env_path), "--dry-run", "--json", str(req))
    data = json.loads(result.stdout)
    assert {c["name"] for c in data["removed"]} == {"beta", "gamma", "boom"}
    result = run_envtui("sync", "--venv", str(env_path), str(req))
    assert result.returncode == 0, result.stderr
    assert freeze(env_path).split() == ["alpha==1.0", "delta==1.0"]
    more = tmp_path / "more.txt"
    more.write_text("beta==1.0\n")
    result = run_envtui("install", "--venv", str(env_path), "-r", str(more))
    assert result.returncode == 0, result.stderr
    assert "beta==1.0" in freeze(env_path)
    assert run_envtui("sync", "--venv", str(env_path), str(tmp_path / "missing.txt")).returncode == 2


def test_editable_path_is_checked(env_path: Path, tmp_path: Path, offline_uv) -> None:
    result = run_envtui("install", "--venv", str(env_path), "--editable", str(tmp_path / "nope"))
    assert result.returncode == 2 and result.stderr.startswith("error: not a directory")


def test_jobs_lists_history(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    run_envtui("install", "--venv", str(venv), "delta")
    run_envtui("install", "--venv", str(venv), "no-such-package")
    jobs = json.loads(run_envtui("jobs", "--venv", str(venv), "--json").stdout)
    assert [(j["description"], j["status"], j["returncode"]) for j in jobs] == [
        ("install no-such-package", "failed", 1),
        ("install delta", "succeeded", 0),
    ]
    assert all({"id", "command", "started", "duration", "log", "env"} <= set(j) for j in jobs)
    text = run_envtui("jobs", "--venv", str(venv)).stdout
    assert "install delta" in text and "succeeded" in text
    shown = run_envtui("jobs", jobs[1]["id"])
    assert shown.returncode == 0 and "+ delta==1.0" in shown.stdout
    assert run_envtui("jobs", "nope").returncode == 2


def test_jobs_lists_the_environment_it_resolves_or_all(venv_factory, offline_uv, tmp_path: Path) -> None:
    project = tmp_path / "project"
    venv = venv_factory(name="project/.venv")
    other = venv_factory(name="other")
    run_envtui("install", "--venv", str(venv), "delta")
    run_envtui("install", "--venv", str(other), "beta")
    # From inside the project, as every other command resolves it: its .venv.
    here = json.loads(run_envtui("jobs", "--json", cwd=project).stdout)
    assert [j["description"] for j in here] == ["install delta"]
    text = run_envtui("jobs", cwd=project).stdout
    assert text.splitlines()[0].startswith(f"{venv} · Python") and "install beta" not in text
    # With VIRTUAL_ENV naming the other one, that one.
    named = json.loads(run_envtui("jobs", "--json", env={"VIRTUAL_ENV": str(other)}).stdout)
    assert [j["description"] for j in named] == ["install beta"]
    every = json.loads(run_envtui("jobs", "--all", "--json", cwd=project).stdout)
    assert [j["description"] for j in every] == ["install beta", "install delta"]
    assert str(other) in run_envtui("jobs", "--all", cwd=project).stdout
    empty = run_envtui("jobs", "--venv", str(venv_factory()))
    assert empty.returncode == 0 and "envtui jobs --all" in empty.stdout


def test_a_job_id_may_be_a_unique_prefix(venv_factory, offline_uv) -> None:
    from envtui.core.jobs import history

    venv = venv_factory()
    run_envtui("install", "--venv", str(venv), "delta")
    (job,) = json.loads(run_envtui("jobs", "--venv", str(venv), "--json").stdout)
    # A second record whose id shares the first 16 characters makes a short prefix ambiguous.
    twin = history.JobRecord(**{**job, "id": job["id"][:16] + "zzzz", "description": "twin"})
    history.save(twin)
    unique = job["id"][:17]
    shown = run_envtui("jobs", unique)
    assert shown.returncode == 0 and f"job {job['id']}: install delta" in shown.stdout
    ambiguous = run_envtui("jobs", job["id"][:16])
    assert ambiguous.returncode == 2 and "ambiguous" in ambiguous.stderr
    assert job["id"] in ambiguous.stderr and twin.id in ambiguous.stderr
    assert run_envtui("jobs", "../x").returncode == 2


def _popen_envtui(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "envtui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ),
    )


def _until_waiting(proc: subprocess.Popen[str], timeout: float = 60) -> str:
    """Read ``proc``'s stderr until it says it waits for the environment's lock; returns what it read."""
    assert proc.stderr is not None
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        assert line, f"it ended without waiting: {''.join(seen)}"
        seen.append(line)
        if "waiting for another job" in line:
            return "".join(seen)
    raise AssertionError(f"it never said it waits: {''.join(seen)}")


def test_two_concurrent_installs_on_one_venv_both_succeed_in_turn(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    holder = EnvLock(venv)  # hold the venv so both CLI runs are sure to meet at the lock
    assert holder.try_acquire("test")
    first = _popen_envtui("install", "--venv", str(venv), "alpha==1.0")
    second = _popen_envtui("install", "--venv", str(venv), "delta")
    # Both queue behind the lock, however slow the machine: each says so before it waits.
    waited = [_until_waiting(proc) for proc in (first, second)]
    assert first.poll() is None and second.poll() is None
    assert freeze(venv) == ""
    holder.release()
    _out1, err1 = first.communicate(timeout=60)
    _out2, err2 = second.communicate(timeout=60)
    err1, err2 = waited[0] + err1, waited[1] + err2
    assert first.returncode == 0, err1
    assert second.returncode == 0, err2
    assert "waiting for another job" in err1 and "waiting for another job" in err2
    assert freeze(venv).split() == ["alpha==1.0", "delta==1.0"]


def test_two_racing_installs_on_one_venv_both_succeed(venv_factory, offline_uv) -> None:
    venv = venv_factory()
    procs = [_popen_envtui("install", "--venv", str(venv), spec) for spec in ("alpha==1.0", "delta", "boom")]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    assert freeze(venv).split() == ["alpha==1.0", "boom==1.0", "delta==1.0"]


def test_ctrl_c_cancels_the_cli_job(venv_factory, slow_index) -> None:
    venv = venv_factory()
    proc = _popen_envtui("install", "--venv", str(venv), "slowpkg")
    assert slow_index.download_started.wait(30)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    assert "cancelled" in err
    assert freeze(venv) == ""


#: A PEP 517 backend with no requirements (so it builds offline): editable wheels only.
_LOCAL_BACKEND = """
import base64, hashlib, os, zipfile

NAME, VERSION = "localproj", "0.1"

def get_requires_for_build_editable(config_settings=None):
    return []

def get_requires_for_build_wheel(config_settings=None):
    return []

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    info = f"{NAME}-{VERSION}.dist-info"
    files = {
        f"{NAME}.pth": (os.path.abspath("src") + "\\n").encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\\nName: {NAME}\\nVersion: {VERSION}\\n\\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\\nGenerator: local\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n",
    }
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\\n".join(record) + "\\n").encode()
    name = f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as archive:
        for path, data in files.items():
            archive.writestr(path, data)
    return name

build_wheel = build_editable
"""


def test_install_editable_local_project(venv_factory, offline_uv, tmp_path: Path) -> None:
    project = tmp_path / "localproj"
    (project / "src" / "localproj").mkdir(parents=True)
    (project / "src" / "localproj" / "__init__.py").write_text("VALUE = 1\n")
    (project / "local_backend.py").write_text(_LOCAL_BACKEND)
    (project / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "local_backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "localproj"\nversion = "0.1"\n'
    )
    venv = venv_factory()
    result = run_envtui("install", "--venv", str(venv), "--editable", str(project))
    assert result.returncode == 0, result.stderr
    listed = {p["name"]: p for p in json.loads(run_envtui("list", "--json", "--venv", str(venv)).stdout)}
    assert listed["localproj"]["editable"] is True
    check = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import localproj; print(localproj.VALUE)"], capture_output=True, text=True
    )
    assert check.stdout.strip() == "1"
    # a local path given as a spec is refused: editable only by the explicit option
    assert run_envtui("install", "--venv", str(venv), "--", str(project)).returncode == 2


def test_network_down_exits_1(venv_factory, monkeypatch) -> None:
    from tests.test_jobs_engine import _closed_port

    venv = venv_factory()
    for name in ("UV_OFFLINE", "UV_FIND_LINKS", "UV_NO_INDEX"):
        monkeypatch.delenv(name, raising=False)
    result = run_envtui(
        "install",
        "--venv",
        str(venv),
        "delta",
        env={"UV_INDEX_URL": f"http://127.0.0.1:{_closed_port()}/simple", "UV_HTTP_RETRIES": "0"},
    )
    assert result.returncode == 1
    assert "Failed to fetch" in result.stderr
    assert freeze(venv) == ""


def test_a_requirements_file_that_does_not_parse_is_bad_input(venv_factory, tmp_path, offline_uv) -> None:
    venv = venv_factory(["beta==1.1"])
    garbage = tmp_path / "passwd"
    garbage.write_text("root:x:0:0:root:/root:/bin/bash\nalpha\n")
    before = freeze(venv)
    for args in (["install", "-r", str(garbage)], ["sync", str(garbage)]):
        result = run_envtui(*args, "--venv", str(venv))
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith(f"error: invalid requirement at {garbage}:1")
    assert freeze(venv) == before
