"""Resolving targets to environments, and discovering venvs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from envtui.core.env.environment import discover_environments, resolve_environment
from envtui.core.errors import UsageError


def test_venv_dir_resolves_with_version_and_creator(env_path: Path) -> None:
    env = resolve_environment(env_path)
    assert env.path == env_path
    assert env.is_venv and env.writable
    assert env.creator == "uv"
    assert env.version == "{}.{}.{}".format(*sys.version_info[:3])
    assert env.python == env_path / "bin" / "python"
    assert env.site_packages[0].name == "site-packages"
    assert env.markers["python_version"] == "{}.{}".format(*sys.version_info[:2])


def test_project_dir_with_dot_venv(tmp_path: Path, venv_factory) -> None:
    project = tmp_path / "project"
    project.mkdir()
    venv_factory(name="project/.venv")
    assert resolve_environment(project).path == project / ".venv"


def test_python_executable_resolves_to_its_venv(env_path: Path) -> None:
    env = resolve_environment(env_path / "bin" / "python")
    assert env.is_venv
    assert env.path.resolve() == env_path.resolve()


def test_default_prefers_virtual_env_then_dot_venv(tmp_path: Path, venv_factory, monkeypatch) -> None:
    project = tmp_path / "proj"
    (project / "src" / "deep").mkdir(parents=True)
    venv_factory(name="proj/.venv")
    other = venv_factory(name="other")
    assert resolve_environment(cwd=project / "src" / "deep").path == project / ".venv"
    monkeypatch.setenv("VIRTUAL_ENV", str(other))
    assert resolve_environment(cwd=project).path == other


def test_default_falls_back_to_own_interpreter(tmp_path: Path) -> None:
    env = resolve_environment(cwd=tmp_path)
    assert Path(sys.executable).resolve().is_relative_to(env.path.resolve()) or env.python == Path(sys.executable)


def test_system_interpreter_is_read_only_unless_system(tmp_path: Path) -> None:
    base = Path(sys.base_prefix) / "bin" / "python3"
    env = resolve_environment(base, cwd=tmp_path)
    assert not env.is_venv and env.creator == "system"
    assert not env.writable and "read-only" in env.label
    assert resolve_environment(base, allow_system=True).writable


def _plain_dir(base: Path) -> Path:
    (base / "plain").mkdir()
    return base / "plain"


def _plain_file(base: Path) -> Path:
    (base / "file.txt").write_text("x")
    return base / "file.txt"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p / "missing", "no such file or directory"),
        (_plain_dir, "not a virtual environment"),
        (_plain_file, "not a virtual environment or a python"),
    ],
)
def test_bad_targets_are_usage_errors(tmp_path: Path, make, message: str) -> None:
    with pytest.raises(UsageError, match=message) as info:
        resolve_environment(make(tmp_path))
    assert info.value.exit_code == 2


def test_broken_python_symlink(env_path: Path) -> None:
    python = env_path / "bin" / "python"
    python.unlink()
    os.symlink("/nonexistent/python3.99", python)
    with pytest.raises(UsageError, match="broken virtual environment") as info:
        resolve_environment(env_path)
    assert "broken link" in (info.value.cause or "")


def test_discovery_is_bounded_and_skips_noise(tmp_path: Path, venv_factory) -> None:
    venv_factory(name="a/.venv")
    venv_factory(name="b/c/env")
    venv_factory(name="node_modules/hidden")
    venv_factory(name="x/y/z/w/v/too-deep")
    found = discover_environments(tmp_path, max_depth=4)
    assert found == [tmp_path / "a/.venv", tmp_path / "b/c/env"]
    with pytest.raises(UsageError):
        discover_environments(tmp_path / "nope")
