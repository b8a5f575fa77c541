"""The TUI's health badge and Health view, driven with Textual's Pilot (awaiting workers, never sleeping)."""

from __future__ import annotations

from pathlib import Path

from envtui.core.environment import resolve_environment
from envtui.ui.app import EnvtuiApp
from envtui.ui.health import HEALTH_PANE, HealthView
from envtui.ui.widgets.package_table import PackageTable
from tests.health_server import ROUTES, health_server
from tests.ui_support import screen_text, settle


def app_with_config(env_path: Path, config: Path) -> EnvtuiApp:
    return EnvtuiApp(resolve_environment(env_path), config_path=config)


def badge(app: EnvtuiApp) -> tuple[str, set[str]]:
    widget = app.screen.health_badge
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
