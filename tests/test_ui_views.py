"""Escape leaves the Jobs, Health and Snapshots views for the package table; a filter in a view says
it is one; u and x there, with no package row on screen, say why nothing happens."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.env.filtering import ALL, CATEGORY, View
from envtui.ui.screens.confirm import ConfirmChangeScreen
from envtui.ui.views import HEALTH_PANE, JOBS_PANE, SNAPSHOTS_PANE
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.sidebar import ViewList
from tests.ui_support import make_app, screen_text, settle

VIEWS = [("J", JOBS_PANE), ("H", HEALTH_PANE), ("S", SNAPSHOTS_PANE)]


@pytest.mark.parametrize(("key", "pane"), VIEWS)
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


@pytest.mark.parametrize(("key", "pane"), VIEWS)
async def test_u_and_x_in_a_view_without_packages_say_why(env_path: Path, key: str, pane: str) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("alpha")
        await pilot.press("space")  # marked in the table, then out of sight
        await pilot.press(key)
        await settle(pilot)
        assert screen.current_view == pane
        await pilot.press("u", "x")
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert "Nothing to upgrade: this view shows no packages. Escape goes back to them." in messages
        assert "Nothing to uninstall: this view shows no packages. Escape goes back to them." in messages
        assert not isinstance(app.screen, ConfirmChangeScreen) and screen.jobs_engine.jobs == []


async def test_slash_in_the_jobs_view_filters_the_packages(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("slash", *"gam")
        await settle(pilot)
        assert screen.current_view == View(ALL)
        assert list(screen.table.keys) == ["gamma"]
        assert "1 of 4 packages" in screen_text(app)
