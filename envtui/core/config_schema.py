"""The schema language of the configuration, and its one validator.

A field of the configuration's dataclasses (``envtui.core.config``) is read from the file when
its metadata names a key (:func:`setting`): the key's name and the :class:`Kind` of value it
takes. :class:`Checker` reads a table into the fields of its dataclass, collecting every
problem (an unknown key, a wrong type, a missing required key) with the file, the line when
known and the key, so the user fixes them in one pass.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, fields
from enum import Enum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from envtui.core.errors import UsageError

_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


class Kind(Enum):
    """The kinds of value a key takes; each has one reader in ``Checker``."""

    TEXT = "text"
    PATH = "path"
    PATHS = "paths"
    MODULES = "modules"
    SECONDS = "seconds"
    SECONDS_OR_ZERO = "seconds_or_zero"
    COUNT = "count"
    COMMANDS = "commands"
    HTTP_URL = "http_url"
    TABLE = "table"
    SERVICES = "services"
    CATEGORIES = "categories"


@dataclass(frozen=True)
class Key:
    """How a field is written in the file."""

    name: str
    """The key in the file."""
    kind: Kind
    required: bool = False
    table: type | None = None
    """For a ``TABLE``: the dataclass of the table; for ``SERVICES``: the dataclass of each entry."""


KEY = "envtui.config.key"


def setting(name: str, kind: Kind, *, required: bool = False, table: type | None = None) -> dict[str, Key]:
    """Field metadata: the field is read from key ``name`` of the file, as a ``kind``."""
    return {KEY: Key(name, kind, required, table)}


@cache
def _fields(cls: type) -> tuple[tuple[tuple[str, Key], ...], tuple[str, ...]]:
    """A dataclass's fields read from the file, with their keys, and the keys allowed in its table."""
    keys = tuple((f.name, f.metadata[KEY]) for f in fields(cls) if KEY in f.metadata)
    return keys, tuple(key.name for _, key in keys)


_BAD: Any = object()
"""What a reader returns for a value it reported as a problem (the field keeps its default)."""


class Checker:
    """The validator: reads a table into the fields of its dataclass, collecting every problem in
    the file so the user fixes them in one pass."""

    def __init__(self, file: Path, text: str, table: str) -> None:
        self.file = file
        self.base = file.parent
        self.lines = text.splitlines()
        self.table = table
        self.problems: list[tuple[int | None, str]] = []
        """(line or None, \"key: message\")."""

    def key(self, *parts: str | int) -> str:
        """A dotted key as the user would write it, e.g. ``tool.envtui.services[2].timeout``."""
        out = self.table
        for part in parts:
            if isinstance(part, int):
                out += f"[{part + 1}]"
            else:
                out = f"{out}.{part}" if out else part
        return out

    def line_of(self, name: str) -> int | None:
        """The line assigning ``name``, when exactly one line does (a guess is worse than none)."""
        pattern = re.compile(rf"^\s*(?:{re.escape(name)}|\"{re.escape(name)}\"|'{re.escape(name)}')\s*=")
        found = [number for number, line in enumerate(self.lines, 1) if pattern.match(line)]
        return found[0] if len(found) == 1 else None

    def problem(self, key: str, message: str, *, line_key: str | None = None) -> None:
        """Note one problem with ``key``; ``line_key`` finds its line."""
        line = self.line_of(line_key) if line_key else None
        self.problems.append((line, f"{key}: {message}" if key else message))

    def raise_if_any(self) -> None:
        """A UsageError naming the first problem (by line) and the rest as its cause."""
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda p: p[0] if p[0] is not None else 1 << 30)
        (line, text), rest = ordered[0], ordered[1:]
        cause = None
        if rest:
            shown = [f"line {n}: {t}" if n else t for n, t in rest[:5]]
            cause = "also " + "; ".join(shown) + (f"; and {len(rest) - 5} more" if len(rest) > 5 else "")
        raise UsageError(f"{self.file}:{line}: {text}" if line else f"{self.file}: {text}", cause=cause)

    # ---- the one validator: a table against its dataclass

    def read(self, cls: type, data: dict[str, Any], *path: str | int) -> dict[str, Any]:
        """The values for ``cls``'s fields found in ``data`` (a field left out, or bad, keeps its default)."""
        keys, allowed = _fields(cls)
        for name in data:
            if name not in allowed:
                self.problem(
                    self.key(*path, name), f"unknown key (expected one of: {', '.join(allowed)})", line_key=name
                )
        values: dict[str, Any] = {}
        for attribute, key in keys:
            value = data.get(key.name)
            if value is None:
                if key.required:
                    self.problem(self.key(*path, key.name), "is required")
                continue
            value = getattr(self, f"_{key.kind.value}")(value, key, *path)
            if value is not _BAD:
                values[attribute] = value
        return values

    # ---- one reader per kind of value: a wrong one is reported and _BAD returned

    def _text(self, value: Any, key: Key, *path: str | int) -> Any:
        if not isinstance(value, str) or not value.strip():
            self.problem(
                self.key(*path, key.name), f"must be a non-empty string, not {_describe(value)}", line_key=key.name
            )
            return _BAD
        return value

    def _path(self, value: Any, key: Key, *path: str | int) -> Any:
        text = self._text(value, key, *path)
        return _BAD if text is _BAD else self.base / Path(text).expanduser()

    def _strings(self, value: Any, key: Key, *path: str | int) -> Any:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(
                self.key(*path, key.name),
                f"must be a list of non-empty strings, not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
        return value

    def _paths(self, value: Any, key: Key, *path: str | int) -> Any:
        texts = self._strings(value, key, *path)
        return _BAD if texts is _BAD else tuple(self.base / Path(text).expanduser() for text in texts)

    def _modules(self, value: Any, key: Key, *path: str | int) -> Any:
        names = self._strings(value, key, *path)
        if names is _BAD:
            return _BAD
        for name in names:
            if not _MODULE.fullmatch(name.strip()):
                self.problem(self.key(*path, key.name), f"not a module name: {name!r}", line_key=key.name)
        return tuple(dict.fromkeys(name.strip() for name in names))

    def _seconds(self, value: Any, key: Key, *path: str | int, zero_ok: bool = False) -> Any:
        if (
            isinstance(value, bool)
            or not isinstance(value, (int, float))
            or not math.isfinite(value)
            or value < 0
            or (value == 0 and not zero_ok)
        ):
            wanted = "a number of seconds, 0 or more" if zero_ok else "a number of seconds above 0"
            # A number out of range is named as written (-1, inf); anything else by its type.
            given = repr(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else _describe(value)
            self.problem(self.key(*path, key.name), f"must be {wanted}, not {given}", line_key=key.name)
            return _BAD
        return float(value)

    def _seconds_or_zero(self, value: Any, key: Key, *path: str | int) -> Any:
        return self._seconds(value, key, *path, zero_ok=True)

    def _count(self, value: Any, key: Key, *path: str | int) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            given = repr(value) if isinstance(value, int) and not isinstance(value, bool) else _describe(value)
            self.problem(
                self.key(*path, key.name), f"must be a whole number, 1 or more, not {given}", line_key=key.name
            )
            return _BAD
        return value

    def _commands(self, value: Any, key: Key, *path: str | int) -> Any:
        """One argument list (``["a", "b"]``) or several (``[["a"], ["b", "c"]]``)."""
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            value = [value]
        if (
            not isinstance(value, list)
            or not value
            or not all(
                isinstance(cmd, list) and cmd and all(isinstance(a, str) for a in cmd) and cmd[0].strip()
                for cmd in value
            )
        ):
            self.problem(
                self.key(*path, key.name),
                'must be an argument list like ["supervisorctl", "stop", "backend"] '
                f"or a list of them, not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
        return tuple(tuple(cmd) for cmd in value)

    def _http_url(self, value: Any, key: Key, *path: str | int) -> Any:
        url = self._text(value, key, *path)
        if url is not _BAD and not re.match(r"https?://[^/\s]+", url):
            self.problem(
                self.key(*path, key.name), f"must be an http:// or https:// URL, not {url!r}", line_key=key.name
            )
            return _BAD
        return url

    def _table(self, value: Any, key: Key, *path: str | int) -> Any:
        assert key.table is not None
        if not isinstance(value, dict):
            self.problem(
                self.key(*path, key.name),
                f"must be a table ([{key.name}]), not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
        return key.table(**self.read(key.table, value, *path, key.name))

    def _services(self, value: Any, key: Key, *path: str | int) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                self.key(*path, key.name), "must be an array of tables ([[services]] sections)", line_key=key.name
            )
            return _BAD
        service = key.table
        assert service is not None, "a SERVICES key names its dataclass"
        found: list[Any] = []
        names: set[str] = set()
        for index, entry in enumerate(value):
            values = self.read(service, entry, *path, key.name, index)
            url = values.get("url")
            name = values.setdefault("name", url or f"service {index + 1}")
            if name in names:
                self.problem(self.key(*path, key.name, index, "name"), f"another service is already named {name!r}")
            names.add(name)
            if url is not None:
                found.append(service(**values))
        return tuple(found)

    def _categories(self, value: Any, key: Key, *path: str | int) -> Any:
        if not isinstance(value, dict):
            self.problem(
                self.key(*path, key.name),
                f"must be a table ([{key.name}]), not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
        # Imported here: packaging.utils brings packaging.tags, a cost every command would pay.
        from packaging.utils import canonicalize_name

        result: dict[str, str] = {}
        for name, category in value.items():
            if not isinstance(category, str) or not category.strip():
                self.problem(
                    self.key(*path, key.name, name),
                    f"must be a category name, not {_describe(category)}",
                    line_key=name,
                )
                continue
            result[canonicalize_name(name)] = category.strip()
        return MappingProxyType(result)


def _describe(value: Any) -> str:
    """A short description of a TOML value's type, for messages."""
    kinds: dict[type, str] = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    for kind, text in kinds.items():
        if isinstance(value, kind):
            if isinstance(value, str):
                return "an empty string" if not value.strip() else f"the string {value!r}"
            return text
    return type(value).__name__
