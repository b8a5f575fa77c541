"""Reading what others wrote, within bounds: files that are regular and not too big, JSON not too deep.

A requirements file can include ``/dev/zero`` (endless) or a FIFO (a read that never returns);
a service can answer with JSON nested deeper than Python's recursion limit. Each such input
must fail its own check, at once, and never take envtui down. So:

- :func:`read_text` opens without blocking, refuses anything but a regular file, and reads at
  most ``limit`` bytes (a larger file is refused, not cut);
- :func:`loads_json` measures the nesting before parsing and refuses a document deeper than
  ``max_depth`` ("answer too deep").
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from envtui.core.errors import UsageError

#: Largest requirements or configuration file read (bytes).
MAX_FILE_BYTES = 8 << 20
#: Deepest JSON nesting parsed.
MAX_JSON_DEPTH = 64

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class InputRefused(UsageError):
    """An input that is not what it must be (not a regular file, too big, too deep): exit 2."""


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES, what: str = "file") -> bytes:
    """A regular file's bytes, at most ``limit`` of them; InputRefused (or UsageError) otherwise."""
    file = Path(path)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not block the open
    except OSError as exc:
        raise UsageError(f"cannot read {what} {file}", cause=exc.strerror or str(exc)) from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputRefused(f"cannot read {what} {file}", cause=f"it is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise InputRefused(f"cannot read {what} {file}", cause=f"it is larger than {_size(limit)}")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:  # it grew while being read
            raise InputRefused(f"cannot read {what} {file}", cause=f"it is larger than {_size(limit)}")
        return b"".join(chunks)
    except OSError as exc:
        raise UsageError(f"cannot read {what} {file}", cause=exc.strerror or str(exc)) from exc
    finally:
        os.close(fd)


def read_text(path: str | os.PathLike[str], *, limit: int = MAX_FILE_BYTES, what: str = "file") -> str:
    """:func:`read_bytes` decoded as UTF-8 (a file that is not is a UsageError)."""
    data = read_bytes(path, limit=limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"cannot read {what} {Path(path)}", cause="not UTF-8 text") from exc


def _size(limit: int) -> str:
    return f"{limit >> 20} MiB" if limit >= 1 << 20 else f"{limit} bytes"


class TooDeep(ValueError):
    """A JSON document nested deeper than the cap."""


# A JSON string (escapes included); the bytes that are not brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")


def json_depth_exceeds(text: str, max_depth: int = MAX_JSON_DEPTH) -> bool:
    """Whether ``text`` nests arrays and objects deeper than ``max_depth``.

    No recursion and no loop per character: strings are cut out, the brackets kept, and
    innermost pairs removed one level per pass, at most ``max_depth`` passes.
    """
    if "[" not in text and "{" not in text:
        return False
    brackets = _STRING.sub("", text).encode("utf-8", "surrogatepass").translate(None, _NOT_BRACKETS)
    if len(brackets) <= 2 * max_depth:
        return False
    for _ in range(max_depth):
        if not brackets:
            return False
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if shorter == brackets:  # unbalanced: the parser will say where
            return False
        brackets = shorter
    return bool(brackets)


def loads_json(text: str | bytes, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``json.loads`` that refuses a document nested deeper than ``max_depth`` (TooDeep) instead of recursing."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    if json_depth_exceeds(text, max_depth):
        raise TooDeep(f"nested more than {max_depth} levels deep")
    try:
        return json.loads(text)
    except RecursionError as exc:  # unbalanced and deep: the scan above could not measure it
        raise TooDeep(f"nested more than {max_depth} levels deep") from exc
