"""On the Linux console every glyph envtui writes is one the VGA font has, in the cells Textual laid out."""

from __future__ import annotations

from rich.cells import cell_len

from envtui.ui.console_output import STAND_INS, vga_safe

VGA = {chr(c) for c in range(32, 127)} | set(bytes(range(128, 256)).decode("cp437"))


def test_what_the_font_has_passes_untouched_escape_sequences_too() -> None:
    frame = "\x1b[1;97;40m┌─ Package ─┐\x1b[0m│ café · 50° ▄█ ═║╔ │\x1b[24;1H"
    assert vga_safe(frame) == frame


def test_every_other_glyph_gets_a_stand_in_as_wide_as_it() -> None:
    text = "╭─ loading… ● env → 2.0 ⚠ ⏎ ▸ extras ▂▆▊ 🔎 漢 ⠋ e\u0301\u200b ╯"
    safe = vga_safe(text)
    assert safe == "┌─ loading~ * env > 2.0 ! < + extras ▄▄▌ ?  ?  ? e ┘"
    assert cell_len(safe) == cell_len(text)
    assert set(safe) <= VGA


def test_the_stand_ins_are_in_the_font_and_one_cell_each() -> None:
    for glyph, stand_in in STAND_INS.items():
        assert stand_in in VGA, glyph
        assert cell_len(stand_in) == cell_len(glyph) == 1, glyph
