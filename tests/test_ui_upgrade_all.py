"""U explains "top-level" when it finds nothing while dependencies are outdated, and counts what the
user installed by name with envtui as top-level."""

from __future__ import annotations

from envtui.core.jobs.change import ChangeRequest
from tests.factory import install_into, run_envtui
from tests.test_jobs_ui import SIZE, _confirm_dialog, finished, until
from tests.ui_support import make_app, settle


async def test_upgrade_all_explains_top_level_then_counts_an_explicit_install(
    venv_factory, wheelhouse, offline_uv
) -> None:
    venv = venv_factory()
    install_into(venv, wheelhouse, ["gamma", "alpha==1.0"])  # alpha: a dependency of gamma, outdated
    app = make_app(venv)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("U")
        await until(pilot, lambda: any("top-level" in n.title for n in app._notifications))
        note = next(n for n in app._notifications if "top-level" in n.title)
        assert "No top-level package is outdated" in note.message
        assert "alpha (required by gamma)" in note.message and "Top-level means" in note.message
        # The user asks for alpha by name through envtui: from now on it counts as top-level.
        await finished(pilot, screen.jobs_submit(ChangeRequest.install(["alpha==1.0"])))
        await pilot.press("U")
        dialog = await _confirm_dialog(pilot)
        assert dialog.request.specs == ("alpha",)


def test_cli_upgrade_all_explains_top_level(venv_factory, wheelhouse, offline_uv) -> None:
    venv = venv_factory()
    install_into(venv, wheelhouse, ["gamma", "alpha==1.0"])
    result = run_envtui("upgrade", "--all", "--dry-run", "--venv", str(venv))
    assert result.returncode == 0
    assert "No top-level package is outdated" in result.stdout and "alpha (required by gamma)" in result.stdout
