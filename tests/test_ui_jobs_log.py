"""The Jobs view reads like a log book: Enter shows a job's whole log, finished jobs offer no Cancel,
and a change uv refused at the preview is in the log pane and the Jobs view, the prompt kept."""

from __future__ import annotations

import re

from textual.events import MouseScrollDown, MouseScrollUp

from envtui.core.jobs.change import ChangeRequest
from envtui.ui.jobs.view import JobsView
from envtui.ui.screens.log_viewer import LogViewerScreen
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.views import JOBS_PANE
from tests.test_jobs_ui import SIZE, finished, until
from tests.ui_support import make_app, screen_text, settle


async def test_enter_opens_the_whole_log_and_finished_jobs_have_no_cancel(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        job = screen.jobs_submit(ChangeRequest.install(["gamma", "alpha==2.0"]))
        await finished(pilot, job)
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        view = screen.query_one(JobsView)
        assert not view.query_one("#jobs-cancel").display  # finished: nothing to cancel
        assert "Cancel job" not in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LogViewerScreen))
        viewer = app.screen
        on_disk = (job.log_path.read_text().splitlines()) if job.log_path else []
        assert on_disk and viewer.lines == on_disk  # every line, none skipped
        assert any("+ gamma==1.0" in line for line in viewer.lines)
        assert "install gamma alpha==2.0 · succeeded" in screen_text(app)
        await pilot.press("G", "g", "j", "k", "pagedown")
        await pilot.press("escape")
        assert isinstance(app.screen.query_one(JobsView), JobsView)
        assert not isinstance(app.screen, LogViewerScreen)


async def test_a_long_log_scrolls_in_the_viewer(venv_factory) -> None:
    from envtui.core.jobs import history

    venv = venv_factory()
    app = make_app(venv)
    lines = [f"line {i}" for i in range(500)]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        record = history.record_refused(str(venv), "install", ["uv", "pip", "install"], "a long one", "x", lines)
        app.push_screen(LogViewerScreen(record))
        await pilot.pause()
        viewer = app.screen
        assert viewer.lines[-500:] == lines
        text = screen_text(app)
        assert "line 0" in text and "line 499" not in text
        await pilot.press("G")
        await pilot.pause()
        assert "line 499" in screen_text(app)
        await pilot.press("g")
        await pilot.pause()
        # The mouse wheel, as the terminal reports it: over the log, three lines a notch.
        log = viewer.query_one("#log-viewer")
        x, y = log.region.x + 5, log.region.y + 5
        for _ in range(4):
            app.post_message(MouseScrollDown(None, x, y, 0, 1, 0, False, False, False, screen_x=x, screen_y=y))
            await pilot.pause()
        assert log.scroll_offset.y > 0
        text = screen_text(app)
        assert not re.search(r"\bline 0\b", text) and re.search(r"\bline 20\b", text)
        for _ in range(4):
            app.post_message(MouseScrollUp(None, x, y, 0, -1, 0, False, False, False, screen_x=x, screen_y=y))
            await pilot.pause()
        assert log.scroll_offset.y == 0


async def test_a_refused_preview_goes_to_the_log_and_the_jobs_view_and_the_prompt_keeps_the_text(
    venv_factory, offline_uv
) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"clash alpha==2.0", "enter")  # clash needs beta<1.1, alpha 2.0 beta>=1.1
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        assert app.screen.query_one("#prompt-input").value == "clash alpha==2.0"  # asked again, text kept
        await pilot.press("escape")
        await settle(pilot)
        assert not screen.job_pane.collapsed
        screen.job_pane.job_log.flush()
        log_text = "\n".join(screen.job_pane.job_log.lines)
        assert "refused at the preview, nothing changed" in log_text and "No solution found" in log_text
        screen.show_view(JOBS_PANE)
        await settle(pilot)
        assert "install clash alpha==2.0 (preview)" in screen_text(app)
        assert "No solution found" in screen_text(app)
        assert screen.jobs_engine.jobs == []


async def test_the_viewer_shows_the_hooks_around_uv_with_nothing_skipped(venv_factory, offline_uv, tmp_path) -> None:
    import sys

    from envtui.core.config import load_config
    from envtui.core.env.environment import resolve_environment
    from envtui.core.health import trust
    from envtui.ui.app import EnvtuiApp
    from tests.test_hooks_trust import write_config

    def say(*lines: str) -> list[str]:
        return [sys.executable, "-c", "; ".join(f"print({line!r})" for line in lines)]

    venv = venv_factory(["alpha==1.0"])
    config = load_config(write_config(tmp_path, say("stopping", "stopped"), say("starting", "started")))
    trust.trust(config)
    app = EnvtuiApp(resolve_environment(venv), config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        job = screen.jobs_submit(ChangeRequest.install(["delta"]))
        await finished(pilot, job)
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, LogViewerScreen))
        lines = app.screen.lines
        assert job.log_path is not None and lines == job.log_path.read_text().splitlines()
        order = ["stopping", "stopped", " + delta==1.0", "starting", "started"]
        at = [lines.index(line) for line in order]
        assert at == sorted(at), lines  # the hooks around uv's lines, in the order they ran
