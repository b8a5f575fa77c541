"""``envtui export``: a pinned requirements file on stdout that recreates the environment."""

from __future__ import annotations

import json
from pathlib import Path

from tests.factory import run_envtui


def _installed(venv: Path) -> list[tuple[str, str]]:
    rows = json.loads(run_envtui("list", "--venv", str(venv), "--json").stdout)
    return [(r["name"], r["version"]) for r in rows]


def test_export_prints_pins_that_recreate_the_environment(env_path: Path, venv_factory, offline_uv, tmp_path) -> None:
    result = run_envtui("export", "--venv", str(env_path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"# 4 distributions of {env_path} (Python ")
    assert [line for line in lines if not line.startswith("#")] == [
        "alpha==2.0",
        "beta==1.1",
        "boom==1.0",
        "gamma==1.0",
    ]
    pinned = tmp_path / "pinned.txt"
    pinned.write_text(result.stdout)
    copy = venv_factory(["delta"])
    assert run_envtui("sync", "--venv", str(copy), str(pinned)).returncode == 0
    assert _installed(copy) == _installed(env_path)


def test_export_resolves_the_environment_as_list_does(venv_factory, tmp_path: Path) -> None:
    venv_factory(["beta==1.0"], name="project/.venv")
    result = run_envtui("export", cwd=tmp_path / "project")
    assert result.returncode == 0 and "beta==1.0" in result.stdout.splitlines()
    missing = run_envtui("export", "--venv", str(tmp_path / "nope"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: no such file or directory")
    assert missing.stdout == ""
