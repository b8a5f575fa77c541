"""The display boundary: text written by others, made safe to show in a terminal.

Package metadata, service answers, paths, requirements lines, config values and the output of
uv and hooks are written by other people. Shown raw, an escape sequence in them could set the
window title (OSC 0), write the clipboard (OSC 52), clear the screen (CSI 2J), or make one
command look like another. Every face shows such text through this module (the TUI then puts it
in a Rich ``Text``, never markup):

- :func:`safe_text` turns C0 and C1 control characters (the 8-bit CSI U+009B included), DEL,
  the Unicode line separators, bidirectional overrides and undecodable bytes into visible
  escapes (``\\x1b``, ``\\x9b``, ``\\u202e``), so an escape sequence shows as its characters and
  drives nothing. Newline and tab are kept only in a multi-line field. Credentials in URLs are
  masked on the way (:mod:`envtui.core.secrets`).
- :func:`safe_json` is ``--json``: lossless, but every control character (C1 included, which
  ``json.dumps`` leaves raw) escaped as ``\\uXXXX``.
- :func:`output_line` is for uv's output: its colour codes (SGR) are dropped, everything else
  made safe; :func:`keep_sgr` leaves well-formed SGR codes for a face that parses them into
  styles.
- :func:`argv_text` shows an argument list unambiguously (what is reviewed is what runs).
- :func:`web_url` says whether a URL may become a link.

Plain Python with no Rich: the CLI uses it as the TUI does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import urlsplit

from envtui.core.secrets import mask_credentials

# What must never reach a terminal as itself: C0 controls, DEL, C1 controls, the line and
# paragraph separators, bidirectional marks, embeddings, overrides and isolates (they reorder
# what is shown), and lone surrogates (bytes of a path that are not UTF-8).
_CONTROLS = "\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE_LINE = re.compile(f"[\x00-\x1f{_CONTROLS}]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f{_CONTROLS}]")
_UNSAFE_JSON = re.compile(f"[{_CONTROLS}]")  # json.dumps escapes C0 itself
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
#: A Select Graphic Rendition code (colour, bold …): ESC [ params m, or the 8-bit CSI form.
_SGR = re.compile(r"(?:\x1b\[|\x9b)[0-9;:]*m")


def _escape(char: str) -> str:
    short = _SHORT.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\u{code:04x}"


def _escape_match(match: re.Match[str]) -> str:
    return _escape(match.group())


def safe_text(value: object, *, multiline: bool = False) -> str:
    """``value`` as text that cannot drive a terminal, with URL credentials masked.

    ``multiline``: keep newlines and tabs (a traceback, a service's answer); otherwise they
    show as ``\\n`` and ``\\t`` too, so a field cannot forge a line of its own.
    """
    text = value if isinstance(value, str) else str(value)
    text = mask_credentials(text)
    if multiline:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        pattern = _UNSAFE_MULTILINE
    else:
        pattern = _UNSAFE_LINE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape_match, text)


def output_line(line: str) -> str:
    """One line of a program's output (uv, a hook) for a terminal: colour codes dropped, the rest safe."""
    if "\x1b" in line or "\x9b" in line:
        line = _SGR.sub("", line)
    return safe_text(line)


def keep_sgr(line: str) -> str:
    """One line of output with its well-formed SGR codes kept and everything else made safe.

    For a face that parses the codes into styles; no other escape sequence survives.
    """
    if "\x1b" not in line and "\x9b" not in line:
        return safe_text(line)
    pieces: list[str] = []
    start = 0
    for match in _SGR.finditer(line):
        pieces.append(safe_text(line[start : match.start()]))
        pieces.append("\x1b[" + match.group().lstrip("\x1b[\x9b"))
        start = match.end()
    pieces.append(safe_text(line[start:]))
    return "".join(pieces)


def safe_json(value: object, *, indent: int | None = None) -> str:
    """A JSON document that round-trips every string, with no control character left raw.

    ``json.dumps(ensure_ascii=False)`` escapes C0 but writes C1 (U+0080–U+009F, the 8-bit CSI
    among them), DEL and lone surrogates as they are: those become ``\\uXXXX`` here. URL
    credentials are masked.
    """
    # Masking the document's text is masking each string in it: a credential's match never
    # crosses a quote or a backslash, so it stays inside one string and leaves escapes alone.
    text = mask_credentials(json.dumps(value, indent=indent, ensure_ascii=False))
    # ASCII text can hold only DEL of those: both checks run at C speed, a scan of a listing's
    # megabyte with the class would cost ~8 ms.
    if (text.isascii() and "\x7f" not in text) or _UNSAFE_JSON.search(text) is None:
        return text
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _quoted(arg: str) -> str:
    return '"' + safe_text(arg.replace("\\", "\\\\").replace('"', '\\"')) + '"'


def argv_text(argv: Iterable[str]) -> str:
    """An argument list as ``["supervisorctl", "stop", "backend"]``: every argument quoted and made safe.

    Backslashes and quotes are escaped before control characters are, so an argument that
    holds the text ``\\x1b`` reads differently from one that holds the escape character.
    """
    return "[" + ", ".join(_quoted(arg) for arg in argv) + "]"


def web_url(url: str) -> str | None:
    """``url`` when it may become a link: http(s), a host, printable ASCII, no credentials; else None."""
    if not isinstance(url, str) or len(url) > 2048 or not url.isascii() or not url.isprintable() or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    return url


def display_path(path: Path, cwd: Path | None = None) -> str:
    """``path`` relative to the working directory when under it, else with ``~`` for home.

    Not made safe here: callers show it through :func:`safe_text` or the TUI's ``plain``.
    """
    cwd = cwd or Path.cwd()
    try:
        relative = path.resolve().relative_to(cwd.resolve())
        return str(relative) if str(relative) != "." else "."
    except (ValueError, OSError):
        pass
    home = Path.home()
    try:
        return "~/" + str(path.relative_to(home))
    except ValueError:
        return str(path)
