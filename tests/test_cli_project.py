"""The CLI in a uv project, run as a user would: changes go through pyproject.toml and uv.lock.

After every change a plain ``uv sync`` must keep the result; ``--pip`` is the escape hatch and
warns that ``uv sync`` will undo it (and it does).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envtui.core.project.lockfile import read_lock
from envtui.core.project.manifest import Section, read_manifest
from tests.factory import install_into, run_envtui, run_uv
from tests.test_jobs_engine import freeze


def _installed(path: Path) -> dict[str, str]:
    return dict(line.split("==", 1) for line in freeze(path / ".venv").split())


def _after_uv_sync(path: Path, wheelhouse: Path) -> dict[str, str]:
    result = run_uv(path, wheelhouse, "sync")
    assert result.returncode == 0, result.stderr
    return _installed(path)


def _sections(path: Path, name: str) -> list[Section]:
    return read_manifest(path / "pyproject.toml").sections_of(name)


def _locked(path: Path, name: str) -> list[str]:
    return read_lock(path / "uv.lock").versions(name)


def test_install_adds_to_pyproject_lock_and_environment(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    result = run_envtui("install", "--venv", str(path), "--json", "boom")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["project"] == "proj" and data["command"][1:4] == ["add", "--directory", str(path)]
    assert data["added"] == [{"name": "boom", "old": None, "new": "1.0"}]
    assert _sections(path, "boom") == [Section.main()] and _locked(path, "boom") == ["1.0"]
    assert _after_uv_sync(path, wheelhouse)["boom"] == "1.0", "a later uv sync keeps it"


def test_install_dev_group_and_optional_land_in_their_sections(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    for flags, name in (
        (["--dev"], "pytest-fixture-thing"),
        (["--group", "lint"], "clash"),
        (["--optional", "more"], "delta"),
    ):
        result = run_envtui("install", "--venv", str(path / ".venv"), *flags, name)
        assert result.returncode == 0, result.stderr
    assert _sections(path, "pytest-fixture-thing") == [Section.dev()]
    assert _sections(path, "clash") == [Section.group("lint")]
    assert _sections(path, "delta") == [Section.optional("more")]
    assert "pytest-fixture-thing" in _after_uv_sync(path, wheelhouse), "the dev group is synced by default"


def test_uninstall_removes_from_all_three_and_uv_sync_keeps_it_out(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma", "boom"])
    result = run_envtui("uninstall", "--venv", str(path), "gamma")
    assert result.returncode == 0, result.stderr
    assert _sections(path, "gamma") == [] and _locked(path, "gamma") == [] and _locked(path, "alpha") == []
    assert sorted(_installed(path)) == ["boom"]
    assert sorted(_after_uv_sync(path, wheelhouse)) == ["boom"]


def test_uninstall_refuses_what_the_project_does_not_declare_and_asks_where(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma"], dev=["gamma"])
    before = (path / "pyproject.toml").read_bytes(), freeze(path / ".venv")
    result = run_envtui("uninstall", "--venv", str(path), "alpha")
    assert result.returncode == 2
    assert "error: alpha is not a dependency of project proj" in result.stderr and "gamma requires it" in result.stderr
    result = run_envtui("uninstall", "--venv", str(path), "gamma")
    assert result.returncode == 2 and "gamma is declared in dependencies and dev group" in result.stderr
    assert "--dev, --group GROUP or --optional EXTRA" in result.stderr
    assert ((path / "pyproject.toml").read_bytes(), freeze(path / ".venv")) == before
    result = run_envtui("uninstall", "--venv", str(path), "--dev", "gamma")
    assert result.returncode == 0, result.stderr
    assert _sections(path, "gamma") == [Section.main()] and "gamma" in _installed(path)


def test_uninstall_names_what_uv_remove_takes_with_it(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma", "boom"])
    install_into(path / ".venv", wheelhouse, ["delta"])
    result = run_envtui("uninstall", "--venv", str(path), "boom")
    assert result.returncode == 0, result.stderr
    assert "warning: uv remove also syncs the environment exactly" in result.stderr and "delta" in result.stderr
    assert "delta" not in _installed(path)


def test_upgrade_moves_lock_and_environment_together(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    result = run_envtui("upgrade", "--venv", str(path), "alpha")
    assert result.returncode == 0, result.stderr
    assert _locked(path, "alpha") == ["2.0"] and _installed(path)["alpha"] == "2.0"
    assert _after_uv_sync(path, wheelhouse)["alpha"] == "2.0"
    result = run_envtui("upgrade", "--venv", str(path), "delta")
    assert result.returncode == 2 and "not in uv.lock of project proj: delta" in result.stderr


def test_upgrade_all_moves_every_locked_package_and_uv_sync_keeps_it(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    assert _locked(path, "alpha") == ["1.0"], "uv lock keeps what the lock had"
    result = run_envtui("upgrade", "--venv", str(path), "--all", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "--upgrade" in data["command"] and data["changed"] == [{"name": "alpha", "old": "1.0", "new": "2.0"}]
    assert _locked(path, "alpha") == ["2.0"] and _installed(path)["alpha"] == "2.0"
    assert _after_uv_sync(path, wheelhouse)["alpha"] == "2.0"


def test_sync_runs_uv_sync_with_frozen_and_locked_passed_through(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma"])
    install_into(path / ".venv", wheelhouse, ["delta"])
    result = run_envtui("sync", "--venv", str(path), "--frozen", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["command"][1:] == ["sync", "--directory", str(path), "--frozen"]
    assert data["removed"] == [{"name": "delta", "old": "1.0", "new": None}]
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"gamma>=1.0"', '"gamma>=1.0", "boom"'))
    before = freeze(path / ".venv"), (path / "uv.lock").read_bytes()
    result = run_envtui("sync", "--venv", str(path), "--locked")
    assert result.returncode == 1 and "uv.lock" in result.stderr
    assert (freeze(path / ".venv"), (path / "uv.lock").read_bytes()) == before, "a refused sync changes nothing"
    result = run_envtui("sync", "--venv", str(path), "requirements.txt")
    assert result.returncode == 2 and "envtui sync syncs it to uv.lock" in result.stderr


def test_pip_escape_hatch_warns_and_uv_sync_does_undo_it(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    lock, pyproject = (path / "uv.lock").read_bytes(), (path / "pyproject.toml").read_bytes()
    result = run_envtui("install", "--venv", str(path), "--pip", "delta")
    assert result.returncode == 0, result.stderr
    assert "warning: uv sync will undo this" in result.stderr
    assert _installed(path)["delta"] == "1.0"
    assert (path / "uv.lock").read_bytes() == lock and (path / "pyproject.toml").read_bytes() == pyproject
    assert "delta" not in _after_uv_sync(path, wheelhouse), "the warning tells the truth"
    result = run_envtui("install", "--venv", str(path), "--pip", "--dev", "delta")
    assert result.returncode == 2 and "--dev cannot be used with --pip" in result.stderr


@pytest.mark.parametrize("flag", ["--group", "--optional"])
def test_an_empty_group_or_extra_name_is_bad_usage(project_factory, flag: str) -> None:
    path = project_factory(["alpha==1.0"])
    before = (path / "pyproject.toml").read_bytes()
    result = run_envtui("install", "--venv", str(path), flag, "", "delta")
    assert result.returncode == 2 and result.stderr.startswith("error: not a valid "), result.stderr
    assert (path / "pyproject.toml").read_bytes() == before


def test_project_options_in_a_plain_venv_are_bad_usage(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    result = run_envtui("install", "--venv", str(venv), "--dev", "beta")
    assert result.returncode == 2 and "error: --dev needs a uv project" in result.stderr
    result = run_envtui("sync", "--venv", str(venv))
    assert result.returncode == 2 and "give a requirements file" in result.stderr
    result = run_envtui("install", "--venv", str(venv), "--pip", "beta")
    assert result.returncode == 0 and "uv sync will undo this" not in result.stderr, "nothing to undo it here"


def test_dry_run_shows_pyproject_lock_and_environment_and_changes_nothing(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    before = (path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes(), freeze(path / ".venv")
    result = run_envtui("install", "--venv", str(path), "--dry-run", "gamma")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "would install: 1 added, 0 changed, 0 removed; uv.lock: 1 added, 0 changed, 0 removed",
        "pyproject.toml:",
        "  + gamma>=1.0 (dependencies)",
        "uv.lock:",
        "  + gamma 1.0",
        "environment:",
        "  + gamma 1.0",
    ]
    assert ((path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes(), freeze(path / ".venv")) == before


@pytest.mark.parametrize("flags", [["--group", "lint"], ["--optional", "more"]], ids=["group", "extra"])
def test_a_group_or_extra_install_previews_what_it_then_installs(project_factory, flags: list[str]) -> None:
    path = project_factory(["boom"], groups={"lint": ["delta"]}, optional={"more": ["pytest-fixture-thing"]})
    preview = run_envtui("install", "--venv", str(path), *flags, "--dry-run", "--json", "gamma")
    assert preview.returncode == 0, preview.stderr
    job = run_envtui("install", "--venv", str(path), *flags, "--json", "gamma")
    assert job.returncode == 0, job.stderr
    keys = ("added", "removed", "changed")
    expected, done = json.loads(preview.stdout), json.loads(job.stdout)
    assert {k: expected[k] for k in keys} == {k: done[k] for k in keys}
    assert any(row["name"] == "gamma" for row in done["added"])
    assert "a plain uv sync leaves out" in preview.stderr + preview.stdout


def test_list_json_keeps_its_shape_and_tells_group_and_direct(project_factory, venv_factory, wheelhouse) -> None:
    path = project_factory(["gamma"], dev=["pytest-fixture-thing"])
    install_into(path / ".venv", wheelhouse, ["delta"])
    result = run_envtui("list", "--venv", str(path), "--json")
    rows = json.loads(result.stdout)
    assert isinstance(rows, list)
    got = {row["name"]: (row["group"], row["direct"]) for row in rows}
    assert got == {
        "alpha": ("main", False),
        "beta": ("main", False),
        "gamma": ("main", True),
        "pytest-fixture-thing": ("dev", True),
        "delta": (None, False),
    }
    data = json.loads(run_envtui("list", "--venv", str(path), "--json", "--envelope").stdout)
    assert data["environment"]["kind"] == "project" and data["project"]["name"] == "proj"
    assert data["packages"] == rows
    info = json.loads(run_envtui("info", "gamma", "--venv", str(path), "--json").stdout)
    assert (info["group"], info["direct"]) == ("main", True)
    assert "Project:     proj: dev (direct)" in run_envtui("info", "pytest-fixture-thing", "--venv", str(path)).stdout
    text = run_envtui("list", "--venv", str(path)).stdout
    assert text.splitlines()[0].endswith("· project proj · uv.lock") and "not locked" in text
    plain = venv_factory(["alpha==1.0"])
    rows = json.loads(run_envtui("list", "--venv", str(plain), "--json").stdout)
    assert [(row["group"], row["direct"]) for row in rows] == [(None, None)]
    data = json.loads(run_envtui("list", "--venv", str(plain), "--json", "--envelope").stdout)
    assert data["project"] is None and data["environment"]["kind"] == "venv"
    result = run_envtui("list", "--venv", str(plain), "--envelope")
    assert result.returncode == 2 and "add --json" in result.stderr


def test_a_project_change_runs_its_hooks_after_the_scratch_preview(project_factory) -> None:
    """The hooks' preflight asks the scratch-copy preview: no outage for a typo, hooks for a real change."""
    from tests.test_config import run_in
    from tests.test_hooks_trust import touch, write_config

    path = project_factory(["alpha==1.0"])
    before, after = path / "before-ran", path / "after-ran"
    write_config(path, touch(before), touch(after))
    assert run_in(path, "trust").returncode == 0
    unknown = run_in(path, "install", "nosuchpackage-zz")
    assert unknown.returncode == 1
    assert "uv cannot install" in unknown.stderr and "no hook ran" in unknown.stderr
    assert not before.exists() and not after.exists()
    assert _sections(path, "nosuchpackage-zz") == [], "pyproject.toml untouched"
    added = run_in(path, "install", "boom")
    assert added.returncode == 0, added.stderr
    assert before.exists() and after.exists() and _sections(path, "boom") == [Section.main()]


def test_hooks_in_pyproject_stay_trusted_across_uvs_own_edits(project_factory) -> None:
    """uv add rewrites pyproject.toml; hooks in its [tool.envtui] stay trusted unless that table changes."""
    from tests.test_config import run_in
    from tests.test_hooks_trust import touch

    path = project_factory(["alpha==1.0"])
    marks = [path / "before-ran", path / "after-ran"]
    before, after = (", ".join(f'"{a}"' for a in touch(mark)) for mark in marks)
    pyproject = path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text() + f"\n[tool.envtui]\n[tool.envtui.hooks]\nbefore-change = [{before}]\n"
        f"after-change = [{after}]\n"
    )
    assert run_in(path, "trust").returncode == 0
    for name in ("boom", "delta"):
        result = run_in(path, "install", name)
        assert result.returncode == 0, result.stderr
        assert all(mark.exists() for mark in marks), f"hooks ran around install {name}"
        assert "hooks skipped" not in result.stderr
        for mark in marks:
            mark.unlink()
    assert _sections(path, "delta") == [Section.main()]
    pyproject.write_text(pyproject.read_text().replace("after-change", "# edited\nafter-change"))
    result = run_in(path, "install", "beta")
    assert result.returncode == 0 and "changed since it was trusted" in result.stderr
    assert not any(mark.exists() for mark in marks)


def test_a_packaged_project_only_rebuilt_is_no_change(project_factory, wheelhouse) -> None:
    """uv rebuilds a project's own editable package after any pyproject.toml touch: not drift, not a change."""
    import os

    path = project_factory(["alpha==1.0"], package=True)
    assert "proj" in freeze(path / ".venv") or "file://" in freeze(path / ".venv")
    rows = {line.split()[0]: line for line in run_envtui("list", "--venv", str(path)).stdout.splitlines()[2:-1]}
    assert "the project" in rows["proj"] and "(via)" not in rows["proj"], rows  # not something brought in
    pyproject = path / "pyproject.toml"
    stamp = pyproject.stat().st_mtime + 5
    os.utime(pyproject, (stamp, stamp))
    result = run_envtui("verify", "--venv", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "environment vs lock proj" not in result.stdout
    preview = run_envtui("sync", "--venv", str(path), "--dry-run")
    assert preview.returncode == 0 and "proj 0.1.0" not in preview.stdout, preview.stdout
    result = run_envtui("install", "--venv", str(path), "--json", "boom")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["changed"] == [] and data["added"] == [{"name": "boom", "old": None, "new": "1.0"}]


def test_project_jobs_say_nothing_misleading(project_factory, wheelhouse) -> None:
    """No 'after: restore …' outside a rollback, no pip-way bounds in an upgrade, no project as its own dependent."""
    path = project_factory(["alpha==1.0", "gamma"], package=True)
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"alpha==1.0"', '"alpha"'))
    assert run_uv(path, wheelhouse, "lock").returncode == 0
    result = run_envtui("upgrade", "--venv", str(path), "alpha")
    assert result.returncode == 0, result.stderr
    assert "restore pyproject.toml" not in result.stderr and "keeping" not in result.stderr, result.stderr
    result = run_envtui("uninstall", "--venv", str(path), "gamma")
    assert result.returncode == 0, result.stderr
    assert "required by proj" not in result.stderr and "restore pyproject.toml" not in result.stderr, result.stderr
    assert "gamma" not in _installed_names(path)


def _installed_names(path: Path) -> set[str]:
    return {line.split("==", 1)[0] for line in freeze(path / ".venv").split() if "==" in line}


def test_group_and_extra_previews_match_what_the_job_changes(project_factory, wheelhouse) -> None:
    """uv add --group G / --optional X also syncs G or X: the preview says so, and the job does exactly that."""
    path = project_factory(["boom"], groups={"lint": ["clash"]})
    run_uv(path, wheelhouse, "sync")  # the lint group is not synced by default
    for flags, spec in ((["--group", "lint"], "alpha==1.0"), (["--optional", "more"], "delta")):
        preview = json.loads(run_envtui("install", "--venv", str(path), "--dry-run", "--json", *flags, spec).stdout)
        job = json.loads(run_envtui("install", "--venv", str(path), "--json", *flags, spec).stdout)
        for key in ("added", "removed", "changed"):
            assert preview[key] == job[key], (flags, key, preview, job)
        assert job["added"], flags
    assert {"alpha", "clash", "beta", "delta"} <= _installed_names(path)


def test_uninstall_from_a_group_previews_what_uv_remove_takes(project_factory, wheelhouse) -> None:
    """uv remove syncs exactly with the default groups: a synced non-default group goes too, in preview and job."""
    path = project_factory(["alpha==1.0"], groups={"lint": ["boom", "delta"]})
    run_uv(path, wheelhouse, "sync", "--group", "lint")
    preview = json.loads(
        run_envtui("uninstall", "--venv", str(path), "--dry-run", "--json", "--group", "lint", "boom").stdout
    )
    job = json.loads(run_envtui("uninstall", "--venv", str(path), "--json", "--group", "lint", "boom").stdout)
    assert sorted(c["name"] for c in preview["removed"]) == ["boom", "delta"]
    for key in ("added", "removed", "changed"):
        assert preview[key] == job[key], (key, preview, job)


def test_empty_section_names_and_unknown_sync_sections_are_bad_usage(project_factory) -> None:
    path = project_factory(["boom"], optional={"more": ["delta"]})
    before = (path / "pyproject.toml").read_bytes()
    for flags in (["--optional", ""], ["--group", ""]):
        result = run_envtui("install", "--venv", str(path), *flags, "alpha")
        assert result.returncode == 2 and result.stderr.startswith("error:"), result.stderr
    assert (path / "pyproject.toml").read_bytes() == before
    for flags, what in ((["--extra", "nosuchextra"], "extra"), (["--group", "nosuchgroup"], "group")):
        result = run_envtui("sync", "--venv", str(path), *flags)
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip().splitlines() == [result.stderr.strip()] and f"no {what}" in result.stderr
    assert run_envtui("sync", "--venv", str(path), "--extra", "more").returncode == 0


def test_a_group_or_extra_install_warns_that_uv_sync_undoes_it(project_factory, wheelhouse) -> None:
    path = project_factory(["boom"])
    for flags, spec in ((["--group", "lint"], "alpha==1.0"), (["--optional", "more"], "delta")):
        preview = run_envtui("install", "--venv", str(path), "--dry-run", *flags, spec)
        assert "warning: a plain uv sync leaves out the" in preview.stderr, preview.stderr
        job = run_envtui("install", "--venv", str(path), *flags, spec)
        assert job.returncode == 0 and "warning: a plain uv sync leaves out the" in job.stderr, job.stderr
    assert "--group lint" in job.stderr or "--extra more" in job.stderr
    main = run_envtui("install", "--venv", str(path), "--dry-run", "--dev", "beta")
    assert "leaves out" not in main.stderr, "the dev group is synced by default"
    installed = _after_uv_sync(path, wheelhouse)
    assert "delta" not in installed and "alpha" not in installed, "the warning tells the truth"


def test_uninstall_preview_names_what_the_exact_sync_takes_besides(project_factory, wheelhouse) -> None:
    """boom is locked only for Windows and delta not at all, yet both are installed: uv remove's exact
    sync takes them too, and the preview and the job say so before uv runs (a lock-only reading
    took boom for a locked package and said nothing)."""
    path = project_factory(["gamma", "boom; sys_platform == 'win32'"])
    assert "boom" in read_lock(path / "uv.lock", path.name).names()
    install_into(path / ".venv", wheelhouse, ["boom", "delta"])
    before = ((path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes(), freeze(path / ".venv"))
    warning = "warning: uv remove also syncs the environment exactly, removing what a plain uv sync leaves out: "
    preview = run_envtui("uninstall", "--venv", str(path), "--dry-run", "gamma")
    assert preview.returncode == 0, preview.stderr
    assert f"{warning}boom, delta" in preview.stderr.splitlines(), preview.stderr
    assert "  - boom 1.0" in preview.stdout and "  - delta 1.0" in preview.stdout
    as_json = json.loads(run_envtui("uninstall", "--venv", str(path), "--dry-run", "--json", "gamma").stdout)
    assert any(line.endswith("leaves out: boom, delta") for line in as_json["warnings"]), as_json
    assert ((path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes(), freeze(path / ".venv")) == before
    job = run_envtui("uninstall", "--venv", str(path), "gamma")
    assert job.returncode == 0, job.stderr
    assert f"{warning}boom, delta" in job.stderr.splitlines(), job.stderr
    assert not {"boom", "delta", "gamma"} & _installed(path).keys()
