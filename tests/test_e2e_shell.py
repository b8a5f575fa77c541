"""End to end in tmux: ``!`` (or the palette's "Run a command in this environment") opens the user's
shell inside the environment; back in envtui, it relists."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from tests.factory import uv_bin
from tests.test_e2e_tmux import envtui_command, pytestmark, terminal  # noqa: F401  (the fixture)

pytestmark = pytestmark  # tmux tests, skipped without tmux


@pytest.mark.parametrize(("shell", "opener"), [("/bin/bash", "!"), ("/bin/sh", "palette")])
def test_bang_opens_a_shell_in_the_environment_and_comes_back(
    venv_factory,
    wheelhouse: Path,
    tmp_path: Path,
    terminal,  # noqa: F811  (the fixture imported above)
    shell: str,
    opener: str,
) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0"], name="proj/.venv")
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("PS1='user-prompt$ '\n")
    command = (
        f"cd {shlex.quote(str(tmp_path / 'proj'))} && env HOME={shlex.quote(str(home))} SHELL={shell} "
        f"UV_OFFLINE=1 {envtui_command()}; sleep 30"
    )
    term = terminal(command, width=100, height=30)
    term.wait_for("─ 2 packages")
    if opener == "palette":
        term.keys("C-p")
        term.wait_for("Search for commands")
        term.keys("-l", "Run a command")
        term.wait_for(lambda t: "Run a command in this environment" in t and "Search for commands" not in t)
        term.keys("Enter")
    else:
        term.keys("!")
    # In the shell, long paths wrap with the terminal's width: read its lines joined back.
    term.wait_for(f"envtui: a shell in {venv}", joined=True)
    prompt = "(envtui: .venv) " + ("user-prompt$" if shell.endswith("bash") else "$")
    term.wait_for(prompt)
    term.keys("-l", 'echo "VE=$VIRTUAL_ENV"; command -v python\n')
    text = term.wait_for(f"{venv}/bin/python", joined=True)
    assert f"VE={venv}" in text
    install = f"{uv_bin()} pip install --quiet --find-links {wheelhouse} delta"
    term.keys("-l", install + "\n")
    term.wait_for(lambda t: t.rstrip().endswith(prompt.rstrip()) and "delta" in t)
    term.keys("-l", "exit\n")
    text = term.wait_for(lambda t: "─ 3 packages" in t and "delta" in t)  # back in envtui, listed again
    term.wait_for("Back from the shell")
    term.keys("q")
