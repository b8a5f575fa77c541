"""Snapshots in the TUI, driven with Textual's Pilot on real venvs: the view, restore, z and Z, Jobs."""

from __future__ import annotations

from pathlib import Path

from envtui.core.jobs.job import SUCCEEDED
from envtui.ui.jobs.view import JobsView
from envtui.ui.screens.confirm import ConfirmChangeScreen
from envtui.ui.snapshots.confirm import ConfirmRestoreScreen
from envtui.ui.snapshots.view import SnapshotsView
from envtui.ui.views import JOBS_PANE, SNAPSHOTS_PANE
from tests.factory import make_venv, run_envtui
from tests.test_jobs_engine import freeze
from tests.test_jobs_ui import finished, until
from tests.ui_support import make_app, screen_text, settle

SIZE = (120, 36)


async def _dialog(pilot) -> ConfirmRestoreScreen:
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmRestoreScreen) and pilot.app.screen.is_mounted)
    await pilot.pause()  # and painted
    return pilot.app.screen


async def _restore_and_wait(pilot, key: str) -> None:
    """Press ``key`` (z, Z, or Enter in the view), confirm, and wait for the rollback job to end."""
    screen = pilot.app.screen
    jobs = len(screen.jobs_engine.jobs)
    await pilot.press(key)
    await _dialog(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: len(screen.jobs_engine.jobs) > jobs)
    job = screen.jobs_engine.jobs[-1]
    await finished(pilot, job)
    assert job.status == SUCCEEDED, job.message


async def test_the_view_lists_snapshots_and_what_restoring_one_would_change(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert screen.current_view == SNAPSHOTS_PANE
        view = screen.query_one(SnapshotsView)
        assert len(view.rows) == 1
        text = screen_text(app)
        assert view.rows[0].snapshot.id in text and "before upgrade alpha" in text and "succeeded" in text
        assert "Restoring it would change: 0 added, 2 changed, 0 removed" in text
        assert "~ alpha 2.0 → 1.0" in text and "~ beta 1.1 → 1.0" in text


async def test_restore_from_the_view_confirms_with_the_diff_and_is_exact(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"])
    before = freeze(venv)
    assert run_envtui("install", "--venv", str(venv), "alpha==2.0", "delta").returncode == 0
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        await pilot.press("enter")
        dialog = await _dialog(pilot)
        text = screen_text(app)
        assert "Restore a snapshot?" in text and "before install alpha==2.0 delta" in text
        assert "~ alpha 2.0 → 1.0" in text and "- delta 1.0" in text
        assert dialog.plan.diff.summary() == "0 added, 2 changed, 1 removed"
        await pilot.press("escape")  # Cancel: nothing runs
        await settle(pilot)
        assert app.screen.jobs_engine.jobs == [] and "delta" in freeze(venv)
        await _restore_and_wait(pilot, "enter")
        assert freeze(venv) == before
        screen = app.screen
        assert "delta" not in screen.inventory.packages  # the table was listed again
        view = screen.query_one(SnapshotsView)
        await until(pilot, lambda: len(view.rows) == 2)
        assert view.rows[0].snapshot.reason.startswith("before rollback to ")


async def test_z_undoes_change_by_change_and_Z_redoes(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    states = [freeze(venv)]
    assert run_envtui("install", "--venv", str(venv), "delta").returncode == 0
    states.append(freeze(venv))
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    states.append(freeze(venv))
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await _dialog(pilot)
        assert "Undo the last change?" in screen_text(app) and "~ alpha 2.0 → 1.0" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        await _restore_and_wait(pilot, "z")
        assert freeze(venv) == states[1]
        await _restore_and_wait(pilot, "z")
        assert freeze(venv) == states[0]
        await _restore_and_wait(pilot, "Z")
        assert freeze(venv) == states[1]
        await _restore_and_wait(pilot, "Z")
        assert freeze(venv) == states[2]
        await pilot.press("Z")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmRestoreScreen)
        assert any("Nothing to redo" in n.message for n in app._notifications)
        await _restore_and_wait(pilot, "z")  # and undo again after the redos
        assert freeze(venv) == states[1]


async def test_a_snapshot_that_cannot_be_had_is_refused_and_nothing_runs(
    tmp_path: Path,
    own_wheelhouse: Path,
) -> None:
    venv = make_venv(tmp_path / "venv", own_wheelhouse, ["alpha==1.0", "beta==1.0"])
    assert run_envtui("upgrade", "--venv", str(venv), "alpha").returncode == 0
    (own_wheelhouse / "alpha-1.0-py3-none-any.whl").unlink()
    after = freeze(venv)
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("z")
        await until(pilot, lambda: any("cannot be had" in n.message for n in app._notifications))
        assert not isinstance(app.screen, ConfirmRestoreScreen)
        refusal = next(n for n in app._notifications if "cannot be had" in n.message)
        assert refusal.severity == "error" and "alpha==1.0: version 1.0 is not in the index" in refusal.message
        assert app.screen.jobs_engine.jobs == []
    assert freeze(venv) == after


async def test_the_jobs_view_shows_each_jobs_snapshot(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"delta", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmChangeScreen) and app.screen.is_mounted)
        await pilot.press("enter")
        await until(pilot, lambda: len(screen.jobs_engine.jobs) == 1)
        job = screen.jobs_engine.jobs[0]
        await finished(pilot, job)
        assert job.status == SUCCEEDED and job.snapshot
        await pilot.press("J")
        await settle(pilot)
        assert screen.current_view == JOBS_PANE
        assert screen.query_one(JobsView)._current_id() == job.id
        assert f"before it: snapshot {job.snapshot}" in screen_text(app)
