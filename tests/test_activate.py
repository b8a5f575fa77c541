"""A shell in the environment: the variables activate would set, a prompt naming it; the palette offers it."""

from __future__ import annotations

import os
from pathlib import Path

from envtui.core.env.activate import activated, prompt_name, shell_session
from envtui.core.env.environment import resolve_environment
from envtui.ui.commands import screen_actions
from envtui.ui.screens.prompt import PromptScreen
from tests.test_jobs_ui import until
from tests.ui_support import make_app, screen_text, settle


def test_activated_puts_the_venv_first_and_drops_another_active_one(env_path: Path, tmp_path: Path) -> None:
    env = resolve_environment(env_path)
    other = tmp_path / "other-venv"
    result = activated(env, {"PATH": f"{other}/bin:/usr/bin:/bin", "VIRTUAL_ENV": str(other), "PYTHONHOME": "/x"})
    assert result["PATH"].split(os.pathsep) == [str(env_path / "bin"), "/usr/bin", "/bin"]
    assert result["VIRTUAL_ENV"] == str(env_path) and "PYTHONHOME" not in result


def test_prompt_names_the_environment_safely(env_path: Path, tmp_path: Path) -> None:
    env = resolve_environment(env_path)
    assert prompt_name(env, cwd=env_path.parent) == "env"
    session = shell_session(env, {"SHELL": "/bin/bash", "PATH": "/bin", "HOME": str(tmp_path)}, cwd=env_path.parent)
    try:
        assert session.argv[:2] == ["/bin/bash", "--rcfile"]
        rc = Path(session.argv[2]).read_text()
        assert ". ~/.bashrc" in rc and "PS1='(envtui: env) '\"$PS1\"" in rc
    finally:
        session.cleanup()
    assert not Path(session.argv[2]).exists()
    plain = shell_session(env, {"SHELL": "/bin/dash", "PATH": "/bin"}, cwd=env_path.parent)
    assert plain.environ["PS1"] == "(envtui: env) $ " and plain.argv == ["/bin/dash", "-i"]


async def test_palette_offers_the_shell_and_export(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        titles = {a.title: a.keys for a in screen_actions(app.screen)}
        assert titles["Run a command in this environment"] == "!"
        assert titles["Export as a pinned requirements file"] == ""


async def test_export_from_the_tui_writes_a_file_and_never_replaces_one(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"export as")  # from the palette, as a user finds it
        await until(pilot, lambda: "Export as a pinned requirements file" in screen_text(app))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("enter")  # the name offered: requirements-pinned.txt, here
        await settle(pilot)
        written = Path("requirements-pinned.txt").read_text()
        assert [line for line in written.splitlines() if not line.startswith("#")] == [
            "alpha==2.0",
            "beta==1.1",
            "boom==1.0",
            "gamma==1.0",
        ]
        assert any("4 pins written" in n.message for n in app._notifications)
        Path("requirements-pinned.txt").write_text("mine\n")
        await app.run_action("export")
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press("enter")
        await until(pilot, lambda: any("exists" in n.message for n in app._notifications))
        await until(pilot, lambda: isinstance(app.screen, PromptScreen))  # asked again, with the name kept
        assert app.screen.query_one("#prompt-input").value == "requirements-pinned.txt"
    assert Path("requirements-pinned.txt").read_text() == "mine\n"
