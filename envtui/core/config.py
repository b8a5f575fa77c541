"""Project configuration: ``envtui.toml``, or ``[tool.envtui]`` in ``pyproject.toml``.

Found by walking up from the current directory: in each directory ``envtui.toml`` wins over a
``pyproject.toml`` that has a ``[tool.envtui]`` table, and the nearest directory wins. ``--config
PATH`` names a file (or a directory holding one) explicitly. Every key is checked: an unknown key,
a wrong type or malformed TOML is a UsageError naming the file, the line when known, and the key.

Paths in the file (``venv``, ``requirements``) are relative to the file's directory, and hooks run
there too.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
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

_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")
_TOML_LINE = re.compile(r"at line (\d+)")
_TOP_KEYS = ("venv", "requirements", "imports", "import-timeout", "service-interval", "services", "hooks", "categories")
_SERVICE_KEYS = ("name", "url", "timeout")
_HOOK_KEYS = ("before-change", "after-change", "timeout", "settle")


@dataclass(frozen=True)
class Service:
    """An HTTP(S) endpoint whose answer says whether the app on this environment is up."""

    name: str
    url: str
    timeout: float = DEFAULT_SERVICE_TIMEOUT
    """Seconds to wait for the whole answer; a slower service is a failed check."""


@dataclass(frozen=True)
class Hooks:
    """Maintenance commands run around every change job (only once the file is trusted)."""

    before_change: tuple[tuple[str, ...], ...] = ()
    """Argument lists run in order before uv changes anything (e.g. stop the service)."""
    after_change: tuple[tuple[str, ...], ...] = ()
    """Argument lists run in order after the change, however it ended (e.g. start the service)."""
    timeout: float = DEFAULT_HOOK_TIMEOUT
    """Seconds one hook command may run before it is stopped and counted as failed."""
    settle: float = DEFAULT_HOOK_SETTLE
    """Seconds services get to come back after the after-change hooks before health reports them."""

    def __bool__(self) -> bool:
        return bool(self.before_change or self.after_change)


@dataclass(frozen=True)
class Config:
    """Everything a project tells envtui; the defaults stand when there is no file."""

    path: Path | None = None
    """The file it came from (absolute), or None when there is none."""
    table: str = ""
    """Where in the file the keys live: ``""`` for envtui.toml, ``"tool.envtui"`` for pyproject.toml."""
    digest: str = ""
    """SHA-256 of the bytes that were read: hooks run only if exactly these bytes were trusted."""
    venv: Path | None = None
    requirements: tuple[Path, ...] = ()
    imports: tuple[str, ...] = ()
    import_timeout: float = DEFAULT_IMPORT_TIMEOUT
    services: tuple[Service, ...] = ()
    service_interval: float = DEFAULT_SERVICE_INTERVAL
    """Seconds between service checks in the TUI; 0 turns the timer off."""
    hooks: Hooks = field(default_factory=Hooks)
    categories: Mapping[str, str] = field(default_factory=dict)
    """Canonical package name -> category, overriding the built-in categories."""
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
        if cwd is not None and not given.is_absolute():
            given = cwd / given
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
    file = Path(path).resolve()
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read config file {file}", cause=exc.strerror) from exc
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

    config = checker.build(data, hashlib.sha256(raw).hexdigest())
    checker.raise_if_any()
    return config


class _Checker:
    """Collects every problem in one file, so the user fixes them in one pass."""

    def __init__(self, file: Path, text: str, table: str) -> None:
        self.file = file
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
        line = self.line_of(line_key) if line_key else None
        self.problems.append((line, f"{key}: {message}" if key else message))

    def raise_if_any(self) -> None:
        if not self.problems:
            return
        ordered = sorted(self.problems, key=lambda p: p[0] if p[0] is not None else 1 << 30)
        (line, text), rest = ordered[0], ordered[1:]
        cause = None
        if rest:
            shown = [f"line {n}: {t}" if n else t for n, t in rest[:5]]
            cause = "also " + "; ".join(shown) + (f"; and {len(rest) - 5} more" if len(rest) > 5 else "")
        raise UsageError(f"{self.file}:{line}: {text}" if line else f"{self.file}: {text}", cause=cause)

    def unknown(self, data: dict, allowed: tuple[str, ...], *path: str | int) -> None:
        for name in data:
            if name not in allowed:
                self.problem(
                    self.key(*path, name), f"unknown key (expected one of: {', '.join(allowed)})", line_key=name
                )

    # ---- typed getters: a wrong type is recorded and the default returned

    def string(self, data: dict, name: str, *path: str | int, required: bool = False) -> str | None:
        value = data.get(name)
        if value is None:
            if required:
                self.problem(self.key(*path, name), "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(self.key(*path, name), f"must be a non-empty string, not {_describe(value)}", line_key=name)
            return None
        return value

    def number(self, data: dict, name: str, default: float, *path: str | int, zero_ok: bool = False) -> float:
        value = data.get(name)
        if value is None:
            return default
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
            self.problem(self.key(*path, name), f"must be {wanted}, not {given}", line_key=name)
            return default
        return float(value)

    def strings(self, data: dict, name: str, *path: str | int, allow_single: bool = False) -> list[str]:
        value = data.get(name)
        if value is None:
            return []
        if allow_single and isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.problem(
                self.key(*path, name), f"must be a list of non-empty strings, not {_describe(value)}", line_key=name
            )
            return []
        return list(value)

    def commands(self, data: dict, name: str, *path: str | int) -> tuple[tuple[str, ...], ...]:
        """One argument list (``["a", "b"]``) or several (``[["a"], ["b", "c"]]``)."""
        value = data.get(name)
        if value is None:
            return ()
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
                self.key(*path, name),
                'must be an argument list like ["supervisorctl", "stop", "backend"] '
                f"or a list of them, not {_describe(value)}",
                line_key=name,
            )
            return ()
        return tuple(tuple(cmd) for cmd in value)

    # ---- the whole file

    def build(self, data: dict, digest: str) -> Config:
        self.unknown(data, _TOP_KEYS)
        base = self.file.parent
        venv = self.string(data, "venv")
        requirements = self.strings(data, "requirements", allow_single=True)
        imports = self.strings(data, "imports", allow_single=True)
        for name in imports:
            if not _MODULE.fullmatch(name.strip()):
                self.problem(self.key("imports"), f"not a module name: {name!r}", line_key="imports")
        return Config(
            path=self.file,
            table=self.table,
            digest=digest,
            venv=(base / Path(venv).expanduser()) if venv else None,
            requirements=tuple(base / Path(r).expanduser() for r in requirements),
            imports=tuple(dict.fromkeys(name.strip() for name in imports)),
            import_timeout=self.number(data, "import-timeout", DEFAULT_IMPORT_TIMEOUT),
            services=self.services(data.get("services")),
            service_interval=self.number(data, "service-interval", DEFAULT_SERVICE_INTERVAL, zero_ok=True),
            hooks=self.hooks(data.get("hooks")),
            categories=self.categories(data.get("categories")),
        )

    def services(self, value: Any) -> tuple[Service, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.problem(
                self.key("services"), "must be an array of tables ([[services]] sections)", line_key="services"
            )
            return ()
        found: list[Service] = []
        names: set[str] = set()
        for index, entry in enumerate(value):
            self.unknown(entry, _SERVICE_KEYS, "services", index)
            url = self.string(entry, "url", "services", index, required=True)
            name = self.string(entry, "name", "services", index) or (url or f"service {index + 1}")
            timeout = self.number(entry, "timeout", DEFAULT_SERVICE_TIMEOUT, "services", index)
            if url is not None and not re.match(r"https?://[^/\s]+", url):
                self.problem(
                    self.key("services", index, "url"),
                    f"must be an http:// or https:// URL, not {url!r}",
                    line_key="url",
                )
                url = None
            if name in names:
                self.problem(self.key("services", index, "name"), f"another service is already named {name!r}")
            names.add(name)
            if url is not None:
                found.append(Service(name=name, url=url, timeout=timeout))
        return tuple(found)

    def hooks(self, value: Any) -> Hooks:
        if value is None:
            return Hooks()
        if not isinstance(value, dict):
            self.problem(self.key("hooks"), f"must be a table ([hooks]), not {_describe(value)}", line_key="hooks")
            return Hooks()
        self.unknown(value, _HOOK_KEYS, "hooks")
        return Hooks(
            before_change=self.commands(value, "before-change", "hooks"),
            after_change=self.commands(value, "after-change", "hooks"),
            timeout=self.number(value, "timeout", DEFAULT_HOOK_TIMEOUT, "hooks"),
            settle=self.number(value, "settle", DEFAULT_HOOK_SETTLE, "hooks", zero_ok=True),
        )

    def categories(self, value: Any) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(
                self.key("categories"), f"must be a table ([categories]), not {_describe(value)}", line_key="categories"
            )
            return {}
        result: dict[str, str] = {}
        for name, category in value.items():
            if not isinstance(category, str) or not category.strip():
                self.problem(
                    self.key("categories", name), f"must be a category name, not {_describe(category)}", line_key=name
                )
                continue
            result[canonicalize_name(name)] = category.strip()
        return result


def _describe(value: Any) -> str:
    """A short description of a TOML value's type, for messages."""
    kinds = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }
    for kind, text in kinds.items():
        if isinstance(value, kind):
            if kind is str:
                return "an empty string" if not value.strip() else f"the string {value!r}"
            return text
    return type(value).__name__
