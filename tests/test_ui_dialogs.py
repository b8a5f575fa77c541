"""The confirm dialog does what people expect: Cancel first after a warning, only Close when
nothing would change, and it says what the hooks will do (or why they will not)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.core.health import trust
from envtui.core.jobs.engine import SUCCEEDED
from envtui.ui.app import EnvtuiApp
from envtui.ui.screens.confirm import ConfirmChangeScreen
from tests.test_hooks_trust import touch, write_config
from tests.test_jobs_engine import freeze
from tests.test_jobs_ui import SIZE, _confirm_dialog, until
from tests.ui_support import make_app, screen_text, settle, shows


def _buttons(dialog: ConfirmChangeScreen) -> list[str]:
    return [str(b.label) for b in dialog.query(Button)]


async def test_a_warning_focuses_cancel_so_enter_does_no_harm(env_path: Path, offline_uv) -> None:
    app = make_app(env_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.table.move_to("beta")
        await pilot.press("x")
        dialog = await _confirm_dialog(pilot)
        assert "beta is required by alpha" in screen_text(app)
        assert app.focused.id == "confirm-cancel"
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmChangeScreen) and dialog.is_attached is False
        assert app.screen.jobs_engine.jobs == []
    assert "beta==1.1" in freeze(env_path)


async def test_an_install_that_breaks_an_installed_bound_warns(venv_factory, offline_uv) -> None:
    venv = venv_factory(["clash", "beta==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"beta==1.1", "enter")
        dialog = await _confirm_dialog(pilot)
        assert any("breaks clash: clash requires beta<1.1, gets 1.1" in note for note in dialog.notes)
        assert "breaks clash" in screen_text(app)
        assert app.focused.id == "confirm-cancel"


async def test_nothing_would_change_offers_only_close(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"alpha==1.0", "enter")
        dialog = await _confirm_dialog(pilot)
        assert "Nothing would change." in screen_text(app)
        assert _buttons(dialog) == ["Close"] and app.focused.id == "confirm-close"
        await pilot.press("y")  # there is nothing to run
        assert app.screen is dialog
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not dialog and app.screen.jobs_engine.jobs == []


async def test_trusted_hooks_are_named_and_can_be_left_out(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    marks = Path.cwd()
    config = load_config(write_config(marks, touch(marks / "stopped"), touch(marks / "started")))
    trust.trust(config)
    app = EnvtuiApp(resolve_environment(venv), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"delta", "enter")
        dialog = await _confirm_dialog(pilot)
        text = screen_text(app)
        assert "Hooks will stop and start the service around the change:" in text
        assert "before-change: " in text and "stopped" in text and "after-change: " in text
        assert _buttons(dialog) == ["Cancel", "Run without hooks", "Run"]
        await pilot.press("w")
        screen = app.screen
        await until(pilot, lambda: bool(screen.jobs_engine.jobs) and screen.jobs_engine.jobs[-1].finished)
        job = screen.jobs_engine.jobs[-1]
        assert job.status == SUCCEEDED and job.describe() == "install delta (without hooks)"
        await settle(pilot)
    assert "delta==1.0" in freeze(venv)
    assert not (marks / "stopped").exists() and not (marks / "started").exists()


async def test_untrusted_hooks_are_said_to_be_skipped_and_why(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    config = load_config(write_config(Path.cwd(), touch(Path.cwd() / "stopped"), touch(Path.cwd() / "started")))
    app = EnvtuiApp(resolve_environment(venv), config=config)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"delta", "enter")
        dialog = await _confirm_dialog(pilot)
        assert shows(app, "Hooks will be skipped:", "is not trusted"), screen_text(app)
        assert _buttons(dialog) == ["Cancel", "Run"] and app.focused.id == "confirm-run"


async def test_at_80x24_a_long_preview_scrolls_and_the_buttons_stay_on_screen(env_path: Path) -> None:
    """Many warnings and changes (a project uninstall's, say) must not push Cancel and Run off screen."""
    from envtui.core.env.changes import Change, Preview
    from envtui.core.jobs.change import ChangeRequest

    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        preview = Preview(changes=[Change(f"package-{i}", "1.0", None) for i in range(30)])
        notes = [f"warning number {i}: " + "a long explanation that wraps over two lines " * 2 for i in range(6)]
        app.push_screen(ConfirmChangeScreen(ChangeRequest.uninstall(["alpha"]), preview, notes=notes))
        await settle(pilot)
        for button_id in ("#confirm-cancel", "#confirm-run"):
            region = app.screen.query_one(button_id, Button).region
            assert region.height >= 1 and region.bottom <= 24, (button_id, region)
        assert app.focused is not None and app.focused.id == "confirm-cancel"
        assert "warning number 0" in screen_text(app)
