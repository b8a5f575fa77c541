"""Project configuration: ``envtui.toml``, or ``[tool.envtui]`` in ``pyproject.toml``.

Found by walking up from the current directory: in each directory ``envtui.toml`` wins over a
``pyproject.toml`` that has a ``[tool.envtui]`` table, and the nearest directory wins. ``--config
PATH`` names a file (or a directory holding one) explicitly. It is read once per run, into a
:class:`Config` (frozen) that every part of envtui is handed.

The dataclasses below are the schema: each field read from the file names its key and the
kind of value it takes (``setting``), and one validator (``Checker`` in
``envtui.core.config_schema``) checks a table against its dataclass. Every key is checked, and
every problem reported at once: an unknown key, a wrong type or malformed TOML is a UsageError
naming the file, the line when known, and the key.

Paths in the file (``venv``, ``requirements``) are relative to the file's directory, and hooks run
there too.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from envtui.core.config_schema import Checker, Kind, setting
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

_TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class Service:
    """An HTTP(S) endpoint whose answer says whether the app on this environment is up."""

    name: str = field(metadata=setting("name", Kind.TEXT))
    """How the checks name it (default: its URL)."""
    url: str = field(metadata=setting("url", Kind.HTTP_URL, required=True))
    timeout: float = field(default=DEFAULT_SERVICE_TIMEOUT, metadata=setting("timeout", Kind.SECONDS))
    """Seconds to wait for the whole answer; a slower service is a failed check."""


@dataclass(frozen=True)
class Hooks:
    """Maintenance commands run around every change job (only once the file is trusted)."""

    before_change: tuple[tuple[str, ...], ...] = field(default=(), metadata=setting("before-change", Kind.COMMANDS))
    """Argument lists run in order before uv changes anything (e.g. stop the service)."""
    after_change: tuple[tuple[str, ...], ...] = field(default=(), metadata=setting("after-change", Kind.COMMANDS))
    """Argument lists run in order after the change, however it ended (e.g. start the service)."""
    timeout: float = field(default=DEFAULT_HOOK_TIMEOUT, metadata=setting("timeout", Kind.SECONDS))
    """Seconds one hook command may run before it is stopped and counted as failed."""
    settle: float = field(default=DEFAULT_HOOK_SETTLE, metadata=setting("settle", Kind.SECONDS_OR_ZERO))
    """Seconds services get to come back after the after-change hooks before health reports them."""

    def __bool__(self) -> bool:
        return bool(self.before_change or self.after_change)


@dataclass(frozen=True)
class Snapshots:
    """How the snapshots taken before every change job are kept."""

    keep: int = field(default=DEFAULT_SNAPSHOT_KEEP, metadata=setting("keep", Kind.COUNT))
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
    venv: Path | None = field(default=None, metadata=setting("venv", Kind.PATH))
    requirements: tuple[Path, ...] = field(default=(), metadata=setting("requirements", Kind.PATHS))
    imports: tuple[str, ...] = field(default=(), metadata=setting("imports", Kind.MODULES))
    import_timeout: float = field(default=DEFAULT_IMPORT_TIMEOUT, metadata=setting("import-timeout", Kind.SECONDS))
    service_interval: float = field(
        default=DEFAULT_SERVICE_INTERVAL, metadata=setting("service-interval", Kind.SECONDS_OR_ZERO)
    )
    """Seconds between service checks in the TUI; 0 turns the timer off."""
    services: tuple[Service, ...] = field(default=(), metadata=setting("services", Kind.SERVICES, table=Service))
    hooks: Hooks = field(default_factory=Hooks, metadata=setting("hooks", Kind.TABLE, table=Hooks))
    categories: Mapping[str, str] = field(
        default_factory=lambda: MappingProxyType({}), metadata=setting("categories", Kind.CATEGORIES)
    )
    """Canonical package name -> category, overriding the built-in categories."""
    snapshots: Snapshots = field(default_factory=Snapshots, metadata=setting("snapshots", Kind.TABLE, table=Snapshots))
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
    checker = Checker(file, text, table)
    if not isinstance(data, dict):
        checker.problem(table, "must be a table")
        checker.raise_if_any()
    import hashlib

    values = checker.read(Config, data)
    checker.raise_if_any()
    # The digest of the very bytes parsed above: trust is decided on what was read, never on a second read.
    return Config(path=file, table=table, digest=hashlib.sha256(raw).hexdigest(), **values)
