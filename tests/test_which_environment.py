"""Which environment envtui opens: never its own by surprise, and it says so when it is its own."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from envtui.core.env.environment import OWN_ENVIRONMENT, resolve_environment
from envtui.ui.app import EnvtuiApp
from envtui.ui.widgets.status_bar import StatusBar
from tests.factory import run_envtui
from tests.ui_support import settle

OWN = Path(sys.prefix)


@pytest.fixture
def project(tmp_path: Path, venv_factory) -> Path:
    """A project directory with a .venv of its own (beta installed)."""
    venv_factory(["beta"], name="project/.venv")
    return tmp_path / "project"


def test_activated_own_venv_gives_way_to_the_projects(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(OWN))
    env = resolve_environment(cwd=project)
    assert env.path == project / ".venv" and not env.own
    assert OWN_ENVIRONMENT in env.note and str(project / ".venv") in env.note


def test_another_activated_venv_is_still_obeyed(project: Path, venv_factory, monkeypatch) -> None:
    other = venv_factory(name="other")
    monkeypatch.setenv("VIRTUAL_ENV", str(other))
    env = resolve_environment(cwd=project)
    assert env.path == other and env.note == ""


def test_own_environment_is_named_as_such(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(OWN))
    env = resolve_environment(cwd=tmp_path)  # no project here: envtui's own it is
    assert env.own and env.label.endswith(f" · {OWN_ENVIRONMENT}")


def test_cli_says_which_environment(project: Path) -> None:
    listed = run_envtui("list", cwd=project, env={"VIRTUAL_ENV": str(OWN)})
    assert listed.returncode == 0
    assert listed.stdout.splitlines()[0].startswith(f"{project / '.venv'} · Python")
    assert f"$VIRTUAL_ENV is {OWN_ENVIRONMENT}: opened the project's" in listed.stderr
    own = run_envtui("list", cwd=project.parent, env={"VIRTUAL_ENV": str(OWN)})
    assert own.stdout.splitlines()[0].endswith(f" · {OWN_ENVIRONMENT}")


def test_cli_warns_before_changing_its_own_environment(offline_uv, tmp_path: Path) -> None:
    result = run_envtui("install", "delta", "--dry-run", "--venv", str(OWN))
    assert result.returncode == 0, result.stderr
    assert f"is {OWN_ENVIRONMENT}: this changes envtui's own dependencies" in result.stderr


async def test_header_names_envtuis_own_environment(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(OWN))
    app = EnvtuiApp(resolve_environment(cwd=project.parent))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        facts = app.screen.query_one(StatusBar).env_text
        assert facts.endswith(f"({OWN_ENVIRONMENT})")


async def test_tui_opens_the_project_and_says_so(project: Path, monkeypatch) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", str(OWN))
    app = EnvtuiApp(resolve_environment(cwd=project))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert OWN_ENVIRONMENT not in app.screen.query_one(StatusBar).env_text
        assert [n.title for n in app._notifications] == ["Which environment"]
        assert app.screen.packages.index.packages.keys() == {"beta"}


def test_opening_the_tui_without_a_terminal_is_refused_at_once(project: Path) -> None:
    """cron, ``ssh host envtui`` without a terminal, a pipe: one error and exit 2, not a TUI drawing
    into a file for ever."""
    opened = run_envtui(str(project / ".venv"), timeout=30)
    assert opened.returncode == 2
    assert opened.stderr.splitlines() == [
        "error: not a terminal: the TUI needs a terminal on standard input and standard error",
        "hint: in scripts, run a command such as 'envtui list' (see 'envtui --help')",
    ]
    assert opened.stdout == ""
    missing = run_envtui(str(project / "nothing-here"), timeout=30)  # a bad path still says what is wrong
    assert missing.returncode == 2 and "no such file or directory" in missing.stderr
