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

from rich.ansi import AnsiDecoder
from rich.style import Style
from rich.text import Text

from envtui.core.display import keep_sgr, safe_text, web_url

__all__ = ["link", "plain", "safe_text", "sgr_line"]

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
