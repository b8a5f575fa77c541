"""Changes that cannot silently break the service: consistent upgrades, and decisions made after the lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.factory import run_envtui
from tests.test_cli_change import _until_waiting
from tests.test_jobs_engine import freeze


def test_an_upgrade_keeps_installed_requirements_and_says_what_held_it_back(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])  # clash needs beta<1.1
    before = freeze(venv)
    preview = run_envtui("upgrade", "--venv", str(venv), "--dry-run", "beta")
    assert preview.returncode == 0, preview.stderr
    assert "no changes" in preview.stdout
    assert "held back: beta 1.0, 1.1 exists: clash requires beta<1.1" in preview.stdout
    data = json.loads(run_envtui("upgrade", "--venv", str(venv), "--dry-run", "--json", "beta").stdout)
    assert data["changed"] == [] and data["held_back"] == ["held back: beta 1.0, 1.1 exists: clash requires beta<1.1"]

    done = run_envtui("upgrade", "--venv", str(venv), "beta")
    assert done.returncode == 0, done.stderr
    assert "keeping 1 requirement of installed packages" in done.stderr
    assert freeze(venv) == before  # clash still works


def test_held_back_through_a_dependency(venv_factory, offline_uv) -> None:
    """alpha 2.0 needs beta>=1.1, which clash forbids: alpha stays at 1.0, and clash's bound is named."""
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])
    preview = run_envtui("upgrade", "--venv", str(venv), "--dry-run", "alpha")
    assert "held back: alpha 1.0, 2.0 exists: clash requires beta<1.1" in preview.stdout
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    assert "alpha==1.0" in freeze(venv).split()


def test_latest_takes_the_newest_and_names_what_it_breaks(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])
    preview = run_envtui("upgrade", "--venv", str(venv), "--dry-run", "--latest", "beta")
    assert "~ beta 1.0 -> 1.1" in preview.stdout
    assert "breaks clash: clash requires beta<1.1, gets 1.1" in preview.stdout
    data = json.loads(run_envtui("upgrade", "--venv", str(venv), "--dry-run", "--json", "--latest", "beta").stdout)
    assert data["breaks"] == ["breaks clash: clash requires beta<1.1, gets 1.1"]
    done = run_envtui("upgrade", "--venv", str(venv), "--latest", "beta")
    assert done.returncode == 0, done.stderr
    assert "beta==1.1" in freeze(venv).split()


def test_an_upgrade_nothing_holds_back_moves(venv_factory, offline_uv) -> None:
    venv = venv_factory(["gamma", "alpha==1.0"])  # gamma needs alpha>=1.0: 2.0 is fine
    preview = run_envtui("upgrade", "--venv", str(venv), "--dry-run", "alpha")
    assert "~ alpha 1.0 -> 2.0" in preview.stdout and "held back" not in preview.stdout
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    assert "alpha==2.0" in freeze(venv).split()


def _popen(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "envtui", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env=dict(os.environ),
    )


def test_uninstall_decides_after_the_running_install(venv_factory, slow_index) -> None:
    """``envtui install slowpkg &`` then ``envtui uninstall slowpkg``: the uninstall waits, then removes it."""
    venv = venv_factory()
    install = _popen("install", "--venv", str(venv), "slowpkg")
    assert slow_index.download_started.wait(30)
    uninstall = _popen("uninstall", "--venv", str(venv), "slowpkg")
    waited = _until_waiting(uninstall)  # an uninstall that decided at once would end without waiting
    assert uninstall.poll() is None, "the uninstall decided before the install ended"
    slow_index.release.set()
    _, install_err = install.communicate(timeout=60)
    assert install.returncode == 0, install_err
    _, err = uninstall.communicate(timeout=60)
    err = waited + err
    assert uninstall.returncode == 0, err
    assert "waiting for another job" in err and "not installed" not in err
    assert freeze(venv) == ""


def test_uninstall_of_nothing_installed_runs_no_uv(venv_factory, offline_uv) -> None:
    venv = venv_factory(["beta==1.0"])
    result = run_envtui("uninstall", "--venv", str(venv), "--json", "delta")
    assert result.returncode == 0, result.stderr
    assert "warning: delta is not installed" in result.stderr
    assert "nothing to uninstall: uv did not run" in result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "succeeded" and data["returncode"] is None
    assert data["removed"] == []
    assert freeze(venv).split() == ["beta==1.0"]


def test_a_preview_waits_for_the_running_job(venv_factory, slow_index) -> None:
    venv = venv_factory()
    install = _popen("install", "--venv", str(venv), "slowpkg")
    assert slow_index.download_started.wait(30)
    preview = _popen("uninstall", "--venv", str(venv), "--dry-run", "slowpkg")
    assert preview.stderr is not None
    first = preview.stderr.readline()  # the install is stalled: the preview can only wait
    assert "waiting for another job" in first
    slow_index.release.set()
    assert install.wait(60) == 0
    out, err = preview.communicate(timeout=60)
    assert preview.returncode == 0, err
    assert "- slowpkg 1.0" in out
    assert Path(venv).exists() and "slowpkg==1.0" in freeze(venv)
