"""Project configuration: ``envtui.toml``, or ``[tool.envtui]`` in ``pyproject.toml``.

Found by walking up from the current directory: in each directory ``envtui.toml`` wins over a
``pyproject.toml`` that has a ``[tool.envtui]`` table, and the nearest directory wins. ``--config
PATH`` names a file (or a directory holding one) explicitly. It is read once per run, into a
:class:`Config` (frozen) that every part of envtui is handed.

The dataclasses below are the schema: each field read from the file names its key and the
kind of value it takes (``_key``), and one validator (``_Checker.read``) checks a table against
its dataclass. Every key is checked, and every problem reported at once: an unknown key, a
wrong type or malformed TOML is a UsageError naming the file, the line when known, and the key.

Paths in the file (``venv``, ``requirements``) are relative to the file's directory, and hooks run
there too.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import Enum
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from packaging.utils import canonicalize_name

from envtui.core.errors import UsageError


def _toml():
    """The TOML parser, imported only when there is a file to read (it costs start-up time)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


CONFIG_NAME = "envtui.toml"
PYPROJECT_NAME = "pyproject.toml"

DEFAULT_SERVICE_TIMEOUT = 3.0
DEFAULT_IMPORT_TIMEOUT = 20.0
DEFAULT_SERVICE_INTERVAL = 30.0
DEFAULT_HOOK_TIMEOUT = 600.0
DEFAULT_HOOK_SETTLE = 10.0
DEFAULT_SNAPSHOT_KEEP = 50

_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_TOML_LINE = re.compile(r"at line (\d+)")


class _Kind(Enum):
    """The kinds of value a key takes; each has one reader in ``_Checker``."""

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
class _Key:
    """How a field is written in the file."""

    name: str
    """The key in the file."""
    kind: _Kind
    required: bool = False
    table: type | None = None
    """For a ``TABLE``: the dataclass of the table."""


_KEY = "envtui.config.key"


def _key(name: str, kind: _Kind, *, required: bool = False, table: type | None = None) -> dict[str, _Key]:
    """Field metadata: the field is read from key ``name`` of the file, as a ``kind``."""
    return {_KEY: _Key(name, kind, required, table)}


@dataclass(frozen=True)
class Service:
    """An HTTP(S) endpoint whose answer says whether the app on this environment is up."""

    name: str = field(metadata=_key("name", _Kind.TEXT))
    """How the checks name it (default: its URL)."""
    url: str = field(metadata=_key("url", _Kind.HTTP_URL, required=True))
    timeout: float = field(default=DEFAULT_SERVICE_TIMEOUT, metadata=_key("timeout", _Kind.SECONDS))
    """Seconds to wait for the whole answer; a slower service is a failed check."""


@dataclass(frozen=True)
class Hooks:
    """Maintenance commands run around every change job (only once the file is trusted)."""

    before_change: tuple[tuple[str, ...], ...] = field(default=(), metadata=_key("before-change", _Kind.COMMANDS))
    """Argument lists run in order before uv changes anything (e.g. stop the service)."""
    after_change: tuple[tuple[str, ...], ...] = field(default=(), metadata=_key("after-change", _Kind.COMMANDS))
    """Argument lists run in order after the change, however it ended (e.g. start the service)."""
    timeout: float = field(default=DEFAULT_HOOK_TIMEOUT, metadata=_key("timeout", _Kind.SECONDS))
    """Seconds one hook command may run before it is stopped and counted as failed."""
    settle: float = field(default=DEFAULT_HOOK_SETTLE, metadata=_key("settle", _Kind.SECONDS_OR_ZERO))
    """Seconds services get to come back after the after-change hooks before health reports them."""

    def __bool__(self) -> bool:
        return bool(self.before_change or self.after_change)


@dataclass(frozen=True)
class Snapshots:
    """How the snapshots taken before every change job are kept."""

    keep: int = field(default=DEFAULT_SNAPSHOT_KEEP, metadata=_key("keep", _Kind.COUNT))
    """How many snapshots each environment keeps; the newest is never pruned."""


@dataclass(frozen=True)
class Config:
    """Everything a project tells envtui; the defaults stand when there is no file."""

    path: Path | None = None
    """The file it came from (absolute), or None when there is none."""
    table: str = ""
    """Where in the file the keys live: ``""`` for envtui.toml, ``"tool.envtui"`` for pyproject.toml."""
    digest: str = ""
    """SHA-256 of the bytes that were parsed: hooks run only if exactly these bytes were trusted."""
    venv: Path | None = field(default=None, metadata=_key("venv", _Kind.PATH))
    requirements: tuple[Path, ...] = field(default=(), metadata=_key("requirements", _Kind.PATHS))
    imports: tuple[str, ...] = field(default=(), metadata=_key("imports", _Kind.MODULES))
    import_timeout: float = field(default=DEFAULT_IMPORT_TIMEOUT, metadata=_key("import-timeout", _Kind.SECONDS))
    service_interval: float = field(
        default=DEFAULT_SERVICE_INTERVAL, metadata=_key("service-interval", _Kind.SECONDS_OR_ZERO)
    )
    """Seconds between service checks in the TUI; 0 turns the timer off."""
    services: tuple[Service, ...] = field(default=(), metadata=_key("services", _Kind.SERVICES))
    hooks: Hooks = field(default_factory=Hooks, metadata=_key("hooks", _Kind.TABLE, table=Hooks))
    categories: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), metadata=_key("categories", _Kind.CATEGORIES)
    )
    """Canonical package name -> category, overriding the built-in categories."""
    snapshots: Snapshots = field(default_factory=Snapshots, metadata=_key("snapshots", _Kind.TABLE, table=Snapshots))
    error: UsageError | None = field(default=None, compare=False)
    """Why the file found could not be read, when it could not: its defaults stand in, and change
    jobs are refused (its hooks cannot run)."""

    @property
    def directory(self) -> Path:
        """Where relative paths point and hooks run: the file's directory (or the current one)."""
        return self.path.parent if self.path is not None else Path.cwd()

    @property
    def label(self) -> str:
        """The file and table, for messages: ``pyproject.toml [tool.envtui]``."""
        if self.path is None:
            return "no configuration file"
        return f"{self.path} [{self.table}]" if self.table else str(self.path)


# --------------------------------------------------------------------------- finding the file


def _has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml has ``[tool.envtui]``; malformed files count only if they mention it."""
    try:
        data = path.read_bytes()
    except OSError:
        return False
    if b"envtui" not in data:
        return False
    tomllib = _toml()
    try:
        parsed = tomllib.loads(data.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return re.search(rb"^\s*\[\s*tool\.envtui\b", data, re.MULTILINE) is not None
    tool = parsed.get("tool")
    return isinstance(tool, dict) and "envtui" in tool


def find_config(start: Path | None = None) -> Path | None:
    """The configuration file that applies in ``start`` (default: the current directory)."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / CONFIG_NAME
        if candidate.is_file():
            return candidate
        candidate = directory / PYPROJECT_NAME
        if candidate.is_file() and _has_tool_table(candidate):
            return candidate
    return None


def load_config(
    explicit: str | os.PathLike[str] | None = None, *, cwd: Path | None = None, strict: bool = True
) -> Config:
    """The configuration named by ``explicit`` (a file or a directory), else the one found from ``cwd``.

    No file found is not an error: the defaults apply. A named file that is missing, or any file
    that is malformed or has a bad key, is a UsageError — except that with ``strict=False`` a
    file that was only found gives the defaults, with the error in ``Config.error`` (the TUI
    opens all the same, and says what is wrong).
    """
    if not strict and explicit in (None, ""):
        try:
            return load_config(cwd=cwd)
        except UsageError as exc:
            return Config(error=exc)
    if explicit not in (None, ""):
        given = Path(explicit).expanduser()
        if not given.is_absolute():  # "-x" is a file name here, and is reported as a path
            given = (cwd or Path.cwd()) / given
        if given.is_dir():
            found = given / CONFIG_NAME
            if not found.is_file():
                found = given / PYPROJECT_NAME
            if not found.is_file():
                raise UsageError(f"no {CONFIG_NAME} or {PYPROJECT_NAME} in {given}")
            given = found
        elif not given.is_file():
            raise UsageError(f"config file not found: {given}")
        return read_config(given)
    found_path = find_config(cwd)
    return read_config(found_path) if found_path is not None else Config()


# --------------------------------------------------------------------------- reading and checking


def read_config(path: str | os.PathLike[str]) -> Config:
    """Read and check one ``envtui.toml`` or ``pyproject.toml``."""
    from envtui.core.inputs import read_bytes

    file = Path(path).resolve()
    raw = read_bytes(file, what="config file")  # a regular file of bounded size, or a UsageError
    tomllib = _toml()
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise UsageError(f"{file}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        line = _TOML_LINE.search(str(exc))
        where = f"{file}:{line.group(1)}" if line else str(file)
        raise UsageError(f"{where}: malformed TOML", cause=str(exc)) from exc
    table = ""
    if file.name == PYPROJECT_NAME:
        table = "tool.envtui"
        tool = data.get("tool", {})
        section = tool.get("envtui") if isinstance(tool, dict) else None
        if section is None:
            raise UsageError(f"{file}: no [tool.envtui] table")
        data = section
    checker = _Checker(file, text, table)
    if not isinstance(data, dict):
        checker.problem(table, "must be a table")
        checker.raise_if_any()
    import hashlib

    values = checker.read(Config, data)
    checker.raise_if_any()
    # The digest of the very bytes parsed above: trust is decided on what was read, never on a second read.
    return Config(path=file, table=table, digest=hashlib.sha256(raw).hexdigest(), **values)


@cache
def _schema(cls: type) -> tuple[tuple[tuple[str, _Key], ...], tuple[str, ...]]:
    """A dataclass's fields read from the file, with their keys, and the keys allowed in its table."""
    keys = tuple((f.name, f.metadata[_KEY]) for f in fields(cls) if _KEY in f.metadata)
    return keys, tuple(key.name for _, key in keys)


_BAD: Any = object()
"""What a reader returns for a value it reported as a problem (the field keeps its default)."""


class _Checker:
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
        keys, allowed = _schema(cls)
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

    def _text(self, value: Any, key: _Key, *path: str | int) -> Any:
        if not isinstance(value, str) or not value.strip():
            self.problem(
                self.key(*path, key.name), f"must be a non-empty string, not {_describe(value)}", line_key=key.name
            )
            return _BAD
        return value

    def _path(self, value: Any, key: _Key, *path: str | int) -> Any:
        text = self._text(value, key, *path)
        return _BAD if text is _BAD else self.base / Path(text).expanduser()

    def _strings(self, value: Any, key: _Key, *path: str | int) -> Any:
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

    def _paths(self, value: Any, key: _Key, *path: str | int) -> Any:
        texts = self._strings(value, key, *path)
        return _BAD if texts is _BAD else tuple(self.base / Path(text).expanduser() for text in texts)

    def _modules(self, value: Any, key: _Key, *path: str | int) -> Any:
        names = self._strings(value, key, *path)
        if names is _BAD:
            return _BAD
        for name in names:
            if not _MODULE.fullmatch(name.strip()):
                self.problem(self.key(*path, key.name), f"not a module name: {name!r}", line_key=key.name)
        return tuple(dict.fromkeys(name.strip() for name in names))

    def _seconds(self, value: Any, key: _Key, *path: str | int, zero_ok: bool = False) -> Any:
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

    def _seconds_or_zero(self, value: Any, key: _Key, *path: str | int) -> Any:
        return self._seconds(value, key, *path, zero_ok=True)

    def _count(self, value: Any, key: _Key, *path: str | int) -> Any:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            given = repr(value) if isinstance(value, int) and not isinstance(value, bool) else _describe(value)
            self.problem(
                self.key(*path, key.name), f"must be a whole number, 1 or more, not {given}", line_key=key.name
            )
            return _BAD
        return value

    def _commands(self, value: Any, key: _Key, *path: str | int) -> Any:
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

    def _http_url(self, value: Any, key: _Key, *path: str | int) -> Any:
        url = self._text(value, key, *path)
        if url is not _BAD and not re.match(r"https?://[^/\s]+", url):
            self.problem(
                self.key(*path, key.name), f"must be an http:// or https:// URL, not {url!r}", line_key=key.name
            )
            return _BAD
        return url

    def _table(self, value: Any, key: _Key, *path: str | int) -> Any:
        assert key.table is not None
        if not isinstance(value, dict):
            self.problem(
                self.key(*path, key.name),
                f"must be a table ([{key.name}]), not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
        return key.table(**self.read(key.table, value, *path, key.name))

    def _services(self, value: Any, key: _Key, *path: str | int) -> Any:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                self.key(*path, key.name), "must be an array of tables ([[services]] sections)", line_key=key.name
            )
            return _BAD
        found: list[Service] = []
        names: set[str] = set()
        for index, entry in enumerate(value):
            values = self.read(Service, entry, *path, key.name, index)
            url = values.get("url")
            name = values.setdefault("name", url or f"service {index + 1}")
            if name in names:
                self.problem(self.key(*path, key.name, index, "name"), f"another service is already named {name!r}")
            names.add(name)
            if url is not None:
                found.append(Service(**values))
        return tuple(found)

    def _categories(self, value: Any, key: _Key, *path: str | int) -> Any:
        if not isinstance(value, dict):
            self.problem(
                self.key(*path, key.name),
                f"must be a table ([{key.name}]), not {_describe(value)}",
                line_key=key.name,
            )
            return _BAD
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
