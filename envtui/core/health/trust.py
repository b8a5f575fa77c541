"""Which configuration files the user trusts to run maintenance hooks.

A project's ``envtui.toml`` (or ``pyproject.toml``) can name any command, so its hooks run only
after ``envtui trust``. The record is the file's absolute path and the SHA-256 of its bytes, kept
in the user's state dir; any edit changes the hash, and the file must be trusted again.

Trust is always decided on a :class:`~envtui.core.config.Config`: the digest of the very bytes
that were parsed, never of the file read a second time, so a file edited after it was read
cannot slip in commands that were never trusted.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from envtui.core.config import Config
from envtui.core.errors import EnvtuiError
from envtui.core.locations import trust_file
from envtui.core.private import write_private

TRUSTED = "trusted"
UNTRUSTED = "untrusted"
CHANGED = "changed"
"""Trusted once, edited since: the current bytes have not been trusted."""


@dataclass(frozen=True)
class TrustState:
    """Whether a file's current content may run hooks, and why not."""

    path: Path
    status: str
    """``trusted``, ``untrusted`` (never trusted) or ``changed`` (edited since it was trusted)."""
    digest: str
    """SHA-256 of the content this state was decided for."""

    @property
    def trusted(self) -> bool:
        """Whether hooks from this content may run."""
        return self.status == TRUSTED

    @property
    def reason(self) -> str:
        """Why hooks will not run, as a sentence fragment (empty when trusted)."""
        if self.status == CHANGED:
            return f"{self.path} changed since it was trusted; run 'envtui trust {self.path}' after reviewing it"
        if self.status == UNTRUSTED:
            return f"{self.path} is not trusted; run 'envtui trust {self.path}' after reviewing its hooks"
        return ""


def _load() -> dict[str, dict]:
    try:
        data = json.loads(trust_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files") if isinstance(data, dict) else None
    return files if isinstance(files, dict) else {}


def _save(files: dict[str, dict]) -> None:
    target = trust_file()
    try:
        write_private(target, json.dumps({"version": 1, "files": files}, indent=2, sort_keys=True) + "\n")
    except OSError as exc:
        raise EnvtuiError(f"cannot record trust in {target}", cause=exc.strerror) from exc


def _parsed(config: Config) -> tuple[Path, str]:
    if config.path is None or not config.digest:
        raise ValueError("only a configuration read from a file can be trusted")
    return config.path.resolve(), config.digest


def trust_state(config: Config) -> TrustState:
    """Whether the configuration's file is trusted with exactly the content that was parsed."""
    file, digest = _parsed(config)
    record = _load().get(str(file))
    if not isinstance(record, dict):
        return TrustState(file, UNTRUSTED, digest)
    return TrustState(file, TRUSTED if record.get("sha256") == digest else CHANGED, digest)


def trust(config: Config) -> TrustState:
    """Record the configuration's file as trusted with exactly the content that was parsed."""
    file, digest = _parsed(config)
    files = _load()
    files[str(file)] = {"sha256": digest, "trusted_at": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
    _save(files)
    return TrustState(file, TRUSTED, digest)


def revoke(path: str | os.PathLike[str]) -> bool:
    """Forget a file's trust; returns whether there was any."""
    file = Path(path).resolve()
    files = _load()
    if files.pop(str(file), None) is None:
        return False
    _save(files)
    return True
