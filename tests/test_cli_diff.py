"""``envtui diff``: requirements against the installed environment, and its bad input."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.factory import run_envtui


def test_matching_requirements_exit_0(env_path: Path, tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("gamma>=1\nalpha\n")
    result = run_envtui("diff", str(req), "--venv", str(env_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 requirements satisfied")


def test_drift_is_listed_and_exit_1(env_path: Path, tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("alpha==2.0\nbeta==1.0\ngamma==1.0\ndelta==1.0\n")
    result = run_envtui("diff", str(req), "--venv", str(env_path), "--json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert [(d["kind"], d["name"], d["installed"]) for d in data["drift"]] == [
        ("version", "beta", "1.1"),
        ("missing", "delta", None),
        ("extra", "boom", "1.0"),
    ]
    assert data["drift"][0]["where"] == f"{req}:2"


def test_pyproject_and_exact(env_path: Path, tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "app"\nversion = "1"\ndependencies = ["gamma", "boom"]\n')
    assert run_envtui("diff", str(pyproject), "--venv", str(env_path)).returncode == 0
    exact = run_envtui("diff", str(pyproject), "--venv", str(env_path), "--exact", "--json")
    assert exact.returncode == 1
    assert {d["name"] for d in json.loads(exact.stdout)["drift"]} == {"alpha", "beta"}


def _unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("alpha\n")
    path.chmod(0)
    return path


@pytest.mark.parametrize(
    "content, message",
    [
        ("alpha\nalpha; rm -rf /\n", "invalid requirement at {path}:2"),
        ("this is not ===\n", "invalid requirement at {path}:1"),
        ("-r missing-include.txt\n", "invalid requirement at {path}:1"),
    ],
)
def test_malformed_lines_exit_2(env_path: Path, tmp_path: Path, content: str, message: str) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text(content)
    result = run_envtui("diff", str(req), "--venv", str(env_path))
    assert result.returncode == 2
    assert result.stderr.startswith("error: " + message.format(path=req))
    assert "Traceback" not in result.stderr


def test_unreadable_and_missing_files_exit_2(env_path: Path, tmp_path: Path) -> None:
    for path in (tmp_path / "nope.txt", tmp_path):
        result = run_envtui("diff", str(path), "--venv", str(env_path))
        assert result.returncode == 2 and result.stderr.startswith("error: cannot read requirements file")
    if os.geteuid() != 0:  # root reads anything; the permission case needs a normal user
        result = run_envtui("diff", str(_unreadable(tmp_path)), "--venv", str(env_path))
        assert result.returncode == 2


def test_unreadable_for_real_user(env_path: Path, tmp_path: Path) -> None:
    """Not UTF-8 is unreadable for envtui whoever runs it."""
    path = tmp_path / "latin.txt"
    path.write_bytes(b"caf\xe9==1\n")
    result = run_envtui("diff", str(path), "--venv", str(env_path))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"error: cannot read requirements file {path}"


@pytest.mark.parametrize("bad", ["missing", "file", "plain-dir"])
def test_bad_venv_exit_2(tmp_path: Path, bad: str) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("alpha\n")
    target = {"missing": tmp_path / "nope", "file": req, "plain-dir": tmp_path}[bad]
    result = run_envtui("diff", str(req), "--venv", str(target))
    assert result.returncode == 2 and result.stderr.startswith("error: ")


def test_the_configuration_names_the_venv(env_path: Path, tmp_path: Path) -> None:
    """As list, info and verify: with no --venv, the project configuration's venv is used."""
    project = tmp_path / "project"
    project.mkdir()
    (project / "envtui.toml").write_text(f'venv = "{env_path}"\n')
    (project / "requirements.txt").write_text("gamma>=1\n")
    result = run_envtui("diff", "requirements.txt", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"1 requirements satisfied in {env_path}")
