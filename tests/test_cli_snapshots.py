"""``envtui snapshots`` and ``envtui rollback`` as a user runs them: real uv, real venvs, local wheels."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

from tests.factory import install_into, make_venv, run_envtui, uv_bin, uv_env
from tests.test_hooks_trust import touch, write_config
from tests.test_jobs_engine import freeze
from tests.test_snapshots import make_local_project


def snapshots(venv: Path) -> list[dict]:
    """``envtui snapshots --json``, checked to succeed."""
    result = run_envtui("snapshots", "--venv", str(venv), "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def rollback(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_envtui("rollback", "--venv", str(venv), *args)


def test_upgrade_then_rollback_is_exact(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "delta"])
    before = freeze(venv)
    result = run_envtui("upgrade", "--venv", str(venv), "alpha")
    assert result.returncode == 0, result.stderr
    assert "alpha==2.0" in freeze(venv) and "beta==1.1" in freeze(venv)
    listed = snapshots(venv)
    assert len(listed) == 1 and set(listed[0]) == {"id", "time", "packages", "reason", "job", "outcome"}
    job = json.loads(run_envtui("jobs", "--all", "--json").stdout)[0]
    assert listed[0]["reason"] == "before upgrade alpha" and listed[0]["packages"] == 3
    assert listed[0]["job"] == job["id"] and listed[0]["outcome"] == "succeeded"
    assert job["snapshot"] == listed[0]["id"]
    assert (
        f"snapshot:    {job['snapshot']} ('envtui rollback {job['snapshot']}'" in run_envtui("jobs", job["id"]).stdout
    )
    assert datetime.datetime.fromisoformat(listed[0]["time"]).tzinfo is not None
    preview = rollback(venv, "--dry-run")
    assert preview.returncode == 0, preview.stderr
    assert "~ alpha 2.0 -> 1.0" in preview.stdout and "~ beta 1.1 -> 1.0" in preview.stdout
    assert "alpha==2.0" in freeze(venv)  # a dry run changes nothing
    result = rollback(venv)
    assert result.returncode == 0, result.stderr
    assert "matches snapshot" in result.stderr
    assert "pyproject.toml" not in result.stderr, "a plain venv's rollback has no project files to restore"
    assert freeze(venv) == before  # line for line


def test_uninstall_then_rollback(env_path: Path, offline_uv) -> None:
    before = freeze(env_path)
    assert run_envtui("uninstall", "--venv", str(env_path), "gamma", "alpha").returncode == 0
    assert "gamma" not in freeze(env_path)
    result = rollback(env_path, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["status"] == "succeeded" and data["kind"] == "rollback"
    assert {c["name"] for c in data["added"]} == {"alpha", "gamma"}
    assert freeze(env_path) == before


def test_sync_then_rollback(env_path: Path, tmp_path: Path, offline_uv) -> None:
    before = freeze(env_path)
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("alpha==1.0\ndelta\n")
    assert run_envtui("sync", "--venv", str(env_path), str(requirements)).returncode == 0
    assert freeze(env_path).split() == ["alpha==1.0", "delta==1.0"]
    result = rollback(env_path)
    assert result.returncode == 0, result.stderr
    assert freeze(env_path) == before


def test_rollback_of_a_rollback(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    original = freeze(venv)
    assert run_envtui("install", "--venv", str(venv), "alpha==2.0", "delta").returncode == 0
    changed = freeze(venv)
    first = rollback(venv)
    assert first.returncode == 0, first.stderr
    assert freeze(venv) == original
    second = rollback(venv)  # the newest snapshot is the one taken before the first rollback
    assert second.returncode == 0, second.stderr
    assert freeze(venv) == changed
    reasons = [s["reason"] for s in snapshots(venv)]
    assert reasons[2] == "before install alpha==2.0 delta"
    assert reasons[1].startswith("before rollback to ") and reasons[0].startswith("before rollback to ")
    third = rollback(venv, snapshots(venv)[2]["id"][:4])  # by a prefix of its id
    assert third.returncode == 0, third.stderr
    assert freeze(venv) == original


def test_rollback_restores_urls_editables_and_the_source_of_a_version(
    venv_factory, offline_uv, wheelhouse: Path, tmp_path: Path
) -> None:
    venv = venv_factory(["beta==1.0"])
    project = make_local_project(tmp_path / "localproj")
    wheel = wheelhouse / "alpha-1.0-py3-none-any.whl"
    install_into(venv, wheelhouse, [f"alpha @ {wheel.as_uri()}"])
    install_into(venv, wheelhouse, [], "--editable", str(project))
    before = freeze(venv)
    assert f"alpha @ {wheel.as_uri()}" in before and "-e file://" in before
    assert run_envtui("install", "--venv", str(venv), "alpha==2.0").returncode == 0
    assert run_envtui("uninstall", "--venv", str(venv), "localproj").returncode == 0
    first = snapshots(venv)[-1]["id"]
    result = rollback(venv, first)
    assert result.returncode == 0, result.stderr
    assert freeze(venv) == before
    # the same version from somewhere else: uv's sync alone would keep it; envtui reinstalls it
    other_source = "beta @ " + (wheelhouse / "beta-1.0-py3-none-any.whl").as_uri()
    assert run_envtui("install", "--venv", str(venv), "--", other_source).returncode == 0
    assert "beta @ file://" in freeze(venv)
    result = rollback(venv, first)
    assert result.returncode == 0, result.stderr
    assert freeze(venv) == before


def test_versions_gone_from_the_index_are_refused_and_nothing_changes(tmp_path: Path, own_wheelhouse: Path) -> None:
    venv = make_venv(tmp_path / "venv", own_wheelhouse, ["alpha==1.0", "beta==1.0", "delta"])
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    snapshot = snapshots(venv)[0]["id"]
    (own_wheelhouse / "alpha-1.0-py3-none-any.whl").unlink()
    (own_wheelhouse / "beta-1.0-py3-none-any.whl").unlink()
    after = freeze(venv)
    jobs = run_envtui("jobs", "--all", "--json").stdout
    result = rollback(venv)
    assert result.returncode == 1
    assert "cannot be restored" in result.stderr and "the environment was not changed" in result.stderr
    assert "cannot be had: alpha==1.0: version 1.0 is not in the index" in result.stderr
    assert "cannot be had: beta==1.0: version 1.0 is not in the index" in result.stderr
    assert "delta" not in result.stderr  # a line that can be had is not named
    assert freeze(venv) == after
    assert run_envtui("jobs", "--all", "--json").stdout == jobs  # no job ran, no snapshot was taken
    assert [s["id"] for s in snapshots(venv)] == [snapshot]
    data = json.loads(rollback(venv, "--json").stdout)
    assert data["restorable"] is False
    assert sorted(p["line"] for p in data["problems"]) == ["alpha==1.0", "beta==1.0"]
    assert rollback(venv, "--dry-run").returncode == 1
    assert freeze(venv) == after


def test_an_editable_project_gone_is_refused(venv_factory, offline_uv, wheelhouse: Path, tmp_path: Path) -> None:
    venv = venv_factory(["alpha==1.0"])
    project = make_local_project(tmp_path / "localproj")
    install_into(venv, wheelhouse, [], "--editable", str(project))
    assert run_envtui("uninstall", "--venv", str(venv), "localproj").returncode == 0
    shutil.rmtree(project)
    after = freeze(venv)
    result = rollback(venv)
    assert result.returncode == 1
    assert "cannot be had: -e file://" in result.stderr and "the editable project is gone" in result.stderr
    assert freeze(venv) == after


def test_a_different_python_is_refused(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    store_file = next(p for p in Path(_state()).joinpath("snapshots").rglob("*.json"))
    data = json.loads(store_file.read_text())
    data["python"] = "2.7.18"
    store_file.write_text(json.dumps(data))
    result = rollback(venv)
    assert result.returncode == 1 and "taken with Python 2.7.18" in result.stderr
    assert "delta" in freeze(venv)


def _state() -> str:
    import os

    return os.environ["ENVTUI_STATE_DIR"]


def test_show_diff_and_export_which_syncs_anywhere(venv_factory, offline_uv, tmp_path: Path) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    newest, oldest = (s["id"] for s in snapshots(venv))
    shown = json.loads(run_envtui("snapshots", "show", oldest, "--venv", str(venv), "--json").stdout)
    assert shown["id"] == oldest and shown["lines"] == before.split() and shown["reason"] == "before install delta"
    assert "alpha==1.0" in run_envtui("snapshots", "show", oldest[:3], "--venv", str(venv)).stdout
    diff = run_envtui("snapshots", "diff", oldest, "--venv", str(venv))
    assert diff.returncode == 0
    assert "~ alpha 1.0 -> 2.0" in diff.stdout and "+ delta 1.0" in diff.stdout
    between = json.loads(run_envtui("snapshots", "diff", oldest, newest, "--venv", str(venv), "--json").stdout)
    assert between["added"] == [{"name": "delta", "old": None, "new": "1.0"}] and between["changed"] == []
    exported = run_envtui("snapshots", "export", oldest, "--venv", str(venv))
    assert exported.returncode == 0
    assert [line for line in exported.stdout.splitlines() if not line.startswith("#")] == before.split()
    requirements = tmp_path / "pinned.txt"
    requirements.write_text(exported.stdout)
    elsewhere = make_venv(tmp_path / "elsewhere")
    subprocess.run(
        [uv_bin(), "pip", "sync", "--python", str(elsewhere / "bin" / "python"), str(requirements)],
        check=True,
        env=uv_env(),
        capture_output=True,
    )
    assert freeze(elsewhere) == before


def test_bad_ids_and_usage_exit_2(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    result = rollback(venv)
    assert result.returncode == 2 and "no snapshots" in result.stderr
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    for args in (["rollback", "zzz"], ["rollback", "0000000000"], ["snapshots", "show"], ["snapshots", "frob"]):
        result = run_envtui(*args, "--venv", str(venv))
        assert result.returncode == 2, args
        assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    sid = snapshots(venv)[0]["id"]
    other = next(c for c in "0123456789abcdef" if c != sid[0])
    result = rollback(venv, other * 8)
    assert result.returncode == 2 and "no snapshot" in result.stderr
    assert "delta" in freeze(venv)


def test_a_corrupt_snapshot_is_skipped_with_a_report(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    before = freeze(venv)
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    folder = next(Path(_state()).joinpath("snapshots").iterdir())
    (folder / "20991231T235959000000-deadbeef.json").write_text('{"id": "deadbeef", "lines": [')
    result = run_envtui("snapshots", "--venv", str(venv), "--json")
    assert result.returncode == 0
    assert "warning: skipped a snapshot that cannot be read: 20991231T235959000000-deadbeef.json" in result.stderr
    assert [s["reason"] for s in json.loads(result.stdout)] == ["before install delta"]
    result = rollback(venv)
    assert result.returncode == 0, result.stderr
    assert freeze(venv) == before


def test_retention_follows_the_configuration(venv_factory, offline_uv) -> None:
    Path("envtui.toml").write_text("[snapshots]\nkeep = 2\n")
    venv = venv_factory()
    for spec in ("alpha==1.0", "beta==1.0", "delta", "boom"):
        assert run_envtui("install", "--venv", str(venv), spec).returncode == 0
    assert [s["reason"] for s in snapshots(venv)] == ["before install boom", "before install delta"]
    Path("envtui.toml").write_text("[snapshots]\nkeep = 0\n")
    result = run_envtui("install", "--venv", str(venv), "gamma")
    assert result.returncode == 2 and "snapshots.keep" in result.stderr


def test_a_rollback_is_a_job_with_hooks(venv_factory, offline_uv, tmp_path: Path) -> None:
    venv = venv_factory(["alpha==1.0"])
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    config = write_config(tmp_path, touch(tmp_path / "stopped"), touch(tmp_path / "started"))
    assert run_envtui("trust", str(config)).returncode == 0
    result = rollback(venv, "--config", str(config))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "stopped").exists() and (tmp_path / "started").exists()
    assert "delta" not in freeze(venv)


def test_a_tampered_line_is_never_handed_to_uv(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    store_file = next(Path(_state()).joinpath("snapshots").rglob("*.json"))
    data = json.loads(store_file.read_text())
    data["freeze"].append("--index-url https://evil.example/simple")
    store_file.write_text(json.dumps(data))
    result = rollback(venv)
    assert result.returncode == 1
    assert "cannot be had: --index-url https://evil.example/simple: not a line uv pip freeze prints" in result.stderr
    assert "delta" in freeze(venv)
    exported = run_envtui("snapshots", "export", data["id"], "--venv", str(venv)).stdout
    assert "# refused: --index-url https://evil.example/simple" in exported.splitlines()
