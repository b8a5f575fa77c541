"""The TUI's health badge and Health view, driven with Textual's Pilot (awaiting workers, never sleeping)."""

from __future__ import annotations

from pathlib import Path

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.ui.app import EnvtuiApp
from envtui.ui.health import HealthView
from envtui.ui.views import HEALTH_PANE
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.status_bar import HealthBadge
from tests.health_server import ROUTES, health_server
from tests.ui_support import screen_text, settle


def app_with_config(env_path: Path, config: Path) -> EnvtuiApp:
    """The app with the configuration found in ``config``'s directory, read once as ``envtui`` reads it."""
    return EnvtuiApp(resolve_environment(env_path), config=load_config(cwd=config.parent, strict=False))


def badge(app: EnvtuiApp) -> tuple[str, set[str]]:
    widget = app.screen.query_one(HealthBadge)
    return str(widget.render()), set(widget.classes)


async def test_badge_shows_the_worst_check_and_the_view_lists_every_check(env_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "envtui.toml"
    config.write_text('imports = ["alpha", "boom"]\n')
    app = app_with_config(env_path, config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text, classes = badge(app)
        assert "import boom failed" in text and "-error" in classes
        view = app.screen.query_one(HealthView)
        names = [f.name for f in view.report.findings]
        assert names[:4] == ["interpreter", "dependencies", "import alpha", "import boom"]
        await pilot.press("H")  # the key for the Health view
        await pilot.pause()
        assert app.screen.current_view == HEALTH_PANE
        assert "FAIL" in screen_text(app) and "import boom" in screen_text(app)
        # The highlighted check's whole story shows under the table; Enter opens its package.
        view.table.focus()
        view.table.move_cursor(row=names.index("import boom"))
        await pilot.pause()
        assert "RuntimeError: boom is broken" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        table = app.screen.query_one(PackageTable)
        assert table.current is not None and table.current.key == "boom"
        assert app.screen.focused is table


async def test_a_healthy_environment_shows_ok(venv_factory, tmp_path: Path) -> None:
    venv = venv_factory(["gamma"])
    config = tmp_path / "envtui.toml"
    config.write_text('imports = ["gamma"]\n')
    app = app_with_config(venv, config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text, classes = badge(app)
        assert text == "health OK" and "-ok" in classes


async def test_services_refresh_on_their_own_and_after_a_refresh(env_path: Path, tmp_path: Path) -> None:
    with health_server() as base:
        config = tmp_path / "envtui.toml"
        config.write_text(f'service-interval = 60\n[[services]]\nname = "backend"\nurl = "{base}/flip"\n')
        ROUTES["/flip"] = ROUTES["/down"]
        try:
            app = app_with_config(env_path, config)
            async with app.run_test(size=(100, 30)) as pilot:
                await settle(pilot)
                view = app.screen.query_one(HealthView)
                assert "service backend failed" in badge(app)[0]
                first = next(f for f in view.report.findings if f.name == "service backend")
                assert view._timer is not None  # the interval timer is running

                ROUTES["/flip"] = ROUTES["/ok"]
                view._services_due()  # what the timer calls
                await settle(pilot)
                assert badge(app)[0] == "health OK"
                again = next(f for f in view.report.findings if f.name == "service backend")
                assert again.checked_at >= first.checked_at and again.status == "ok"
                interpreter = next(f for f in view.report.findings if f.name == "interpreter")
                assert interpreter.checked_at <= again.checked_at  # only services ran

                ROUTES["/flip"] = ROUTES["/500"]
                await pilot.press("r")  # a refresh (as after every job) re-checks everything
                await settle(pilot)
                assert "service backend failed" in badge(app)[0]
        finally:
            ROUTES.pop("/flip", None)


async def test_a_broken_config_is_a_failing_check_not_a_crash(env_path: Path, tmp_path: Path) -> None:
    config = tmp_path / "envtui.toml"
    config.write_text("imports = [1]\n")
    app = app_with_config(env_path, config)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(HealthView)
        first = view.report.findings[0]
        assert first.name == "configuration" and first.status == "fail" and "imports" in first.detail
        assert "configuration failed" in badge(app)[0]


async def test_showing_a_view_puts_the_keys_on_its_table(env_path: Path, tmp_path: Path) -> None:
    """H, J, Enter in the Views list and the palette focus the view's table; j/k move in it;
    going back to a package view focuses the package table."""
    from textual.command import CommandPalette

    from envtui.core.env.filtering import ALL, View
    from envtui.ui.views import JOBS_PANE
    from envtui.ui.widgets.filter_input import FilterInput
    from envtui.ui.widgets.sidebar import ViewList

    config = tmp_path / "envtui.toml"
    config.write_text('imports = ["alpha", "boom"]\n')
    app = app_with_config(env_path, config)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = screen.query_one(HealthView)
        await pilot.press("H")
        assert screen.focused is view.table
        assert "c Check now" in screen_text(app)  # the view's own keys are in the footer
        await pilot.press("j", "j")
        assert view.table.cursor_row == 2
        await pilot.press("k")
        assert view.table.cursor_row == 1
        assert screen.query_one(FilterInput).value == ""  # nothing went into the hidden filter

        await pilot.press("J")
        await settle(pilot)
        assert screen.current_view == JOBS_PANE
        assert screen.focused is screen.query_one("#jobs-table")

        # Back to the package table by the Views list, then the Health view by the Views list.
        views = screen.query_one(ViewList)
        views.focus()
        views.highlighted = views.index_of(View(ALL))
        await pilot.press("enter")
        assert screen.current_view == View(ALL) and screen.focused is screen.table
        views.focus()
        views.highlighted = views.index_of(HEALTH_PANE)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current_view == HEALTH_PANE and screen.focused is view.table

        # H again while the view shows (the focus was moved away) focuses it again.
        screen.table.focus()
        await pilot.press("H")
        assert screen.focused is view.table

        # By the palette, from the package table.
        screen.current_view = View(ALL)
        assert screen.focused is screen.table
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"every health check")
        await pilot.pause(0.3)  # the palette searches in a task of its own
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert screen.current_view == HEALTH_PANE and screen.focused is view.table


async def test_the_health_table_uses_the_width_the_details_pane_would_take(env_path: Path) -> None:
    app = EnvtuiApp(resolve_environment(env_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#details").display  # open beside the package table at this width
        await pilot.press("H")
        await settle(pilot)
        assert not screen.query_one("#details").display
        view = screen.query_one(HealthView)
        table = view.table
        detail = table.ordered_columns[-1]
        assert (
            detail.get_render_width(table) + sum(c.get_render_width(table) for c in table.ordered_columns[:-1])
            == table.scrollable_content_region.width
        )
        assert table.virtual_size.width <= table.size.width  # no sideways scrolling
        assert "no conflicts (uv pip check)" in screen_text(app)
        await pilot.resize_terminal(90, 30)  # narrower: the last column gives way, still no sideways scroll
        await settle(pilot)
        assert sum(c.get_render_width(table) for c in table.ordered_columns) == table.scrollable_content_region.width
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        await pilot.press("escape")  # escape leaves the view for the package table
        await settle(pilot)
        assert screen.current_view == screen.views[0] and screen.focused is screen.table
        assert screen.query_one("#details").display  # back on a package view, the details pane returns


async def test_after_too_small_the_keys_come_back_to_the_view_on_screen(env_path: Path) -> None:
    app = EnvtuiApp(resolve_environment(env_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("H")
        view = screen.query_one(HealthView)
        assert screen.focused is view.table
        await pilot.resize_terminal(50, 15)
        await settle(pilot)
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert screen.current_view == HEALTH_PANE and screen.focused is view.table
