"""End to end in tmux: on the Linux console (TERM=linux) envtui draws only VGA-safe glyphs, and the
borders of panes without focus are visible (a colour apart from the background), there and elsewhere."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from tests.test_e2e_tmux import envtui_command, pytestmark, terminal  # noqa: F401  (the fixture)

pytestmark = pytestmark  # tmux tests, skipped without tmux

#: Glyphs the Linux console's VGA font does not have.
NOT_VGA = "╭╮╰╯⏎●🔎⚠▸▾━┏┓▔▁"


def _border_colours(term, row: int) -> tuple[str, str]:
    """The SGR parameters in force at the first box-drawing character of a screen row (fg, bg)."""
    line = term.tmux("capture-pane", "-e", "-p", "-t", term.session).stdout.splitlines()[row]
    fg, bg = "39", "49"
    for match in re.finditer(r"\x1b\[([0-9;]*)m|([│┌└─╭╰|+])", line):
        if match.group(2):
            return fg, bg
        codes = [c for c in match.group(1).split(";") if c] or ["0"]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == "0":
                fg, bg = "39", "49"
            elif code in ("38", "48"):
                value = ";".join(codes[i : i + (5 if codes[i + 1] == "2" else 3)])
                i += 4 if codes[i + 1] == "2" else 2
                fg, bg = (value, bg) if code == "38" else (fg, value)
            elif 30 <= int(code) <= 37 or 90 <= int(code) <= 97 or code == "39":
                fg = code
            elif 40 <= int(code) <= 47 or 100 <= int(code) <= 107 or code == "49":
                bg = code
            i += 1
    pytest.fail(f"no border on row {row}: {line!r}")


def _rgb(sgr: str, *, background: bool) -> tuple[int, int, int]:
    """The colour an SGR colour parameter names, in the standard palettes (the defaults: white on black)."""
    from rich.color import Color

    codes = [int(c) for c in sgr.split(";")]
    if codes[0] in (38, 48):
        color = Color.from_rgb(*codes[2:5]) if codes[1] == 2 else Color.from_ansi(codes[2])
    elif codes[0] in (39, 49):
        return (0, 0, 0) if background else (229, 229, 229)
    else:
        base = codes[0] % 10 + (8 if codes[0] >= 90 else 0)
        color = Color.from_ansi(base)
    triplet = color.get_truecolor()
    return triplet.red, triplet.green, triplet.blue


def _apart(one: tuple[int, int, int], other: tuple[int, int, int]) -> int:
    return max(abs(a - b) for a, b in zip(one, other, strict=True))


@pytest.mark.parametrize("term_env", ["TERM=linux", "TERM=xterm-256color"])
def test_console_glyphs_and_visible_unfocused_borders(env_path: Path, tmp_path: Path, terminal, term_env) -> None:  # noqa: F811
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env {term_env} {envtui_command()} {shlex.quote(str(env_path))}; sleep 30"
    )
    term = terminal(command, width=80, height=24)
    text = term.wait_for("─ 4 packages")
    # The Environments pane (row 1) has no focus: its border must not vanish into the background.
    fg, bg = _border_colours(term, 1)
    assert fg not in (bg, "30" if bg in ("40", "49") else ""), (fg, bg)
    # Apart enough to see, not one grey step (233 on 234) from the background.
    assert _apart(_rgb(fg, background=False), _rgb(bg, background=True)) >= 40, (fg, bg)
    if term_env == "TERM=linux":
        term.keys("C-p")
        text = term.wait_for("Search for commands")
        assert not any(glyph in text for glyph in NOT_VGA), text
        term.keys("Escape")
        term.wait_for(lambda t: "Search for commands" not in t)
        term.keys("i")
        text = term.wait_for("Requirement specs")
        assert not any(glyph in text for glyph in NOT_VGA), text
        assert "╔" in text  # the prompt's border: double lines, which the VGA font has
    else:
        assert "╭" in text  # rounded corners where the font has them
    term.keys("Escape")
    term.keys("q")


#: What the console's VGA font draws: ASCII and the upper half of code page 437.
VGA = {chr(c) for c in range(32, 127)} | set(bytes(range(128, 256)).decode("cp437"))


def _outside_the_font(text: str) -> set[str]:
    return {glyph for glyph in text if glyph not in VGA and glyph != "\n"}


def test_every_screen_on_the_console_is_drawn_with_the_vga_font(
    venv_factory,
    wheelhouse: Path,
    tmp_path: Path,
    terminal,  # noqa: F811
) -> None:
    from tests.factory import build_wheel, install_into
    from tests.test_ui_details import _many_extras

    extra = tmp_path / "extra"
    build_wheel(extra, _many_extras())  # enough details to scroll at 80x24
    venv = venv_factory(["gamma"])
    install_into(venv, wheelhouse, ["extra-heavy"], "--find-links", str(extra))
    command = (
        f"cd {shlex.quote(str(tmp_path))} && env TERM=linux UV_OFFLINE=1 {envtui_command()} "
        f"{shlex.quote(str(venv))}; sleep 30"
    )
    term = terminal(command, width=80, height=24)
    seen = {"the table": term.wait_for("─ 4 packages")}
    term.keys("Down", "Down", "Enter")  # alpha, beta, extra-heavy
    seen["the details, scrolled"] = term.wait_for("Extras (4)")
    term.keys("Escape")
    term.wait_for(lambda t: "Extras (4)" not in t)
    term.keys("?")
    seen["the help"] = term.wait_for("Keys · escape to close")
    term.keys("Escape")  # apart from the next key: Escape then o would read as one key, Alt+o
    term.wait_for(lambda t: "Keys · escape" not in t)
    term.keys("o")
    seen["a notice"] = term.wait_for("Asking the index for newer versions")
    for key, name, marker in (("J", "Jobs", "No jobs yet"), ("H", "Health", "interpreter"), ("S", "Snapshots", "ID")):
        term.keys(key)
        seen[name] = term.wait_for(marker)
    for name, text in seen.items():
        assert not _outside_the_font(text), f"{name}: {_outside_the_font(text)}\n{text}"
    term.keys("q")
