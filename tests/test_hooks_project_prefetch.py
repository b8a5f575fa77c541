"""A uv project change with hooks is locked and downloaded before the service stops: during the
outage only ``uv sync --frozen`` installs, from uv's cache, the lock made ahead on a copy.

Real projects (``uv init``, ``uv add``), a slow index served by the test, hooks that stamp the time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from envtui.core.project.lockfile import read_lock
from tests.factory import WheelSpec, build_wheel, make_project, run_uv, uv_bin
from tests.slow_index import SlowIndex, _metadata_of
from tests.test_config import run_in
from tests.test_hooks_prefetch import (
    OUTAGE_BUDGET,
    SLOW,
    ctrl_c_while_downloading,
    installed,
    stamp,
    stamps,
    trusted_hooks,
    write_config,
)
from tests.test_jobs_engine import freeze


def files(path: Path) -> tuple[bytes, bytes]:
    """pyproject.toml and uv.lock, byte for byte."""
    return (path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes()


def last_job(path: Path) -> dict:
    return json.loads(run_in(path, "jobs", "--venv", str(path / ".venv"), "--json").stdout)[0]


def publish(index: SlowIndex, wheel: Path) -> None:
    """A new version appears on the running index."""
    index.wheels[wheel.name] = wheel.read_bytes()
    index.metadata[wheel.name] = _metadata_of(index.wheels[wheel.name])


@pytest.fixture
def service(tmp_path: Path, wheelhouse: Path) -> Path:
    """A uv project with no dependencies yet (pyproject.toml, uv.lock, .venv), made offline."""
    return make_project(tmp_path / "service", wheelhouse)


def test_a_project_install_is_locked_and_downloaded_before_the_service_stops(service: Path, slow_world) -> None:
    """Downloads of 8 s end before the before-change hook; hook start to after-hook end is ≤ 2 s."""
    record = trusted_hooks(service)
    index = slow_world(SLOW)

    result = run_in(service, "install", "slowa")

    assert result.returncode == 0, result.stderr
    assert installed(service / ".venv") == {"slowa": "1.0", "slowb": "1.0"}
    assert '"slowa>=1.0"' in (service / "pyproject.toml").read_text()
    assert read_lock(service / "uv.lock").versions("slowb") == ["1.0"]
    assert "locked ahead on a copy of pyproject.toml and uv.lock" in result.stderr
    assert "downloading before the service stops: slowa 1.0, slowb 1.0" in result.stderr
    assert "not downloaded ahead" not in result.stderr
    assert sorted(file for file, _, _ in index.downloads) == [
        "slowa-1.0-py3-none-any.whl",
        "slowb-1.0-py3-none-any.whl",
    ]
    assert all(ended - started >= SLOW for _, started, ended in index.downloads)
    times = stamps(record)
    assert max(ended for _, _, ended in index.downloads) < times["stopped"], "a download ran during the outage"
    assert last_job(service)["command"][1:] == ["sync", "--directory", str(service), "--frozen", "--inexact"]
    outage = times["started"] - times["stopped"]
    print(f"outage window: {outage:.3f} s around downloads of {SLOW:g} s")
    assert outage <= OUTAGE_BUDGET
    check = subprocess.run([uv_bin(), "lock", "--check", "--directory", str(service)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr  # the lock written ahead is the project's lock


def test_upgrade_uninstall_and_sync_are_locked_ahead_too(service: Path, slow_world, tmp_path: Path) -> None:
    """uv sync --upgrade-package, uv remove and uv sync: each locks on the copy, downloads, then installs."""
    record = trusted_hooks(service)
    index = slow_world(1.0)
    assert run_in(service, "install", "slowa").returncode == 0
    publish(index, build_wheel(tmp_path / "later", WheelSpec("slowb", "1.1", summary="Newer")))
    index.downloads.clear()
    record.unlink()

    upgraded = run_in(service, "upgrade", "slowb")
    assert upgraded.returncode == 0, upgraded.stderr
    assert "locked ahead on a copy" in upgraded.stderr
    assert "downloading before the service stops: slowb 1.1" in upgraded.stderr
    assert [file for file, _, _ in index.downloads] == ["slowb-1.1-py3-none-any.whl"]
    assert index.downloads[0][2] < stamps(record)["stopped"]
    assert read_lock(service / "uv.lock").versions("slowb") == ["1.1"]
    assert installed(service / ".venv") == {"slowa": "1.0", "slowb": "1.1"}

    removed = run_in(service, "uninstall", "slowa")
    assert removed.returncode == 0, removed.stderr
    assert "locked ahead on a copy" in removed.stderr and "downloading before" not in removed.stderr
    assert installed(service / ".venv") == {}
    assert read_lock(service / "uv.lock").names() == {"proj"}

    pyproject = service / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("dependencies = []", 'dependencies = ["slowa"]'))
    shutil.rmtree(os.environ["UV_CACHE_DIR"])  # the sync must fetch again
    index.downloads.clear()
    record.unlink()
    synced = run_in(service, "sync")
    assert synced.returncode == 0, synced.stderr
    assert "downloading before the service stops: slowa 1.0, slowb 1.1" in synced.stderr
    assert max(ended for _, _, ended in index.downloads) < stamps(record)["stopped"]
    assert installed(service / ".venv") == {"slowa": "1.0", "slowb": "1.1"}
    assert "slowa" in read_lock(service / "uv.lock").names()


def test_what_uv_has_cached_is_not_downloaded_again(service: Path, slow_world) -> None:
    """uv's own dry run says whether anything is missing from its cache: when nothing is, nothing is fetched."""
    index = slow_world(0.0)
    assert run_in(service, "install", "slowa").returncode == 0  # no hooks yet: fills the cache
    assert run_in(service, "uninstall", "slowa").returncode == 0
    trusted_hooks(service)
    index.downloads.clear()
    result = run_in(service, "install", "slowa")
    assert result.returncode == 0, result.stderr
    assert "nothing to download before the service stops: uv's cache holds every file" in result.stderr
    assert index.downloads == []
    assert installed(service / ".venv") == {"slowa": "1.0", "slowb": "1.0"}


def test_a_failed_download_runs_no_hook_and_changes_nothing(service: Path, slow_world) -> None:
    """The index resolves but cannot deliver: the job fails before any hook; files and environment as they were."""
    record = trusted_hooks(service)
    index = slow_world(0.0)
    index.downloads_fail = True
    before = files(service), freeze(service / ".venv")

    result = run_in(service, "install", "slowa")

    assert result.returncode == 1
    assert "cannot download before stopping the service" in result.stderr
    assert "after-change hooks not run: the before-change hooks were not run either" in result.stderr
    assert not record.exists(), "a hook ran"
    assert (files(service), freeze(service / ".venv")) == before
    assert last_job(service)["status"] == "failed"


def test_ctrl_c_while_downloading_ahead_changes_nothing(service: Path, slow_world) -> None:
    """Cancelled during the download ahead: exit 130, no hook, pyproject.toml, uv.lock and environment untouched."""
    record = trusted_hooks(service)
    index = slow_world(0.0)
    index.delay = None  # downloads now wait for the test
    before = files(service), freeze(service / ".venv")
    ctrl_c_while_downloading(["install", "slowa"], service, index)
    assert not record.exists(), "a hook ran"
    assert (files(service), freeze(service / ".venv")) == before


def test_an_install_that_fails_in_the_outage_puts_the_files_back(service: Path, slow_world) -> None:
    """The lock was written while the service was stopped, then uv could not install it: both files go back."""
    index = slow_world(0.0)
    assert run_in(service, "install", "slowa").returncode == 0  # fills uv's cache (no hooks yet)
    assert run_in(service, "uninstall", "slowa").returncode == 0
    record = service / "outage.txt"
    lose_the_cache = ["sh", "-c", f'rm -rf "$UV_CACHE_DIR" && echo "stopped $(date +%s.%N)" >> "{record}"']
    write_config(service, lose_the_cache, stamp(record, "started"))
    assert run_in(service, "trust").returncode == 0
    index.downloads_fail = True  # nothing is fetched ahead (all cached); then the hook empties the cache
    before = files(service), freeze(service / ".venv")

    result = run_in(service, "install", "slowa")

    assert result.returncode == 1, result.stderr
    assert "wrote pyproject.toml and uv.lock as locked ahead" in result.stderr
    assert "put back pyproject.toml and uv.lock as they were before the job" in result.stderr
    assert set(stamps(record)) == {"stopped", "started"}, "the service was started again"
    assert (files(service), freeze(service / ".venv")) == before


def test_files_edited_while_locking_ahead_are_not_overwritten(service: Path, slow_world) -> None:
    """Someone edits pyproject.toml between the lock ahead and the install: the job stops, their edit stays."""
    record = service / "outage.txt"
    pyproject = service / "pyproject.toml"
    edit = [
        sys.executable,
        "-c",
        f"import pathlib; p = pathlib.Path({str(pyproject)!r}); p.write_text(p.read_text() + '# mine\\n')",
    ]
    write_config(service, edit, stamp(record, "started"))
    assert run_in(service, "trust").returncode == 0
    slow_world(0.0)
    result = run_in(service, "install", "slowa")
    assert result.returncode == 1
    assert "pyproject.toml changed while the change was locked ahead; nothing was installed" in result.stderr
    assert pyproject.read_text().endswith("# mine\n")
    assert installed(service / ".venv") == {}
    assert "started" in stamps(record)


def test_a_project_a_copy_cannot_stand_for_keeps_its_own_command(project_factory, wheelhouse) -> None:
    """A path dependency relative to the project cannot be locked on a copy: uv locks during the outage, and says so."""
    path = project_factory(["alpha==1.0"])
    lib = path / "lib"
    (lib / "_build").mkdir(parents=True)
    (lib / "src" / "lib").mkdir(parents=True)
    (lib / "src" / "lib" / "__init__.py").write_text("")
    shutil.copy(Path(__file__).parent / "fixtures" / "in_tree_backend.py", lib / "_build" / "backend.py")
    (lib / "pyproject.toml").write_text(
        '[project]\nname = "lib"\nversion = "0.1"\n\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n'
    )
    assert run_uv(path, wheelhouse, "add", "./lib").returncode == 0
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    record = trusted_hooks(path)

    result = run_in(path, "upgrade", "alpha")

    assert result.returncode == 0, result.stderr
    assert "not locked ahead: uv cannot lock a copy of the project" in result.stderr
    assert "uv locks again while the service is stopped" in result.stderr
    assert "downloading before the service stops: alpha 2.0, beta 1.1" in result.stderr
    assert (
        last_job(path)["command"][1:3] == ["sync", "--directory"] and "--upgrade-package" in last_job(path)["command"]
    )
    assert set(stamps(record)) == {"stopped", "started"}
    assert installed(path / ".venv")["alpha"] == "2.0"


def test_a_packaged_project_and_a_group_install_through_the_lock_made_ahead(project_factory, wheelhouse) -> None:
    """The project's own package is rebuilt by the install; a group install syncs that group, as uv add does."""
    path = project_factory(["alpha==1.0"], package=True, groups={"lint": ["clash"]})
    trusted_hooks(path)
    result = run_in(path, "install", "--group", "lint", "boom")
    assert result.returncode == 0, result.stderr
    assert "locked ahead on a copy" in result.stderr
    assert "--group" in last_job(path)["command"] and "--frozen" in last_job(path)["command"]
    names = set(installed(path / ".venv"))
    assert {"alpha", "boom", "clash", "beta", "proj"} <= names, names
