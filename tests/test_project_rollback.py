"""Snapshots in a uv project keep pyproject.toml and uv.lock; a rollback restores all three together."""

from __future__ import annotations

import json
import os
from pathlib import Path

from envtui.core.snapshots.store import SnapshotStore
from tests.factory import run_envtui, run_uv
from tests.test_jobs_engine import freeze


def _state(path: Path) -> tuple[bytes, bytes | None, str]:
    lock = path / "uv.lock"
    return (path / "pyproject.toml").read_bytes(), lock.read_bytes() if lock.exists() else None, freeze(path / ".venv")


def test_rollback_restores_lock_pyproject_and_environment_together(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    os.chmod(path / "pyproject.toml", 0o640)
    before = _state(path)
    result = run_envtui("install", "--venv", str(path), "gamma")
    assert result.returncode == 0, result.stderr
    assert "restore pyproject.toml" not in result.stderr, "only a rollback restores the files, or says so"
    changed = _state(path)
    assert all(a != b for a, b in zip(before, changed, strict=True)), "install changed all three"
    snapshot = SnapshotStore(path / ".venv").newest()
    assert snapshot is not None and snapshot.project is not None
    assert snapshot.project.pyproject.encode() == before[0] and snapshot.project.lock.encode() == before[1]

    dry = json.loads(run_envtui("rollback", "--venv", str(path), "--dry-run", "--json").stdout)
    assert dry["files"] == ["pyproject.toml", "uv.lock"] and dry["removed"]
    assert _state(path) == changed, "a dry run changes nothing"

    result = run_envtui("rollback", "--venv", str(path))
    assert result.returncode == 0, result.stderr
    assert "after: restore pyproject.toml and uv.lock" in result.stderr
    assert "restored pyproject.toml and uv.lock" in result.stderr
    assert "matches snapshot" in result.stderr and "(and pyproject.toml and uv.lock)" in result.stderr
    assert _state(path) == before, "lock, pyproject and environment are back, byte for byte"
    assert (path / "pyproject.toml").stat().st_mode & 0o777 == 0o640
    synced = run_uv(path, wheelhouse, "sync", "--locked")
    assert synced.returncode == 0, synced.stderr  # the lock fits the pyproject it came back with
    assert _state(path) == before


def test_a_change_to_the_files_alone_is_rolled_back_too(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    before = _state(path)
    result = run_envtui("install", "--venv", str(path), "--dev", "alpha")  # installed already: files only
    assert result.returncode == 0, result.stderr
    after = _state(path)
    assert after[2] == before[2] and after[0] != before[0]
    show = run_envtui("snapshots", "show", SnapshotStore(path / ".venv").newest().id, "--venv", str(path))
    assert "pyproject.toml and uv.lock kept" in show.stdout
    result = run_envtui("rollback", "--venv", str(path))
    assert result.returncode == 0, result.stderr
    assert "nothing to roll back" not in result.stdout
    assert _state(path) == before


def test_a_plain_venv_snapshot_keeps_no_project_files(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    snapshot = SnapshotStore(venv).newest()
    assert snapshot is not None and snapshot.project is None
    assert run_envtui("rollback", "--venv", str(venv)).returncode == 0
    assert "delta" not in freeze(venv)
