"""A service's health answer, asked for and read within bounds.

The answer is written by whoever runs the service (or whoever took its port): it may be huge,
nested deeper than Python can parse, or full of escape sequences. Each of those fails the
service's check and nothing else: the body is read up to :data:`BODY_LIMIT` bytes (more is a
failed check, not a cut-off document), JSON is parsed with a nesting cap
(:func:`~envtui.core.inputs.loads_json`), and values quoted into a detail are kept short.
Credentials in a service URL go into an ``Authorization`` header, never into the request line,
so no error message can echo them.
"""

from __future__ import annotations

import base64
import urllib.parse
import urllib.request
from typing import IO, Any

from envtui.core.inputs import MAX_JSON_DEPTH, TooDeep, loads_json

#: Most bytes of an answer read.
BODY_LIMIT = 1 << 20
#: Most characters of an answer's value quoted into a finding's detail.
QUOTE_LIMIT = 80
#: Most characters of the answer kept as a finding's longer detail.
LONG_LIMIT = 2000

__all__ = ["BODY_LIMIT", "AnswerTooLarge", "TooDeep", "parse", "quoted", "read_body", "request"]


class AnswerTooLarge(ValueError):
    """The body is longer than BODY_LIMIT."""


def request(url: str, headers: dict[str, str]) -> urllib.request.Request:
    """A GET request for ``url``; ``user:password@`` in it becomes a Basic ``Authorization`` header."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return urllib.request.Request(url, headers=headers)
    try:
        port = parts.port
    except ValueError:  # not a port: without the credentials, urllib says so itself
        port = None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{port}" if port is not None else "")
    plain = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
    user = urllib.parse.unquote(parts.username or "")
    password = urllib.parse.unquote(parts.password or "")
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return urllib.request.Request(plain, headers={**headers, "Authorization": f"Basic {token}"})


def read_body(response: IO[bytes]) -> bytes:
    """The body, at most BODY_LIMIT bytes; AnswerTooLarge when there is more."""
    body = response.read(BODY_LIMIT + 1)
    if len(body) > BODY_LIMIT:
        raise AnswerTooLarge(f"the answer is larger than {BODY_LIMIT >> 20} MiB")
    return body


def parse(text: str) -> Any:
    """The JSON in an answer; TooDeep ("answer too deep") or ValueError when it is not sound JSON."""
    return loads_json(text, max_depth=MAX_JSON_DEPTH)


def quoted(value: Any) -> str:
    """A value from an answer for a one-line detail: its repr, cut to QUOTE_LIMIT characters."""
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"


def excerpt(text: str, lines: int = 10) -> str:
    """The end of an answer as a finding's longer detail: at most ``lines`` lines, LONG_LIMIT characters."""
    tail = "\n".join(text.rstrip().splitlines()[-lines:])
    return tail if len(tail) <= LONG_LIMIT else "…" + tail[-LONG_LIMIT:]
