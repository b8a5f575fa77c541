"""The job UI driven with Textual's Pilot on real venvs: prompt, preview, confirm, queue, cancel, Jobs view."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rich.text import Text

from envtui.core.jobs.job import CANCELLED, FAILED, SUCCEEDED
from envtui.ui.jobs.view import JobsView
from envtui.ui.screens.confirm import ConfirmChangeScreen
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.views import JOBS_PANE
from envtui.ui.widgets.spinner import Spinner
from tests.test_jobs_engine import freeze
from tests.ui_support import make_app, screen_text, settle

SIZE = (120, 36)


async def until(pilot, predicate, timeout: float = 30.0) -> None:
    """Let the app run, a frame at a time, until ``predicate()`` holds.

    Workers are not awaited: the one running the job queue lasts as long as its jobs.
    """
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.02)


async def finished(pilot, job) -> None:
    """Wait until ``job`` has ended and the screen has heard so."""
    await until(pilot, lambda: job.finished)
    await settle(pilot)


async def _confirm_dialog(pilot) -> ConfirmChangeScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmChangeScreen) and pilot.app.screen.is_mounted)
    await pilot.pause()  # and painted
    return pilot.app.screen


async def test_install_asks_previews_confirms_runs_and_refreshes(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"gamma alpha==2.0", "enter")
        dialog = await _confirm_dialog(pilot)
        text = screen_text(app)
        assert "install gamma alpha==2.0?" in text
        assert "+ gamma 1.0" in text and "~ alpha 1.0 → 2.0" in text and "~ beta 1.0 → 1.1" in text
        assert freeze(venv).split() == ["alpha==1.0", "beta==1.0"]  # the preview changed nothing
        assert dialog.preview.summary() == "1 added, 2 changed, 0 removed"
        await pilot.press("enter")
        job = screen.jobs_engine.jobs[-1]
        await finished(pilot, job)
        await until(pilot, lambda: screen.inventory is not None and "gamma" in screen.inventory.packages)
        assert job.status == SUCCEEDED
        assert screen.inventory.packages["alpha"].version == "2.0"
        assert "gamma" in list(screen.table.keys)
        assert "install gamma alpha==2.0 · succeeded" in screen_text(app)
        assert " + gamma==1.0" in screen_text(app)


async def test_cancel_in_the_dialog_runs_nothing(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"delta", "enter")
        await _confirm_dialog(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.jobs_engine.jobs == []
        assert "delta" not in freeze(venv)


async def test_a_bad_spec_is_refused_before_anything_runs(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    before = freeze(venv)
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"--index-url=http://evil", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmChangeScreen)
        assert isinstance(app.screen, PromptScreen)  # asked again, with the text to correct
        assert app.screen.query_one("#prompt-input").value == "--index-url=http://evil"
        assert app.main_screen.jobs_engine.jobs == []
        assert any("not a valid requirement" in n.message for n in app._notifications)
    assert freeze(venv) == before


async def test_uninstall_confirm_names_the_dependents(env_path: Path, offline_uv) -> None:
    app = make_app(env_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("alpha")
        await pilot.press("x")
        dialog = await _confirm_dialog(pilot)
        assert "alpha is required by gamma" in screen_text(app)
        assert [(c.name, c.old) for c in dialog.preview.removed] == [("alpha", "2.0")]
        await pilot.press("y")  # a warning puts the focus on Cancel: y runs it anyway
        await finished(pilot, screen.jobs_engine.jobs[-1])
        await until(pilot, lambda: "alpha" not in screen.inventory.packages)
        assert "alpha" not in list(screen.table.keys)


async def test_a_failed_job_is_marked_with_uv_error_lines_highlighted(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        # the preview refuses an unresolvable request already: submit it straight to the queue
        from envtui.core.jobs.change import ChangeRequest

        job = screen.jobs_submit(ChangeRequest.install(["clash", "alpha==2.0"]))
        await finished(pilot, job)
        await settle(pilot)
        assert job.status == FAILED
        assert "install clash alpha==2.0 · failed" in screen_text(app)
        assert any("No solution found" in n.message and n.severity == "error" for n in app._notifications)
        styled = screen.job_pane.job_log.highlighter(Text("error: No solution found when resolving dependencies"))
        assert styled.spans, "uv's error line is highlighted in the log"
        assert not screen.job_pane.job_log.highlighter(Text("Resolved 2 packages in 3ms")).spans
        screen.current_view = JOBS_PANE
        await settle(pilot)
        view = screen.query_one(JobsView)
        assert view.table.row_count == 1
        assert "No solution found" in screen_text(app)
    assert freeze(venv) == before


async def test_ctrl_c_cancels_a_running_job_and_the_ui_stays_responsive(venv_factory, slow_index) -> None:
    venv = venv_factory()
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        from envtui.core.jobs.change import ChangeRequest

        job = screen.jobs_submit(ChangeRequest.install(["slowpkg"]))
        second = screen.jobs_submit(ChangeRequest.install(["slowpkg"]))
        await until(pilot, slow_index.download_started.is_set)
        assert "1 queued" in screen_text(app)
        # Keys are answered while uv is busy. uv's download stalls until the test lets it go, so
        # a UI that waited on the job would never answer: the limit is there to fail, not to time.
        started = time.perf_counter()
        await pilot.press("l")
        await pilot.press("l")
        assert time.perf_counter() - started < 5.0
        assert not job.finished, "the keys were answered while the job still ran"
        await pilot.press("ctrl+c")
        await until(pilot, lambda: job.finished)  # the second job runs on: its worker is busy
        assert job.status == CANCELLED
        await until(pilot, lambda: second.status != "queued")
        await pilot.press("ctrl+c")
        await finished(pilot, second)
        assert second.status == CANCELLED
        await settle(pilot)
        assert "cancelled" in screen_text(app)
    assert freeze(venv) == ""


async def test_upgrade_all_lists_the_outdated_top_level_packages_first(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "gamma"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("U")
        dialog = await _confirm_dialog(pilot)
        text = screen_text(app)
        assert "Outdated top-level packages (1):" in text and "beta 1.0 → 1.1" in text
        assert dialog.request.specs == ("beta",)
        await pilot.press("enter")
        await finished(pilot, screen.jobs_engine.jobs[-1])
        await until(pilot, lambda: screen.inventory.packages["beta"].version == "1.1")


async def test_upgrade_selected_and_the_jobs_view(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("alpha")
        await pilot.press("u")
        await _confirm_dialog(pilot)
        await pilot.press("enter")
        await finished(pilot, screen.jobs_engine.jobs[-1])
        await until(pilot, lambda: screen.inventory.packages["alpha"].version == "2.0")
        await pilot.press("J")
        await settle(pilot)
        assert screen.current_view == JOBS_PANE
        text = screen_text(app)
        assert "upgrade alpha" in text and "succeeded" in text
        assert f"job {screen.jobs_engine.jobs[-1].id}" in text, "the id 'envtui jobs ID' takes"


def test_exit_statuses_read_as_people_read_them() -> None:
    from envtui.core.jobs.history import exit_text

    assert [exit_text(code) for code in (None, 0, 1, -2, -9)] == ["-", "0", "1", "SIGINT", "SIGKILL"]


async def test_sync_from_a_file(venv_factory, offline_uv, tmp_path: Path) -> None:
    venv = venv_factory(["alpha==1.0", "boom"])
    req = tmp_path / "req.txt"
    req.write_text("delta\n")
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("y")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*str(req), "enter")
        dialog = await _confirm_dialog(pilot)
        assert {c.name for c in dialog.preview.removed} == {"alpha", "boom"}
        await pilot.press("enter")
        await finished(pilot, screen.jobs_engine.jobs[-1])
    assert freeze(venv).split() == ["delta==1.0"]


async def test_a_spinner_turns_while_the_outdated_check_runs(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        spinner = screen.query_one(Spinner)
        seen: list[str] = []
        original = spinner.start
        spinner.start = lambda label: (seen.append(label), original(label))[-1]
        await pilot.press("o")
        await until(pilot, lambda: screen.latest is not None)
        await settle(pilot)
        assert seen == ["checking for newer versions"]
        assert not spinner.active
        assert screen.latest == {"alpha": "2.0"}


async def test_an_unresolvable_request_stops_at_the_preview(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", *"clash alpha==2.0", "enter")
        await until(pilot, lambda: any("No solution" in n.message for n in app._notifications))
        assert not isinstance(app.screen, ConfirmChangeScreen)
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))  # asked again, to correct it
        assert app.main_screen.jobs_engine.jobs == []
        assert not app.main_screen.query_one(Spinner).active
    assert freeze(venv) == before


def _dry_runs(venv: Path) -> list[int]:
    """Pids of uv ``--dry-run`` processes on ``venv`` that are still alive (not zombies)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if b"--dry-run" in argv and str(venv).encode() in b" ".join(argv) and state != "Z":
            pids.append(int(entry.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads running processes from /proc")
@pytest.mark.parametrize("key", ["ctrl+c", "escape"])
async def test_a_hanging_preview_is_cancelled_and_its_uv_ends(venv_factory, slow_index, key: str) -> None:
    import asyncio

    venv = venv_factory()
    slow_index.metadata.clear()  # without PEP 658 metadata uv downloads the wheel to resolve: the dry run stalls
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"slowpkg", "enter")
        # uv is stuck downloading in its --dry-run (the preview worker cannot be awaited here)
        assert await asyncio.to_thread(slow_index.download_started.wait, 30)
        assert _dry_runs(venv)
        assert "previewing install slowpkg" in screen_text(app)
        await pilot.press(key)
        await settle(pilot)  # the preview worker has ended
        assert not isinstance(app.screen, ConfirmChangeScreen)
        assert screen.jobs_engine.jobs == []
        messages = [n.message for n in app._notifications]
        assert any("Preview cancelled" in m for m in messages)
        assert not any("No job is running" in m for m in messages)
        assert "previewing" not in screen_text(app)
        await until(pilot, lambda: not _dry_runs(venv), timeout=10)
    assert freeze(venv) == ""


async def test_the_jobs_view_shows_its_rows_at_80x24(venv_factory, offline_uv) -> None:
    from envtui.core.jobs.change import ChangeRequest

    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        for spec in ("gamma", "beta==1.1", "alpha==2.0"):
            await finished(pilot, screen.jobs_submit(ChangeRequest.install([spec])))
            await settle(pilot)
        assert not screen.job_pane.collapsed  # the jobs opened the log: the table keeps its rows all the same
        await pilot.press("J")
        await settle(pilot)
        view = screen.query_one(JobsView)
        assert view.table.size.height >= 4  # the header and at least three rows
        text = screen_text(app)
        for spec in ("install gamma", "install beta==1.1", "install alpha==2.0"):
            assert spec in text
        assert screen.focused is view.table
        await pilot.press("g")
        assert view.table.cursor_row == 0
        await pilot.press("j")
        assert view.table.cursor_row == 1


async def test_the_first_l_after_confirming_a_job_toggles_the_log(venv_factory, offline_uv) -> None:
    """The key after the confirm dialog closes reaches the main screen (none is lost on the way)."""
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"gamma", "enter")
        await _confirm_dialog(pilot)
        await pilot.press("enter")
        assert app.screen is screen and screen.focused is screen.table
        await finished(pilot, screen.jobs_engine.jobs[-1])
        await settle(pilot)
        assert not screen.job_pane.collapsed  # the job opened the log
        await pilot.press("l")
        assert screen.job_pane.collapsed
        await pilot.press("l")
        assert not screen.job_pane.collapsed
