"""A uv project's own files in a snapshot: ``pyproject.toml`` and ``uv.lock``, byte for byte.

In a project the environment is one of three things that change together (``uv add`` edits
``pyproject.toml``, ``uv.lock`` and the environment), so a snapshot of a project's environment
also keeps the two files, and a rollback restores all three. The files are kept as their text
(TOML is UTF-8 by definition; a file that is not is refused, as uv would refuse it) and written
back atomically with the mode they have, so a rollback leaves them exactly as they were —
including a ``uv.lock`` that did not exist then, which is removed.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from envtui.core.errors import EnvtuiError
from envtui.core.private import write_atomic
from envtui.core.project.detect import LOCK, PYPROJECT, find_project


@dataclass(frozen=True)
class ProjectFiles:
    """``pyproject.toml`` and ``uv.lock`` of a project at one moment."""

    root: str
    """The project directory."""
    pyproject: str
    """``pyproject.toml``'s text."""
    lock: str | None
    """``uv.lock``'s text; None when there was none."""

    def to_json(self) -> dict:
        """``{"root", "pyproject", "lock"}``, as stored."""
        return {"root": self.root, "pyproject": self.pyproject, "lock": self.lock}

    @classmethod
    def from_json(cls, data: object) -> ProjectFiles | None:
        """Read the stored form (None stays None); ValueError when it is not one."""
        if data is None:
            return None
        if not isinstance(data, dict):
            raise ValueError("project is not an object")
        root, pyproject, lock = data.get("root"), data.get("pyproject"), data.get("lock")
        if not isinstance(root, str) or not isinstance(pyproject, str) or not (lock is None or isinstance(lock, str)):
            raise ValueError("project needs root and pyproject as text, and lock as text or null")
        return cls(root, pyproject, lock)

    def differs_from(self, other: ProjectFiles | None) -> list[str]:
        """The file names whose content differs from ``other`` (both, when there is no other)."""
        if other is None or other.root != self.root:
            return [PYPROJECT, LOCK]
        return [
            name
            for name, a, b in ((PYPROJECT, self.pyproject, other.pyproject), (LOCK, self.lock, other.lock))
            if a != b
        ]


def _text(path: Path) -> str | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise EnvtuiError(f"cannot read {path}", cause=exc.strerror or str(exc)) from exc
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EnvtuiError(f"{path} is not UTF-8 text", cause="TOML files are UTF-8; uv would refuse it too") from exc


def read_project_files(env_path: str | os.PathLike[str]) -> ProjectFiles | None:
    """The files of the project whose environment ``env_path`` is (None for a plain venv)."""
    project = find_project(Path(env_path))
    if project is None:
        return None
    pyproject = _text(project.pyproject)
    if pyproject is None:
        raise EnvtuiError(f"{project.pyproject} is gone")
    return ProjectFiles(str(project.root), pyproject, _text(project.lock))


def files_in(directory: Path, root: Path) -> ProjectFiles:
    """The two files as they are in ``directory`` (a copy of the project), as ``root``'s to write there."""
    pyproject = _text(directory / PYPROJECT)
    if pyproject is None:
        raise EnvtuiError(f"{directory / PYPROJECT} is gone")
    return ProjectFiles(str(root), pyproject, _text(directory / LOCK))


def current_files(files: ProjectFiles | None) -> ProjectFiles | None:
    """The same project's files as they are now (None when ``files`` is None)."""
    if files is None:
        return None
    root = Path(files.root)
    pyproject = _text(root / PYPROJECT)
    return ProjectFiles(files.root, pyproject if pyproject is not None else "", _text(root / LOCK))


def restore_project_files(files: ProjectFiles) -> list[str]:
    """Write the files back exactly (atomically, keeping each file's mode); returns the names changed."""
    root = Path(files.root)
    if not root.is_dir():
        raise EnvtuiError(f"the project directory {root} is gone")
    changed = files.differs_from(current_files(files))
    for name in changed:
        text = files.pyproject if name == PYPROJECT else files.lock
        path = root / name
        if text is None:
            try:
                path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise EnvtuiError(f"cannot remove {path}", cause=exc.strerror or str(exc)) from exc
        else:
            _write_atomically(path, text.encode("utf-8"))
    return changed


def _write_atomically(path: Path, data: bytes) -> None:
    """Temporary file beside it, fsync, rename: a crash leaves the old file or the new, never half."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        write_atomic(path, data, mode)
    except OSError as exc:
        raise EnvtuiError(f"cannot write {path}", cause=exc.strerror or str(exc)) from exc
