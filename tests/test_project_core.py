"""The uv project domain: detection, pyproject.toml and uv.lock, command lines, previews, status.

Real projects made offline by ``uv init`` and ``uv add`` from the local wheelhouse; every change
runs through the real uv, and a plain ``uv sync`` afterwards must keep what envtui did.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.core.errors import EnvtuiError, UsageError
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.engine import SUCCEEDED, JobEngine
from envtui.core.jobs.preview import preview as preview_sync
from envtui.core.project.commands import SyncOptions
from envtui.core.project.detect import Project, find_project, project_at
from envtui.core.project.lockfile import read_lock
from envtui.core.project.manifest import Section, read_manifest
from envtui.core.project.preview import diff_locks, parse_lock_changes
from envtui.core.project.status import EXTRANEOUS, MISSING, VERSION, environment_vs_lock, lock_state
from envtui.core.uv import Uv
from tests.factory import install_into, run_uv
from tests.test_jobs_engine import freeze


def _project(path: Path) -> Project:
    project = find_project(path / ".venv")
    assert project is not None
    return project


def _files(path: Path) -> tuple[bytes, bytes]:
    return (path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes()


def _run(path: Path, request: ChangeRequest):
    env = resolve_environment(path / ".venv", probe=False)
    job = JobEngine(keep_history=False, steps=lambda env: ([], [])).run_blocking(env, request)
    assert job.status == SUCCEEDED, job.error_lines
    return job


def _installed(path: Path) -> dict[str, str]:
    return dict(line.split("==", 1) for line in freeze(path / ".venv").split())


def _uv_sync_keeps(path: Path, wheelhouse: Path) -> dict[str, str]:
    """What is installed after a plain ``uv sync`` (which must not undo the change)."""
    result = run_uv(path, wheelhouse, "sync")
    assert result.returncode == 0, result.stderr
    return _installed(path)


# --------------------------------------------------------------------------- detection


def test_a_project_venv_is_detected_with_its_name(project_factory) -> None:
    path = project_factory(["gamma"])
    project = _project(path)
    assert project.name == "proj" and project.root == path and project.venv == path / ".venv"
    assert project.header == "project proj · uv.lock"
    assert project.to_json()["locked"] is True


def test_plain_venvs_and_unlocked_or_unmanaged_projects_are_not_projects(
    venv_factory, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert find_project(venv_factory()) is None
    root = tmp_path / "app"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n')
    assert project_at(root) is None, "no uv.lock and not managed: a plain project"
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n[tool.uv]\nmanaged = true\n')
    assert project_at(root) is not None and project_at(root).header == "project app · no uv.lock yet"
    (root / "uv.lock").write_text("version = 1\n")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n[tool.uv]\nmanaged = false\n')
    assert project_at(root) is None, "managed = false opts out"
    (root / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    assert project_at(root) is None, "no [project] table"
    (root / "pyproject.toml").write_text("[project\n")
    with pytest.raises(UsageError, match="not valid TOML"):
        project_at(root)


def test_uv_project_environment_is_honoured(project_factory, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = project_factory(["alpha==1.0"])
    elsewhere = tmp_path / "envs" / "proj-env"
    elsewhere.parent.mkdir()
    (path / ".venv").rename(elsewhere)
    assert find_project(elsewhere) is None, "not the project's environment while uv would use .venv"
    monkeypatch.setenv("UV_PROJECT_ENVIRONMENT", str(elsewhere))
    monkeypatch.chdir(path)
    assert find_project(elsewhere) == Project(root=path, name="proj", venv=elsewhere)


# --------------------------------------------------------------------------- pyproject.toml and uv.lock


def test_the_lock_gives_each_package_its_group_and_whether_it_is_direct(project_factory) -> None:
    path = project_factory(
        ["gamma"], dev=["pytest-fixture-thing"], groups={"lint": ["clash"]}, optional={"more": ["delta"]}
    )
    project = _project(path)
    classified = read_lock(project.lock, project.name).classify()
    assert classified["gamma"] == ("main", True)
    assert classified["alpha"] == ("main", False), "gamma requires it"
    assert classified["pytest-fixture-thing"] == ("dev", True)
    assert classified["clash"] == ("lint", True)
    assert classified["beta"] == ("lint", False), "only clash needs it"
    assert classified["delta"] == ("more", True)
    assert classified["proj"] == ("main", False)
    manifest = read_manifest(project.pyproject)
    assert manifest.sections_of("Delta") == [Section.optional("more")]
    assert manifest.sections_of("pytest_fixture_thing") == [Section.dev()]
    assert manifest.sections_of("alpha") == []
    assert manifest.direct_names() == {"gamma", "pytest-fixture-thing", "clash", "delta"}


def test_lock_changes_are_read_from_uv_and_from_two_locks(project_factory) -> None:
    lines = ["Resolved 5 packages in 9ms", "Update alpha v1.0 -> v2.0", "Add beta v1.1", "Removed gamma v1.0"]
    assert [str(c) for c in parse_lock_changes(lines)] == ["~ alpha 1.0 -> 2.0", "+ beta 1.1", "- gamma 1.0"]
    one = _project(project_factory(["alpha==1.0"]))
    two = _project(project_factory(["alpha==2.0"]))
    changes = diff_locks(read_lock(one.lock, "proj"), read_lock(two.lock, "proj"))
    assert [str(c) for c in changes] == ["~ alpha 1.0 -> 2.0", "+ beta 1.1"]


# --------------------------------------------------------------------------- command lines


def test_each_change_becomes_a_uv_project_command(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    project = _project(path)
    env = resolve_environment(path / ".venv", probe=False)
    uv = Uv()
    root = ["--directory", str(path)]

    def argv(request: ChangeRequest) -> list[str]:
        built = build_argv(uv, env, request)
        assert built[0] == uv.binary
        return built[1:]

    assert argv(ChangeRequest.install(["beta"], project=project)) == ["add", *root, "--", "beta"]
    assert argv(ChangeRequest.install(["beta"], project=project, section=Section.dev())) == [
        "add",
        *root,
        "--dev",
        "--",
        "beta",
    ]
    assert argv(ChangeRequest.install(["beta"], project=project, section=Section.group("docs")))[3:5] == [
        "--group",
        "docs",
    ]
    assert argv(ChangeRequest.install(["beta"], project=project, section=Section.optional("x")))[3:5] == [
        "--optional",
        "x",
    ]
    assert argv(ChangeRequest.uninstall(["alpha"], project=project)) == ["remove", *root, "--", "alpha"]
    assert argv(ChangeRequest.upgrade(["alpha"], project=project)) == [
        "sync",
        *root,
        "--inexact",
        "--upgrade-package",
        "alpha",
    ]
    assert argv(ChangeRequest.upgrade([], project=project, everything=True)) == [
        "sync",
        *root,
        "--inexact",
        "--upgrade",
    ]
    frozen = ChangeRequest.sync_project(project, SyncOptions.checked(frozen=True))
    assert argv(frozen) == ["sync", *root, "--frozen"]
    assert frozen.describe() == "sync --frozen"
    assert argv(ChangeRequest.install(["beta"]))[:2] == ["pip", "install"], "no project: the pip way"


def test_project_options_are_checked_before_uv_runs(project_factory) -> None:
    project = _project(project_factory(["alpha==1.0"]))
    with pytest.raises(UsageError, match="--frozen and --locked"):
        SyncOptions.checked(frozen=True, locked=True)
    with pytest.raises(UsageError, match="not a valid group name"):
        Section.group("--all")
    with pytest.raises(UsageError, match="not a valid extra name"):
        SyncOptions.checked(extras=["a b"])
    with pytest.raises(UsageError, match="--dev needs a uv project"):
        ChangeRequest.install(["beta"], section=Section.dev())
    with pytest.raises(UsageError, match="editable paths on their own"):
        ChangeRequest.install(["beta"], editables=[project.root], project=project)
    with pytest.raises(UsageError, match="needs a uv project"):
        ChangeRequest.upgrade([], everything=True)
    assert Section.group("dev") == Section.dev()


# --------------------------------------------------------------------------- previews


def test_install_preview_shows_lock_pyproject_and_environment_and_touches_nothing(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    project = _project(path)
    files, installed = _files(path), freeze(path / ".venv")
    env = resolve_environment(path / ".venv", probe=False)
    preview = preview_sync(env, ChangeRequest.install(["gamma"], project=project))
    assert [str(c) for c in preview.changes] == ["+ gamma 1.0"]
    assert [str(c) for c in preview.lock_changes] == ["+ gamma 1.0"]
    assert preview.manifest_changes == ["+ gamma>=1.0 (dependencies)"]
    data = preview.to_json()
    assert data["added"] == [{"name": "gamma", "old": None, "new": "1.0"}]
    assert data["lock"]["added"] == [{"name": "gamma", "old": None, "new": "1.0"}]
    assert preview.summary() == "1 added, 0 changed, 0 removed; uv.lock: 1 added, 0 changed, 0 removed"
    assert _files(path) == files and freeze(path / ".venv") == installed, "a preview changes nothing"

    dev = preview_sync(env, ChangeRequest.install(["alpha"], project=project, section=Section.dev()))
    assert dev.environment_unchanged and not dev.empty, "only pyproject.toml changes"
    assert dev.manifest_changes == ["+ alpha>=1.0 (dev group)"]


def test_uninstall_preview_names_what_uv_remove_takes_with_it(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma"])
    install_into(path / ".venv", wheelhouse, ["delta"])  # the pip way: not in uv.lock
    env = resolve_environment(path / ".venv", probe=False)
    preview = preview_sync(env, ChangeRequest.uninstall(["gamma"], project=_project(path)))
    removed = sorted(c.name for c in preview.removed)
    assert removed == ["alpha", "beta", "delta", "gamma"], "uv remove syncs exactly"
    assert sorted(c.name for c in preview.lock_changes) == ["alpha", "beta", "gamma"]
    assert preview.manifest_changes == ["- gamma>=1.0 (dependencies)"]


def test_upgrade_and_sync_previews_use_uvs_dry_run(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    text = (path / "pyproject.toml").read_text().replace('"alpha==1.0"', '"alpha"')
    (path / "pyproject.toml").write_text(text)
    assert run_uv(path, wheelhouse, "lock").returncode == 0  # the lock keeps alpha 1.0
    project = _project(path)
    env = resolve_environment(path / ".venv", probe=False)
    files = _files(path)
    preview = preview_sync(env, ChangeRequest.upgrade(["alpha"], project=project))
    assert [str(c) for c in preview.changes] == ["~ alpha 1.0 -> 2.0", "+ beta 1.1"]
    assert [str(c) for c in preview.lock_changes] == ["~ alpha 1.0 -> 2.0", "+ beta 1.1"]
    install_into(path / ".venv", wheelhouse, ["delta"])
    synced = preview_sync(env, ChangeRequest.sync_project(project))
    assert [str(c) for c in synced.changes] == ["- delta 1.0"] and synced.lock_changes == []
    assert _files(path) == files


def test_a_change_uv_cannot_make_fails_its_preview_with_uvs_reason(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    env = resolve_environment(path / ".venv", probe=False)
    with pytest.raises(EnvtuiError, match="uv cannot install") as caught:
        preview_sync(env, ChangeRequest.install(["nosuchpackage"], project=_project(path)))
    assert "nosuchpackage" in (caught.value.message + (caught.value.cause or ""))


# --------------------------------------------------------------------------- round trips


def test_add_lands_in_pyproject_lock_and_environment_and_uv_sync_keeps_it(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    project = _project(path)
    job = _run(path, ChangeRequest.install(["boom"], project=project))
    assert job.argv[1] == "add" and [str(c) for c in job.changes.added] == ["+ boom 1.0"]
    assert "boom>=1.0" in read_manifest(project.pyproject).declared[Section.main()]
    assert read_lock(project.lock).versions("boom") == ["1.0"]
    assert _uv_sync_keeps(path, wheelhouse)["boom"] == "1.0"
    _run(path, ChangeRequest.install(["pytest-fixture-thing"], project=project, section=Section.dev()))
    assert read_manifest(project.pyproject).sections_of("pytest-fixture-thing") == [Section.dev()]
    assert "pytest-fixture-thing" in _uv_sync_keeps(path, wheelhouse)


def test_remove_takes_it_out_of_all_three_and_uv_sync_keeps_it_out(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma", "beta"])
    project = _project(path)
    _run(path, ChangeRequest.uninstall(["gamma"], project=project))
    assert read_manifest(project.pyproject).sections_of("gamma") == []
    assert read_lock(project.lock).versions("gamma") == []
    assert sorted(_installed(path)) == ["beta"]
    assert sorted(_uv_sync_keeps(path, wheelhouse)) == ["beta"]


def test_upgrade_package_moves_lock_and_environment_together(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    (path / "pyproject.toml").write_text((path / "pyproject.toml").read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    project = _project(path)
    job = _run(path, ChangeRequest.upgrade(["alpha"], project=project))
    assert job.argv[1] == "sync" and "--upgrade-package" in job.argv
    assert read_lock(project.lock).versions("alpha") == ["2.0"]
    assert _installed(path)["alpha"] == "2.0"
    assert _uv_sync_keeps(path, wheelhouse)["alpha"] == "2.0"


def test_sync_makes_the_environment_match_the_lock(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma"])
    project = _project(path)
    install_into(path / ".venv", wheelhouse, ["delta"])
    subprocess.run(
        [Uv().binary, "pip", "uninstall", "--python", str(path / ".venv/bin/python"), "alpha"],
        check=True,
        capture_output=True,
    )
    files = _files(path)
    _run(path, ChangeRequest.sync_project(project, SyncOptions.checked(locked=True)))
    assert sorted(_installed(path)) == ["alpha", "beta", "gamma"]
    assert _files(path) == files
    assert sorted(_uv_sync_keeps(path, wheelhouse)) == ["alpha", "beta", "gamma"]


# --------------------------------------------------------------------------- status


def test_lock_state_tells_a_stale_lock(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    project = _project(path)
    state = lock_state(project)
    assert state.up_to_date is True and state.detail == "uv.lock is up to date with pyproject.toml"
    (path / "pyproject.toml").write_text((path / "pyproject.toml").read_text().replace('"alpha==1.0"', '"alpha==2.0"'))
    state = lock_state(project)
    assert state.up_to_date is False and "out of date" in state.detail
    (path / "uv.lock").unlink()
    assert lock_state(Project(path, "proj", path / ".venv")).up_to_date is False


def test_environment_vs_lock_names_missing_wrong_and_extraneous_packages(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma", "alpha==1.0"], dev=["pytest-fixture-thing"])
    project = _project(path)
    assert environment_vs_lock(project) == []
    install_into(path / ".venv", wheelhouse, ["delta", "beta==1.1"])
    subprocess.run(
        [Uv().binary, "pip", "uninstall", "--python", str(path / ".venv/bin/python"), "pytest-fixture-thing"],
        check=True,
        capture_output=True,
    )
    found = {d.key: d for d in environment_vs_lock(project)}
    assert sorted(found) == ["beta", "delta", "pytest-fixture-thing"]
    assert found["delta"].kind == EXTRANEOUS
    assert str(found["delta"]) == "delta 1.0 is not in uv.lock: would be removed by `uv sync`"
    assert found["beta"].kind == EXTRANEOUS, "gamma 1.0 and alpha 1.0 need no beta: the lock does not name it"
    assert found["pytest-fixture-thing"].kind == MISSING and found["pytest-fixture-thing"].group == "dev"


def test_environment_vs_lock_names_a_version_the_lock_does_not_pin(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    (path / "pyproject.toml").write_text((path / "pyproject.toml").read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    install_into(path / ".venv", wheelhouse, ["alpha==2.0"])
    found = {d.key: d for d in environment_vs_lock(_project(path))}
    assert found["alpha"].kind == VERSION and (found["alpha"].installed, found["alpha"].locked) == ("2.0", "1.0")
    assert str(found["alpha"]) == "alpha is 2.0, uv.lock pins 1.0: `uv sync` would change it"
