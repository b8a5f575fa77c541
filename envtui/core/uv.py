"""Find uv and build its command lines.

uv is located by ``ENVTUI_UV`` (an override), then the ``uv`` package's own binary
(``uv.find_uv_bin()``), then ``uv`` on PATH. Commands always name the target interpreter with
``--python`` and otherwise inherit the user's uv settings (``UV_INDEX_URL``, ``UV_FIND_LINKS``,
``uv.toml`` …) untouched.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core import process
from envtui.core.errors import EnvtuiError, UvNotFound
from envtui.core.process import ProcessResult

_FIND_LOCK = threading.Lock()
_FOUND: dict[tuple[str, str], str] = {}


def find_uv() -> str:
    """The uv binary to run, or UvNotFound with a hint.

    Safe to call from several threads at once (the UI's workers do): ``uv.find_uv_bin()``
    reads ``sysconfig`` state that is not thread-safe, so lookups are serialised, and a found
    binary is remembered for as long as ``ENVTUI_UV`` and ``PATH`` stay the same.
    """
    key = (os.environ.get("ENVTUI_UV", ""), os.environ.get("PATH", ""))
    with _FIND_LOCK:
        found = _FOUND.get(key)
        if found is None or not os.path.isfile(found):
            found = _FOUND[key] = _locate_uv()
        return found


def _locate_uv() -> str:
    override = os.environ.get("ENVTUI_UV")
    if override:
        import shutil

        found = shutil.which(override)
        if found is None:
            raise UvNotFound(
                f"ENVTUI_UV names no executable: {override}",
                cause="point ENVTUI_UV at a uv binary, or unset it",
            )
        return found
    if sys.prefix != sys.base_prefix and os.name == "posix":
        # In a venv the first place find_uv_bin() looks is the venv's bin/ (the "venv" scheme's
        # scripts dir): look there first without its sysconfig work, which costs start-up time.
        beside = os.path.join(sys.prefix, "bin", "uv")
        if os.path.isfile(beside):
            return beside
    try:
        from uv import find_uv_bin

        return find_uv_bin()
    except (ImportError, FileNotFoundError):
        pass
    import shutil

    found = shutil.which("uv")
    if found is None:
        raise UvNotFound(
            "uv was not found",
            cause="install the 'uv' package (pip install uv) or set ENVTUI_UV",
        )
    return found


@dataclass
class Uv:
    """One uv binary and the commands envtui runs with it."""

    binary: str = field(default_factory=find_uv)

    def argv(self, *args: str) -> list[str]:
        """A uv command line."""
        return [self.binary, *args]

    def pip(self, subcommand: str, python: str | Path, *args: str) -> list[str]:
        """A ``uv pip SUBCOMMAND --python PYTHON ...`` command line."""
        return [self.binary, "pip", subcommand, "--python", str(python), *args]

    def run(self, argv: Sequence[str], *, timeout: float | None = None) -> ProcessResult:
        """Run a uv command to completion; a uv that cannot start is UvNotFound."""
        try:
            return process.run(argv, timeout=timeout)
        except EnvtuiError as exc:
            if isinstance(exc.__cause__, OSError):
                raise UvNotFound(f"cannot run uv at {self.binary}", exc.cause) from exc
            raise

    def version(self) -> str:
        """uv's version number, e.g. ``0.13.9``; UvNotFound when uv is broken."""
        result = self.run(self.argv("--version"), timeout=30)
        words = result.stdout.split()
        if not result.ok or len(words) < 2 or words[0] != "uv":
            raise UvNotFound(f"{self.binary} is not a working uv", cause=result.last_error_line())
        return words[1]
