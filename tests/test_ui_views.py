"""Escape leaves the Jobs and Health views for the package table; a filter in a view says it is one."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.env.filtering import CATEGORY, View
from envtui.ui.views import HEALTH_PANE, JOBS_PANE
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.sidebar import ViewList
from tests.ui_support import make_app, screen_text, settle


@pytest.mark.parametrize(("key", "pane"), [("J", JOBS_PANE), ("H", HEALTH_PANE)])
async def test_escape_leaves_a_view_for_the_package_table(env_path: Path, key: str, pane: str) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        views = screen.query_one(ViewList)
        views.focus()
        views.highlighted = views.index_of(View(CATEGORY, "Database"))
        await pilot.press("enter")
        await pilot.press(key)
        await settle(pilot)
        assert screen.current_view == pane
        await pilot.press("escape")
        await settle(pilot)
        assert screen.current_view == View(CATEGORY, "Database")  # the package view it came from
        assert isinstance(app.focused, PackageTable)


async def test_a_filter_in_a_view_says_so_and_counts_all_packages(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        views = screen.query_one(ViewList)
        views.focus()
        views.highlighted = views.index_of(View(CATEGORY, "Database"))
        await pilot.press("enter")
        await pilot.press("slash", *"alpha")
        await settle(pilot)
        title = screen.table.border_title
        assert title == "0 of 1 in Database · 1 in all packages"
        assert "0 of 1 in Database · 1 in all packages" in screen_text(app)
