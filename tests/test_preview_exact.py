"""The preview is exact: what uv would change by URL, wheel file or replacement is shown, never "no changes".

A preview that cannot be read counts as a change (the hooks run): fail safe.
"""

from __future__ import annotations

import json
from pathlib import Path

from envtui.core.jobs.preview import parse_dry_run
from tests.factory import run_envtui
from tests.test_config import run_in
from tests.test_hooks_trust import touch, write_config
from tests.test_jobs_engine import freeze


def wheel_url(wheelhouse: Path, name: str, version: str) -> str:
    return (wheelhouse / f"{name}-{version}-py3-none-any.whl").as_uri()


def test_a_wheel_url_on_an_empty_venv_is_an_addition(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory()
    spec = f"alpha @ {wheel_url(offline_uv, 'alpha', '1.0')}"
    result = run_envtui("install", "--venv", str(venv), "--dry-run", spec)
    assert result.returncode == 0, result.stderr
    assert "no changes" not in result.stdout
    assert "+ alpha 1.0" in result.stdout
    data = json.loads(run_envtui("install", "--venv", str(venv), "--dry-run", "--json", spec).stdout)
    assert data["added"] == [{"name": "alpha", "old": None, "new": "1.0"}]
    assert freeze(venv) == ""


def test_replacing_an_index_install_by_a_wheel_url_is_a_change(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory(["alpha==1.0"])
    spec = f"alpha @ {wheel_url(offline_uv, 'alpha', '2.0')}"
    data = json.loads(run_envtui("install", "--venv", str(venv), "--dry-run", "--json", spec).stdout)
    assert {"name": "alpha", "old": "1.0", "new": "2.0"} in data["changed"]
    assert {"name": "beta", "old": None, "new": "1.1"} in data["added"]


def test_the_job_record_reads_url_lines_too(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory()
    spec = f"alpha @ {wheel_url(offline_uv, 'alpha', '1.0')}"
    result = run_envtui("install", "--venv", str(venv), "--json", spec)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == [{"name": "alpha", "old": None, "new": "1.0"}]
    assert freeze(venv).startswith("alpha @ file://")


def test_trusted_hooks_run_around_a_url_install(tmp_path: Path, venv_factory, offline_uv: Path) -> None:
    """The service is stopped for a change uv names by URL, not skipped as if nothing changed."""
    project = tmp_path / "project"
    project.mkdir()
    venv = venv_factory()
    before, after = project / "before-ran", project / "after-ran"
    write_config(project, touch(before), touch(after))
    assert run_in(project, "trust").returncode == 0
    spec = f"alpha @ {wheel_url(offline_uv, 'alpha', '1.0')}"
    result = run_in(project, "install", "--venv", str(venv), spec)
    assert result.returncode == 0, result.stderr
    assert "nothing would change" not in result.stderr
    assert before.exists() and after.exists()


def test_lines_envtui_cannot_read_count_as_changes() -> None:
    """uv announced two installs and itemised none that envtui can read: not "no changes"."""
    preview = parse_dry_run("Resolved 2 packages in 3ms\nWould install 2 packages\n + something unexpected\n")
    assert not preview.empty
    assert preview.unknown == 2
    assert "2 more uv did not itemise" in preview.summary()
    assert parse_dry_run("Resolved 1 package in 1ms\nWould make no changes\n").empty


def test_a_directory_and_a_reinstall_by_url_are_read() -> None:
    preview = parse_dry_run(
        "Would install 2 packages\n"
        " - alpha==1.0 (from file:///w/alpha-1.0-py3-none-any.whl)\n"
        " + alpha @ file:///w/alpha-1.0-py3-none-any.whl\n"
        " + proj @ file:///src/proj\n"
    )
    assert [(c.name, c.kind, c.old, c.new) for c in preview.changes] == [
        ("alpha", "reinstalled", "1.0", "1.0"),
        ("proj", "added", None, "@ file:///src/proj"),
    ]
    assert preview.unknown == 0
