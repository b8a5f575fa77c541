"""Outside text for the screen: always a Rich ``Text`` made through the display boundary, never markup.

A package's summary, a path, a service's answer or uv's output may hold escape sequences or
Rich markup (``[link=…]``, an unbalanced ``[/]``). Every widget that shows such text takes it
from here: :func:`plain` (control characters made visible, credentials masked, no markup),
:func:`link` (a link only to a validated http(s) URL, showing that very URL) and
:func:`sgr_line` (uv's colours parsed into styles; no other escape survives). A plain string
handed to Textual where it expects markup (a border title, a notification, a tooltip) would be
parsed; a ``Text`` never is.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Text

from envtui.core.display import keep_sgr, safe_text, web_url
from envtui.core.env.changes import Change
from envtui.ui import glyphs

__all__ = ["change_lines", "link", "plain", "safe_text", "sgr_line", "short_time"]

_DECODER = AnsiDecoder()


def plain(value: object, *, multiline: bool = False, style: str | Style = "", **options: object) -> Text:
    """``value`` as a ``Text`` that shows every character literally (see :func:`safe_text`)."""
    return Text(safe_text(value, multiline=multiline), style=style, **options)  # type: ignore[arg-type]


def link(url: str, *, style: str | Style = "") -> Text:
    """``url`` shown as itself, and clickable only when it is a plain http(s) URL (the link goes where it says)."""
    target = web_url(url)
    if target is None:
        return plain(url, style=style)
    return Text(target, style=Style.parse(style) + Style(link=target) if style else Style(link=target))


def sgr_line(line: str) -> Text:
    """One line of a program's output: its SGR colour codes as styles, everything else made safe.

    Only well-formed ``ESC [ … m`` codes reach the decoder; any other escape sequence (a title,
    the clipboard, a hyperlink) has already become visible text.
    """
    prepared = keep_sgr(line)
    if "\x1b" not in prepared:
        return Text(prepared)
    return _DECODER.decode_line(prepared)


def change_lines(changes: Sequence[Change], variables: Mapping[str, str]) -> Text:
    """Changes as coloured lines, one each: ``+`` added, ``-`` removed, ``~`` changed (old → new)
    or reinstalled, in the theme's ``variables`` colours (a change dialog, a snapshot's
    difference). Names and versions come from disk and uv: they pass the boundary."""
    colours = {
        "added": variables.get("success", "green"),
        "removed": variables.get("error", "red"),
        "changed": variables.get("warning", "yellow"),
        "reinstalled": variables.get("warning", "yellow"),
    }
    arrow = glyphs.arrow()  # "->" where the terminal's font has no arrow (the Linux console)
    text = Text()
    for change in changes:
        if change.kind == "added":
            line = f"+ {change.name} {change.new}"
        elif change.kind == "removed":
            line = f"- {change.name} {change.old}"
        elif change.kind == "reinstalled":
            line = f"~ {change.name} {change.new} (reinstalled)"
        else:
            line = f"~ {change.name} {change.old} {arrow} {change.new}"
        text.append_text(plain(line, style=colours[change.kind]))
        text.append("\n")
    text.rstrip()
    return text


def short_time(moment: float) -> str:
    """A time in a narrow column (a job's start, a snapshot's): the time alone today, the date and
    minute before."""
    local = time.localtime(moment)
    if time.strftime("%Y-%m-%d", local) == time.strftime("%Y-%m-%d"):
        return time.strftime("%H:%M:%S", local)
    return time.strftime("%m-%d %H:%M", local)
