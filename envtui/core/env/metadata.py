"""Reading a distribution's metadata files: fast, because a listing reads thousands of them.

Headers are parsed by hand (not with ``email``), files are read with plain ``os.open`` and
``os.read``, and a METADATA file is read only up to the end of its header (a long description
is never read).
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def _header_end(text: str) -> int:
    """Where the header of a metadata file ends (the first blank line), or -1."""
    end = text.find("\n\n")
    crlf = text.find("\r\n\r\n")
    return crlf if crlf >= 0 and (end < 0 or crlf < end) else end


def parse_metadata(text: str) -> dict[str, list[str]]:
    """Header fields of a METADATA / PKG-INFO file, lower-cased keys, repeated fields kept."""
    end = _header_end(text)
    head = text if end < 0 else text[:end]
    if "\r" in head:
        head = head.replace("\r\n", "\n")
    fields: dict[str, list[str]] = {}
    last: list[str] | None = None
    for line in head.split("\n"):
        lead = line[:1]
        if lead == " " or lead == "\t":
            if last:
                last[-1] += "\n" + line.strip()
            continue
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key = key.lower()
        if key[-1:].isspace():
            key = key.rstrip()
        last = fields.get(key)
        if last is None:
            last = fields[key] = []
        last.append(value.strip())
    return fields


def first(fields: Mapping[str, list[str]], key: str) -> str:
    """A field's first value, or ``""``."""
    values = fields.get(key)
    return values[0] if values else ""


def license_of(fields: Mapping[str, list[str]]) -> str:
    """The license in a few words: the SPDX expression, a short License field, or the classifier."""
    expression = first(fields, "license-expression")
    if expression:
        return expression
    text = first(fields, "license")
    if text and "\n" not in text and len(text) <= 60 and text.upper() != "UNKNOWN":
        return text
    for classifier in fields.get("classifier", ()):
        if classifier.startswith("License ::"):
            return classifier.rsplit(" :: ", 1)[-1]
    return text.split("\n", 1)[0][:60] if text and text.upper() != "UNKNOWN" else ""


def homepage(fields: Mapping[str, list[str]]) -> str:
    """The project's home page: Home-page, else the Project-URL most like one."""
    home = first(fields, "home-page")
    if home and home.upper() != "UNKNOWN":
        return home
    urls = fields.get("project-url", [])
    for preferred in ("homepage", "home", "source", "repository", "documentation"):
        for entry in urls:
            label, _, url = entry.partition(",")
            if label.strip().lower() == preferred:
                return url.strip()
    return urls[0].partition(",")[2].strip() if urls else ""


#: How much of a metadata file is read at first: its header is almost always within it.
_CHUNK = 65536


def read_text(path: str | os.PathLike[str], *, header_only: bool = False) -> str | None:
    """A small file's text (None when it cannot be read); with ``header_only``, reading stops
    once the metadata header is complete, so a long description is not read at all.

    Plain ``os.open``/``os.read``: at 10,000 packages a buffered file object per read shows.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        data = os.read(fd, _CHUNK)
        if len(data) == _CHUNK:
            chunks = [data]
            while chunks[-1] and not (header_only and (b"\n\n" in chunks[-1] or b"\r\n\r\n" in chunks[-1])):
                chunks.append(os.read(fd, _CHUNK * 16))
            data = b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data.decode("utf-8", "replace")
