"""The Health view looks after the service: trust its hooks from inside the TUI (shown as envtui trust
shows them), restart it with the after-change hooks, and follow an edit of the configuration."""

from __future__ import annotations

from pathlib import Path

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.ui.app import EnvtuiApp
from envtui.ui.health import HealthView
from envtui.ui.screens.trust import TrustScreen
from envtui.ui.views import HEALTH_PANE
from tests.test_hooks_trust import touch, write_config
from tests.test_jobs_ui import until
from tests.ui_support import screen_text, settle, shows


def hooks_finding(view: HealthView):
    return next(f for f in view.report.findings if f.name == "hooks")


async def test_trust_then_restart_from_the_health_view(env_path: Path, tmp_path: Path) -> None:
    config = write_config(tmp_path, touch(tmp_path / "stopped"), touch(tmp_path / "started"))
    app = EnvtuiApp(resolve_environment(env_path), config=load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = screen.query_one(HealthView)
        screen.show_view(HEALTH_PANE)
        await settle(pilot)
        assert hooks_finding(view).status == "warn"
        await pilot.press("R")  # not trusted yet: nothing runs, and it says why
        await settle(pilot)
        assert any("may not run yet" in n.message for n in app._notifications)
        assert not (tmp_path / "started").exists()
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, TrustScreen))
        assert shows(app, f"Trust {config}?", "after-change: ", "started"), screen_text(app)
        assert app.focused.id == "trust-cancel"
        await pilot.click("#trust-ok")
        await settle(pilot)
        await until(pilot, lambda: hooks_finding(view).status == "ok")
        await pilot.press("R")
        await until(pilot, lambda: (tmp_path / "started").exists())
        await settle(pilot)
        screen.job_pane.job_log.flush()
        log = "\n".join(screen.job_pane.job_log.lines)
        assert "restarting the service" in log and "hook ran" in log
        assert not (tmp_path / "stopped").exists()  # a restart runs the after-change hooks only
        # An edit withdraws the trust; the next check says so.
        config.write_text(config.read_text() + "# edited\n")
        await pilot.press("c")
        await until(pilot, lambda: hooks_finding(view).status == "warn")
        assert "changed since it was trusted" in hooks_finding(view).detail


async def test_hook_commands_show_as_argument_lists_as_envtui_trust_prints_them(
    venv_factory, tmp_path: Path, offline_uv
) -> None:
    from tests.factory import run_envtui
    from tests.test_jobs_ui import _confirm_dialog

    venv = venv_factory(["alpha==1.0"])
    config = write_config(tmp_path, ["supervisorctl", "stop", "my backend"], ["sh", "-c", "echo 'started' && exit 0"])
    app = EnvtuiApp(resolve_environment(venv), config=load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("H", "T")
        await until(pilot, lambda: isinstance(app.screen, TrustScreen))
        in_the_tui = screen_text(app)
        await pilot.press("escape")  # Cancel: the CLI trusts it below
    printed = run_envtui("trust", str(config))
    assert printed.returncode == 0, printed.stderr
    commands = [line.strip() for line in printed.stdout.splitlines() if line.strip().startswith(("before-", "after-"))]
    assert commands == [
        'before-change: ["supervisorctl", "stop", "my backend"]',
        """after-change: ["sh", "-c", "echo 'started' && exit 0"]""",
    ]
    assert all(command in in_the_tui for command in commands), in_the_tui
    # Trusted now: the confirm dialog names the same commands the same way.
    app = EnvtuiApp(resolve_environment(venv), config=load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i", *"delta", "enter")
        await _confirm_dialog(pilot)
        in_the_dialog = screen_text(app)
        assert all(command in in_the_dialog for command in commands), in_the_dialog
