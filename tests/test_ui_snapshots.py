"""Snapshots of the main screen (pytest-textual-snapshot) on a fixture venv of tiny local wheels.

Made deterministic: the working directory is the fixture's, so paths show relative; sizes on
disk, the interpreter and uv versions and the health badge are pinned to fixed text after loading (they
differ between machines and are tested elsewhere); the filter's cursor does not blink; no clock.
Update after an intended change of the screen with ``pytest --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.ui.widgets.status_bar import HealthBadge, StatusBar
from tests.ui_support import make_app, settle


@pytest.fixture
def snap_env(env_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The fixture venv, with the working directory beside it so it shows as ``env``.

    Sizes on disk are pinned too: uv records the wheel's path (which differs per run) in
    ``direct_url.json``, so the byte count moves by a digit or two.
    """
    monkeypatch.chdir(env_path.parent)
    monkeypatch.setattr("envtui.ui.widgets.details.size_on_disk", lambda package: 300)
    return env_path


def prepared(*keys: str):
    """A ``run_before`` that waits for the load, pins what varies by machine, then presses ``keys``."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        bar = screen.query_one(StatusBar)
        bar.python_text = "3.x"
        bar.uv_text = "0.x"
        screen.query_one(HealthBadge).show("health OK", "ok")
        for package in screen.packages.index.packages.values():
            package.location = "site-packages"
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_main_screen_80x24(snap_env: Path, snap_compare) -> None:
    assert snap_compare(make_app(snap_env), terminal_size=(80, 24), run_before=prepared())


def test_main_screen_120x40(snap_env: Path, snap_compare) -> None:
    assert snap_compare(make_app(snap_env), terminal_size=(120, 40), run_before=prepared("down"))


def test_filter_active(snap_env: Path, snap_compare) -> None:
    assert snap_compare(make_app(snap_env), terminal_size=(80, 24), run_before=prepared("slash", "b"))


def test_details_open(snap_env: Path, snap_compare) -> None:
    assert snap_compare(make_app(snap_env), terminal_size=(80, 24), run_before=prepared("down", "enter"))


def test_terminal_too_small(snap_env: Path, snap_compare) -> None:
    assert snap_compare(make_app(snap_env), terminal_size=(50, 15), run_before=prepared())
