"""Is this environment the ``.venv`` of a uv project?

An environment is a project environment when it is the environment uv's project commands
would use for a directory whose ``pyproject.toml`` has a ``[project]`` table and a ``uv.lock``
beside it (or ``[tool.uv] managed = true``). uv's environment for a project is its ``.venv``,
or ``UV_PROJECT_ENVIRONMENT`` (relative to the project) when that is set; ``[tool.uv]
managed = false`` opts a project out of uv's project commands, and so out of project mode.
Detection reads two small files and runs nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from envtui.core.errors import UsageError

PYPROJECT = "pyproject.toml"
LOCK = "uv.lock"


def toml_module() -> Any:
    """The TOML parser (``tomllib``, or ``tomli`` before Python 3.11)."""
    import sys

    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a UsageError naming the file when it cannot be read or parsed."""
    tomllib = toml_module()
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise UsageError(f"cannot read {path}", cause=exc.strerror or str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"not valid TOML: {path}", cause=str(exc)) from exc


@dataclass(frozen=True)
class Project:
    """A uv project and the environment uv keeps for it."""

    root: Path
    """The directory holding ``pyproject.toml`` (and ``uv.lock``)."""
    name: str
    """``[project] name`` as written."""
    venv: Path
    """The project environment (``.venv`` unless ``UV_PROJECT_ENVIRONMENT`` says otherwise)."""
    managed: bool = True
    """``[tool.uv] managed`` (true unless the file says false)."""

    @property
    def pyproject(self) -> Path:
        """The project's ``pyproject.toml``."""
        return self.root / PYPROJECT

    @property
    def lock(self) -> Path:
        """The project's ``uv.lock`` (it may not exist yet for a managed project)."""
        return self.root / LOCK

    @property
    def header(self) -> str:
        """What headers say: ``project NAME · uv.lock``."""
        return f"project {self.name} · {LOCK}" if self.lock.is_file() else f"project {self.name} · no {LOCK} yet"

    def to_json(self) -> dict[str, Any]:
        """``{"name", "root", "pyproject", "lock", "locked"}`` for ``--json`` outputs."""
        return {
            "name": self.name,
            "root": str(self.root),
            "pyproject": str(self.pyproject),
            "lock": str(self.lock),
            "locked": self.lock.is_file(),
        }


def project_environment(root: Path, environ: Mapping[str, str] | None = None) -> Path:
    """Where uv keeps the environment of the project at ``root``."""
    environ = os.environ if environ is None else environ
    override = environ.get("UV_PROJECT_ENVIRONMENT")
    if override:
        path = Path(override).expanduser()
        return path if path.is_absolute() else root / path
    return root / ".venv"


def project_at(root: Path, environ: Mapping[str, str] | None = None) -> Project | None:
    """The uv project whose ``pyproject.toml`` is in ``root``, or None when it is not one.

    Not a project: no ``pyproject.toml``, no ``[project]`` table with a name, ``[tool.uv]
    managed = false``, or neither a ``uv.lock`` nor ``managed = true``. A ``pyproject.toml``
    that is not valid TOML is a UsageError (uv would refuse it too).
    """
    pyproject = root / PYPROJECT
    if not pyproject.is_file():
        return None
    data = read_toml(pyproject)
    table = data.get("project")
    if not isinstance(table, dict) or not isinstance(table.get("name"), str) or not table["name"].strip():
        return None
    tool_uv = data.get("tool", {}).get("uv", {}) if isinstance(data.get("tool"), dict) else {}
    managed = tool_uv.get("managed") if isinstance(tool_uv, dict) else None
    if managed is False:
        return None
    if not (root / LOCK).is_file() and managed is not True:
        return None
    return Project(root=root, name=table["name"].strip(), venv=project_environment(root, environ))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def find_project(venv: Path, *, cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> Project | None:
    """The project whose environment ``venv`` is, or None for a plain venv.

    Looks at the directory holding the venv, then (for ``UV_PROJECT_ENVIRONMENT`` set elsewhere)
    the working directory and its parents.
    """
    venv = Path(venv)
    start = (cwd or Path.cwd()).resolve()
    candidates: Iterable[Path] = dict.fromkeys([venv.parent, start, *start.parents])
    for root in candidates:
        try:
            project = project_at(root, environ)
        except UsageError:
            if root == venv.parent and _same(project_environment(root, environ), venv):
                raise
            continue
        if project is not None and _same(project.venv, venv):
            return project
    return None
