"""The TUI honours the project configuration: its venv when no PATH is given, and its categories."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.cli import main
from envtui.core.config import Config
from envtui.core.env.environment import resolve_environment
from envtui.ui.app import EnvtuiApp
from tests.ui_support import settle


async def test_category_overrides_reach_the_table_and_views(env_path: Path) -> None:
    app = EnvtuiApp(resolve_environment(env_path), config=Config(categories={"boom": "Auth"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.main_screen
        assert screen.inventory.get("boom").category == "Auth"
        assert screen.inventory.get("gamma").category == "Database"
        screen.action_refresh()
        await settle(pilot)
        assert screen.inventory.get("boom").category == "Auth"


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Stand in for the app itself: record what ``envtui [PATH]`` would open it with."""
    seen: dict = {}

    def run_app(env, *, config=None) -> int:
        seen.update(env=env, config=config, categories=dict(config.categories))
        return 0

    monkeypatch.setattr("envtui.ui.app.run_app", run_app)
    return seen


def test_config_venv_and_categories_when_no_path(tmp_path: Path, venv_factory, monkeypatch, opened) -> None:
    venv = venv_factory(["boom"], name="project/envs/main")
    project = venv.parent.parent
    (project / "envtui.toml").write_text('venv = "envs/main"\n[categories]\nboom = "Auth"\n')
    monkeypatch.chdir(project)
    assert main([]) == 0
    assert opened["env"].path == venv
    assert opened["categories"] == {"boom": "Auth"}
    # A PATH on the command line wins over the configuration's venv.
    other = venv_factory(name="other")
    assert main([str(other)]) == 0
    assert opened["env"].path == other


def test_broken_config(tmp_path: Path, env_path: Path, monkeypatch, opened, capsys) -> None:
    bad = tmp_path / "envtui.toml"
    bad.write_text("venv = [1, 2\n")
    monkeypatch.chdir(tmp_path)
    # Found on its own: not fatal, the TUI opens with defaults (its Health view names the problem).
    assert main([str(env_path)]) == 0
    assert opened["categories"] == {}
    assert "malformed TOML" in opened["config"].error.message  # read once, the error kept for the TUI
    # Named with --config: bad usage, one line, exit 2.
    opened.clear()
    assert main([str(env_path), "--config", str(bad)]) == 2
    assert opened == {}
    assert capsys.readouterr().err.startswith("error: ")
