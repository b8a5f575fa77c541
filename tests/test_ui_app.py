"""The TUI opens on a real venv, lists its packages and quits; driven with Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

from envtui.ui.widgets.package_table import PackageTable
from tests.ui_support import make_app, screen_text, settle


async def test_opens_lists_and_quits(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PackageTable)
        assert table.border_title == "4 packages"
        assert list(table.keys) == ["alpha", "beta", "boom", "gamma"]
        assert "4 packages" in screen_text(app)
        await pilot.press("q")
    assert app.return_code == 0
