"""With maintenance hooks the service is down only while uv installs: what the change needs is
downloaded before the before-change hook stops it, from a slow index served by the test."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envtui.core.env.changes import Change, Preview
from envtui.core.jobs.prefetch import index_options, plan_fetch
from tests.conftest import SPECS
from tests.factory import WheelSpec, build_wheel, build_wheelhouse
from tests.test_config import run_in

#: How long each download from the slow index takes in the outage test (the issue: 8 s or more).
SLOW = 8.0
#: The most the service may be down around such an install.
OUTAGE_BUDGET = 2.0


def stamp(path: Path, label: str) -> list[str]:
    """A hook that appends ``label`` and the time it ran to ``path`` (``date``: no interpreter start-up)."""
    return ["sh", "-c", f'echo "{label} $(date +%s.%N)" >> "$0"', str(path)]


def write_config(directory: Path, before: list[str], after: list[str]) -> Path:
    """An envtui.toml with one before- and one after-change hook (JSON strings are TOML strings)."""
    file = directory / "envtui.toml"
    file.write_text(f"[hooks]\nbefore-change = {json.dumps(before)}\nafter-change = {json.dumps(after)}\n")
    return file


def stamps(path: Path) -> dict[str, float]:
    if not path.exists():
        return {}
    return {label: float(value) for label, value in (line.split() for line in path.read_text().splitlines())}


def installed(venv: Path) -> dict[str, str]:
    listed = run_in(venv.parent, "list", "--venv", str(venv), "--json")
    assert listed.returncode == 0, listed.stderr
    return {p["name"]: p["version"] for p in json.loads(listed.stdout)}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "service"
    directory.mkdir()
    return directory


def trusted_hooks(project: Path) -> Path:
    """Trusted hooks that record when the service stopped and when it was back; returns the record."""
    record = project / "outage.txt"
    write_config(project, stamp(record, "stopped"), stamp(record, "started"))
    assert run_in(project, "trust").returncode == 0
    return record


def test_the_service_is_down_only_while_uv_installs(project: Path, venv_factory, slow_world) -> None:
    """Downloads of 8 s happen before the before-change hook; hook start to after-hook end is ≤ 2 s."""
    venv = venv_factory()
    record = trusted_hooks(project)
    index = slow_world(SLOW)

    result = run_in(project, "install", "--venv", str(venv), "slowa")

    assert result.returncode == 0, result.stderr
    assert installed(venv) == {"slowa": "1.0", "slowb": "1.0"}
    assert "downloading before the service stops: slowa 1.0, slowb 1.0" in result.stderr
    assert sorted(file for file, _, _ in index.downloads) == [
        "slowa-1.0-py3-none-any.whl",
        "slowb-1.0-py3-none-any.whl",
    ]
    assert all(ended - started >= SLOW for _, started, ended in index.downloads)
    times = stamps(record)
    assert max(ended for _, _, ended in index.downloads) < times["stopped"], "a download ran during the outage"
    outage = times["started"] - times["stopped"]
    print(f"outage window: {outage:.3f} s around downloads of {SLOW:g} s")
    assert outage <= OUTAGE_BUDGET


def test_a_download_that_fails_stops_the_job_before_the_service(project: Path, venv_factory, slow_world) -> None:
    """The index resolves but cannot deliver: the job fails, no hook ran, the environment is as it was."""
    venv = venv_factory(["beta==1.0"])
    record = trusted_hooks(project)
    index = slow_world(0.0)
    index.downloads_fail = True

    result = run_in(project, "install", "--venv", str(venv), "slowa")

    assert result.returncode == 1
    assert "cannot download before stopping the service" in result.stderr
    assert "after-change hooks not run: the before-change hooks were not run either" in result.stderr
    assert not record.exists(), "a hook ran"
    assert installed(venv) == {"beta": "1.0"}
    job = json.loads(run_in(project, "jobs", "--venv", str(venv), "--json").stdout)[0]
    assert job["status"] == "failed"


def test_no_hooks_no_download_ahead(project: Path, venv_factory, slow_world) -> None:
    """Without hooks (none configured, or not trusted) uv simply runs: nothing is fetched twice or logged."""
    venv = venv_factory()
    index = slow_world(0.0)
    plain = run_in(project, "install", "--venv", str(venv), "slowb")
    assert plain.returncode == 0, plain.stderr
    write_config(project, stamp(project / "never.txt", "stopped"), stamp(project / "never.txt", "started"))
    untrusted = run_in(project, "install", "--venv", str(venv), "slowa")
    assert untrusted.returncode == 0, untrusted.stderr
    assert "hooks skipped" in untrusted.stderr
    for result in (plain, untrusted):
        assert "downloading before the service stops" not in result.stderr + result.stdout
        assert "asking uv what would change" not in result.stderr + result.stdout
    assert len(index.downloads) == 2  # each wheel once, by the install itself
    assert installed(venv) == {"slowa": "1.0", "slowb": "1.0"}


def test_the_install_keeps_the_versions_it_downloaded(project: Path, venv_factory, tmp_path: Path, monkeypatch) -> None:
    """A newer version published while the service stops is not taken: the install is held to the prefetch's pins."""
    wheels = build_wheelhouse(tmp_path / "mirror", SPECS)
    newer = build_wheel(tmp_path / "later", WheelSpec("delta", "2.0", summary="Published during the outage"))
    monkeypatch.setenv("UV_NO_INDEX", "1")
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    venv = venv_factory()
    record = project / "outage.txt"
    publish = [sys.executable, "-c", f"import shutil; shutil.copy({str(newer)!r}, {str(wheels)!r})"]
    write_config(project, publish, stamp(record, "started"))
    assert run_in(project, "trust").returncode == 0

    result = run_in(project, "install", "--venv", str(venv), "delta")

    assert result.returncode == 0, result.stderr
    assert (wheels / newer.name).exists()  # the hook did publish it
    assert installed(venv) == {"delta": "1.0"}
    job = json.loads(run_in(project, "jobs", "--venv", str(venv), "--json").stdout)[0]
    assert "--constraint" in job["command"]  # the pins, on uv's command line


def test_sync_and_rollback_download_before_the_service_stops(project: Path, venv_factory, slow_world) -> None:
    """Other change jobs go through the same step: a sync, and the rollback that undoes it."""
    venv = venv_factory()
    record = trusted_hooks(project)
    index = slow_world(1.0)
    requirements = project / "requirements.txt"
    requirements.write_text("slowa==1.0\nslowb==1.0\n")

    synced = run_in(project, "sync", "--venv", str(venv), str(requirements))
    assert synced.returncode == 0, synced.stderr
    assert "downloading before the service stops: slowa 1.0, slowb 1.0" in synced.stderr
    assert max(ended for _, _, ended in index.downloads) < stamps(record)["stopped"]

    assert run_in(project, "uninstall", "--venv", str(venv), "slowa", "slowb").returncode == 0
    shutil.rmtree(os.environ["UV_CACHE_DIR"])  # the rollback must fetch again
    index.downloads.clear()
    record.unlink()
    restored = run_in(project, "rollback", "--venv", str(venv))
    assert restored.returncode == 0, restored.stderr
    assert "downloading before the service stops: slowa 1.0, slowb 1.0" in restored.stderr
    assert len(index.downloads) == 2
    assert max(ended for _, _, ended in index.downloads) < stamps(record)["stopped"]
    assert installed(venv) == {"slowa": "1.0", "slowb": "1.0"}


def test_plan_fetch_pins_index_packages_keeps_urls_and_leaves_local_ones(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path, WheelSpec("local", "1.0"))
    sdist = tmp_path / "built-1.0.tar.gz"
    sdist.write_bytes(b"")
    preview = Preview(
        [
            Change("alpha", "1.0", "2.0"),
            Change("beta", None, "1.1"),
            Change("gone", "1.0", None),
            Change("remote", None, "0.3", "https://example.org/remote-0.3-py3-none-any.whl"),
            Change("local", None, "1.0", wheel.as_uri()),
            Change("proj", None, "0.1", tmp_path.as_uri()),
            Change("built", None, "1.0", sdist.as_uri()),
        ]
    )
    plan = plan_fetch(preview)
    assert plan.pins == ["alpha==2.0", "beta==1.1"]
    assert plan.lines == [
        "alpha==2.0",
        "beta==1.1",
        "remote @ https://example.org/remote-0.3-py3-none-any.whl",
        f"built @ {sdist.as_uri()}",
    ]
    assert plan.local == ["local", "proj"]
    assert plan_fetch(Preview([Change("gone", "1.0", None)])).lines == []


def test_index_options_come_from_the_job_files_with_their_paths(tmp_path: Path) -> None:
    """A relative --find-links means the file's directory, wherever the scratch file is."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "base.txt").write_text("--extra-index-url https://mirror.example/simple\nbeta\n")
    top = tmp_path / "requirements.txt"
    top.write_text("--index-url https://index.example/simple\n--require-hashes\n-f wheels\n-r sub/base.txt\nalpha\n")
    assert index_options([top]) == [
        "--index-url https://index.example/simple",
        f"-f {(tmp_path / 'wheels').resolve()}",
        "--extra-index-url https://mirror.example/simple",
    ]
    assert index_options([tmp_path / "missing.txt"]) == []


def test_the_job_files_own_index_options_reach_the_download(project: Path, venv_factory, monkeypatch) -> None:
    """A requirements file's ``--find-links wheels`` (relative to the file) is where the download looks too."""
    venv = venv_factory()
    trusted_hooks(project)
    build_wheel(project / "wheels", WheelSpec("slowb", "1.0"))
    for name in ("UV_FIND_LINKS", "UV_INDEX_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("UV_OFFLINE", "1")  # without the file's options uv would have nowhere to look
    requirements = project / "requirements.txt"
    requirements.write_text("--no-index\n--find-links wheels\nslowb\n")

    result = run_in(
        project.parent,
        "install",
        "--venv",
        str(venv),
        "--config",
        str(project / "envtui.toml"),
        "-r",
        str(requirements),
    )

    assert result.returncode == 0, result.stderr
    assert "downloading before the service stops: slowb 1.0" in result.stderr
    assert installed(venv) == {"slowb": "1.0"}


def test_hooks_log_the_download_as_its_own_line(project: Path, venv_factory, slow_world) -> None:
    """The job's log shows the download after the preview and before the first hook."""
    venv = venv_factory()
    trusted_hooks(project)
    slow_world(0.0)
    assert run_in(project, "install", "--venv", str(venv), "slowb").returncode == 0
    job = json.loads(run_in(project, "jobs", "--venv", str(venv), "--json").stdout)[0]
    text = run_in(project, "jobs", job["id"], "--venv", str(venv)).stdout
    order = [
        "asking uv what would change",
        "downloading before the service stops: slowb 1.0",
        "downloaded in",
        "before-change hook: $",
        "+ slowb==1.0",
        "after-change hook: $",
    ]
    assert [text.index(line) for line in order] == sorted(text.index(line) for line in order)
    assert text.count("+ slowb==1.0") == 1  # the scratch install's lines are not the job's changes


def test_ctrl_c_while_downloading_ahead_cancels_before_any_hook(project: Path, venv_factory, slow_world) -> None:
    """The download ahead is part of the job: ctrl+c stops it, no hook runs, nothing changes."""
    venv = venv_factory()
    record = trusted_hooks(project)
    index = slow_world(0.0)
    index.delay = None  # downloads now wait for the test
    ctrl_c_while_downloading(["install", "--venv", str(venv), "slowa"], project, index)
    assert not record.exists(), "a hook ran"
    assert installed(venv) == {}


def ctrl_c_while_downloading(args: list[str], cwd: Path, index) -> None:
    """Run ``envtui ARGS`` in ``cwd``, press ctrl+c once the download ahead has begun (``index``
    holds its downloads): the job is cancelled at once (exit 130), during the hooks' step."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "envtui", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert index.download_started.wait(60), proc.stderr
    os.kill(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert time.monotonic() - sent < 10
    assert "downloading before the service stops" in err
    assert "cancelled during step 'before-change hooks'" in err


def test_local_wheels_and_editables_are_left_to_the_install(project: Path, venv_factory, offline_uv, tmp_path) -> None:
    """A local wheel or project is not downloaded; what it needs from the index still is, ahead."""
    from tests.test_cli_change import _LOCAL_BACKEND

    venv = venv_factory()
    record = trusted_hooks(project)
    local = tmp_path / "localproj"
    (local / "src" / "localproj").mkdir(parents=True)
    (local / "local_backend.py").write_text(_LOCAL_BACKEND)
    (local / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "local_backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "localproj"\nversion = "0.1"\n'
    )
    wheel = offline_uv / "gamma-1.0-py3-none-any.whl"

    by_url = run_in(project, "install", "--venv", str(venv), f"gamma @ {wheel.as_uri()}")
    assert by_url.returncode == 0, by_url.stderr
    assert "downloading before the service stops: alpha 2.0, beta 1.1" in by_url.stderr
    assert "built or copied during the install (local): gamma" in by_url.stderr
    editable = run_in(project, "install", "--venv", str(venv), "--editable", str(local))
    assert editable.returncode == 0, editable.stderr
    assert "built or copied during the install (local): localproj" in editable.stderr
    assert "downloading before the service stops" not in editable.stderr
    assert installed(venv) == {"alpha": "2.0", "beta": "1.1", "gamma": "1.0", "localproj": "0.1"}
    assert record.read_text().count("stopped") == 2


def test_a_uv_project_change_is_locked_ahead_and_pip_through_it_is_pinned(
    project_factory, tmp_path, monkeypatch
) -> None:
    """uv add is locked on a copy and downloaded before the hooks (see test_hooks_project_prefetch); --pip is pinned."""
    path = project_factory(["gamma"])
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-cache"))  # so that delta has to be fetched
    record = trusted_hooks(path)
    result = run_in(path, "install", "--venv", str(path / ".venv"), "delta")
    assert result.returncode == 0, result.stderr
    assert "locked ahead on a copy of pyproject.toml and uv.lock (uv add --no-sync -- delta)" in result.stderr
    assert "downloading before the service stops: delta 1.0" in result.stderr
    assert "not downloaded ahead" not in result.stderr
    assert set(stamps(record)) == {"stopped", "started"}
    piped = run_in(path, "install", "--venv", str(path / ".venv"), "--pip", "boom")
    assert piped.returncode == 0, piped.stderr
    assert "downloading before the service stops: boom 1.0" in piped.stderr
    assert "locked ahead" not in piped.stderr


def test_an_upgrade_downloads_ahead_within_the_installed_requirements(project: Path, venv_factory, offline_uv) -> None:
    """An upgrade keeps what installed packages require (its own constraints) and gets the pins on top."""
    venv = venv_factory(["gamma", "alpha==1.0", "beta==1.0"])
    trusted_hooks(project)
    result = run_in(project, "upgrade", "--venv", str(venv), "beta")
    assert result.returncode == 0, result.stderr
    assert "keeping 1 requirement of installed packages" in result.stderr
    assert "downloading before the service stops: beta 1.1" in result.stderr
    job = json.loads(run_in(project, "jobs", "--venv", str(venv), "--json").stdout)[0]
    assert job["command"].count("--constraint") == 2
    assert installed(venv) == {"alpha": "1.0", "beta": "1.1", "gamma": "1.0"}
