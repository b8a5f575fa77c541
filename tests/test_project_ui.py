"""The TUI in a uv project (Pilot, real uv): the header, where an install goes, the pip way warned."""

from __future__ import annotations

from envtui.core.project.manifest import Section, read_manifest
from envtui.ui.screens.confirm import ConfirmChangeScreen
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.screens.section import SectionScreen
from tests.factory import run_uv
from tests.test_jobs_engine import freeze
from tests.test_jobs_ui import SIZE, _confirm_dialog, finished, until
from tests.ui_support import make_app, screen_text, settle


async def test_the_header_names_the_project_and_its_lock(project_factory, venv_factory) -> None:
    app = make_app(project_factory(["alpha==1.0"]) / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "project proj · uv.lock" in screen_text(app).splitlines()[0]
    app = make_app(venv_factory(["alpha==1.0"]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "project" not in screen_text(app).splitlines()[0]


async def test_a_long_path_gives_way_to_the_project_in_the_header_at_80_columns(project_factory) -> None:
    path = project_factory(["alpha==1.0"], dirname="a-directory-name-long-enough-to-fill-the-header-by-itself" * 2)
    app = make_app(path / ".venv")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert "…" in header and "/.venv · project proj · uv.lock" in header and "1 package" in header


async def test_install_asks_where_and_goes_into_the_dev_group(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    app = make_app(path / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"boom", "enter")
        await until(pilot, lambda: isinstance(app.screen, SectionScreen))
        assert "Add boom to project proj as…" in screen_text(app)
        await pilot.press("d")
        await _confirm_dialog(pilot)
        text = screen_text(app)
        assert "install boom --dev?" in text
        assert "+ boom>=1.0 (dev group)" in text and "+ boom 1.0" in text
        assert "pyproject.toml" in text and "uv.lock" in text
        await pilot.press("enter")
        job = screen.jobs_engine.jobs[-1]
        await finished(pilot, job)
        await until(pilot, lambda: screen.inventory is not None and "boom" in screen.inventory.packages)
    assert read_manifest(path / "pyproject.toml").sections_of("boom") == [Section.dev()]
    assert run_uv(path, wheelhouse, "sync").returncode == 0
    assert "boom==1.0" in freeze(path / ".venv"), "a later uv sync keeps it"


async def test_install_into_a_named_group(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    app = make_app(path / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"clash", "enter")
        await until(pilot, lambda: isinstance(app.screen, SectionScreen))
        await pilot.press("g")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"lint", "enter")
        await _confirm_dialog(pilot)
        assert "+ clash>=1.0 (group lint)" in screen_text(app)
        assert "a plain uv sync leaves out the group lint" in screen_text(app)
        assert app.focused is not None and app.focused.id == "confirm-cancel"  # a warning: a reflex Enter cancels
        await pilot.press("y")
        await finished(pilot, screen.jobs_engine.jobs[-1])
    assert read_manifest(path / "pyproject.toml").sections_of("clash") == [Section.group("lint")]


async def test_the_pip_way_is_confirmed_with_a_warning(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    before = (path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes()
    app = make_app(path / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("i", *"delta", "enter")
        await until(pilot, lambda: isinstance(app.screen, SectionScreen))
        await pilot.press("p")
        dialog = await _confirm_dialog(pilot)
        assert isinstance(dialog, ConfirmChangeScreen)
        text = screen_text(app)
        assert "uv sync will undo this" in text and "+ delta 1.0" in text
        assert dialog.request.project is None
        assert app.focused is not None and app.focused.id == "confirm-cancel"  # a warning: a reflex Enter cancels
        await pilot.press("y")  # run it on purpose
        await finished(pilot, screen.jobs_engine.jobs[-1])
    assert "delta==1.0" in freeze(path / ".venv")
    assert ((path / "pyproject.toml").read_bytes(), (path / "uv.lock").read_bytes()) == before


async def test_uninstall_and_sync_keys_go_through_the_project(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma", "boom"])
    app = make_app(path / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("boom")
        await pilot.press("x")
        dialog = await _confirm_dialog(pilot)
        assert dialog.request.project is not None and dialog.request.kind == "uninstall"
        assert "- boom>=1.0 (dependencies)" in screen_text(app)
        await pilot.press("enter")
        await finished(pilot, screen.jobs_engine.jobs[-1])
        await until(pilot, lambda: screen.inventory is not None and "boom" not in screen.inventory.packages)
        await pilot.press("y")
        dialog = await _confirm_dialog(pilot)
        assert dialog.request.describe() == "sync" and dialog.request.project is not None
        assert dialog.preview.environment_unchanged
        assert dialog._changes_text().plain.endswith("environment\nunchanged")
        await pilot.press("escape")
    assert read_manifest(path / "pyproject.toml").sections_of("boom") == []


async def test_the_uninstall_dialog_warns_what_uv_remove_takes_and_focuses_cancel(project_factory, wheelhouse) -> None:
    from tests.factory import install_into

    # delta: not in the lock; clash: locked for Windows only; both installed the pip way
    path = project_factory(["gamma", "boom", "clash; sys_platform == 'win32'"], package=True)
    install_into(path / ".venv", wheelhouse, ["delta", "clash"])
    app = make_app(path / ".venv")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("boom")
        await pilot.press("x")
        await _confirm_dialog(pilot)
        text = screen_text(app)
        assert "uv remove also syncs the environment exactly" in text and "delta" in text and "clash" in text
        assert "required by proj" not in text, "the project is not its own dependent"
        assert app.focused is not None and app.focused.id == "confirm-cancel"
        await pilot.press("escape")
