"""End to end in tmux: browsing the hostile corpus changes neither the pane's title nor the paste buffer.

tmux obeys what reaches it: OSC 0/2 set the pane title and, with ``set-clipboard on``, OSC 52
creates a paste buffer. A control run proves that these sequences do take effect in this
tmux; then envtui is opened on the hostile venv and project (service answers, hooks,
categories, paths) and every row and view is visited, and both must be as they were.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile import CLIP, SECRET, TITLE, World, hostile_world
from tests.test_e2e_tmux import Terminal, envtui_command

pytestmark = [
    pytest.mark.tmux,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Iterator[World]:
    """The hostile corpus, built once for this module."""
    os.environ.setdefault("UV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "uv-cache"))
    with hostile_world(tmp_path_factory.mktemp("hostile-tmux"), wheelhouse) as built:
        yield built


class Server:
    """A private tmux server that obeys title and clipboard sequences (``set-clipboard on``)."""

    def __init__(self, directory: Path) -> None:
        self.socket = f"envtui-hostile-{uuid.uuid4().hex[:8]}"
        self.conf = directory / "tmux.conf"
        self.conf.write_text("set -g set-clipboard on\nset -g allow-rename on\n")

    def start(self, command: str, width: int = 120, height: int = 40) -> Terminal:
        """A session running ``command``."""
        session = f"s{uuid.uuid4().hex[:6]}"
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        result = subprocess.run(
            [
                *("tmux", "-L", self.socket, "-f", str(self.conf), "new-session", "-d", "-s", session),
                *("-x", str(width), "-y", str(height), command),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        return Terminal(self.socket, session)

    def title(self, term: Terminal) -> str:
        """The pane's title as tmux keeps it."""
        return term.tmux("display-message", "-p", "-t", term.session, "#{pane_title}").stdout.strip()

    def buffers(self, term: Terminal) -> str:
        """Every paste buffer's content."""
        names = term.tmux("list-buffers", "-F", "#{buffer_name}").stdout.split()
        return "".join(term.tmux("show-buffer", "-b", name).stdout for name in names)

    def kill(self) -> None:
        """Stop the server."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """A tmux server for one test, killed afterwards."""
    made = Server(tmp_path)
    yield made
    made.kill()


def test_this_tmux_obeys_the_attacks_the_corpus_makes(server: Server, tmp_path: Path) -> None:
    """The control: printed raw, the corpus's sequences do set the title and write a buffer."""
    from tests.hostile import HOSTILE_STRINGS

    script = tmp_path / "attack.txt"
    script.write_text(HOSTILE_STRINGS[0] + "\n" + HOSTILE_STRINGS[2] + "\n", encoding="utf-8")
    term = server.start(f"cat {shlex.quote(str(script))}; sleep 30")
    deadline = time.monotonic() + 10
    while (server.title(term) != TITLE or CLIP not in server.buffers(term)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.title(term) == TITLE
    assert CLIP in server.buffers(term)


def test_browsing_every_row_and_view_leaves_title_and_buffer_alone(
    world: World, server: Server, tmp_path: Path
) -> None:
    exit_file = tmp_path / "exit-code"
    command = (
        f"cd {shlex.quote(str(world.project))} && {envtui_command()}; echo $? > {shlex.quote(str(exit_file))}; sleep 30"
    )
    term = server.start(command)
    title = server.title(term)
    assert title != TITLE
    term.wait_for("15 packages", timeout=60)
    term.wait_for(lambda text: "health" in text and "checking…" not in text, timeout=60)
    seen = term.screen()

    def step(*keys: str) -> None:
        nonlocal seen
        term.keys(*keys)
        time.sleep(0.15)
        seen += term.screen()
        assert server.title(term) == title, f"the pane title changed after {keys}"

    step("d")  # details on: every row's summary, license, homepage and location show there
    for _ in range(16):
        step("j")
    step("G")
    step("g")
    step("H")  # Health: every check, with its detail under the table
    term.wait_for("answer too deep", timeout=30)
    step("tab")
    for _ in range(14):
        step("j")
    step("J")  # Jobs
    step("e")  # the environment list (a hostile path)
    for _ in range(14):
        step("j")  # down the views list, into the configuration's hostile category
        step("enter")
    step("l")  # the job log
    step("l")
    term.keys("q")
    deadline = time.monotonic() + 20
    while not exit_file.exists() or not exit_file.read_text().strip():
        if time.monotonic() > deadline:
            pytest.fail(f"envtui did not quit; the screen:\n{term.screen()}")
        time.sleep(0.05)
    assert exit_file.read_text().strip() == "0"
    assert server.title(term) == title
    assert server.buffers(term) == ""  # no paste buffer was written
    assert f"\\x1b]0;{TITLE}\\x07" in seen  # the text itself was shown, literally
    assert "answer too deep" in seen
    assert SECRET not in seen
