"""Where snapshots live: one private folder per environment under the state directory.

``snapshots_dir()/<name>-<hash>/`` per environment, keyed by its resolved path (the name part
is only for people). One JSON file per snapshot, named ``<UTC time>-<id>.json`` so a directory
listing sorts them. Folders are 0700 and files 0600 whatever the umask (a freeze names local
paths and private index URLs); every file is written atomically (a temporary file, fsync,
rename, fsync of the folder), so a crash leaves the old set or the new, never half a file. A
file that cannot be read is reported and skipped, never fatal. The newest ``keep`` are kept.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core.config import DEFAULT_SNAPSHOT_KEEP
from envtui.core.errors import UsageError
from envtui.core.locations import snapshots_dir
from envtui.core.private import FILE_MODE, write_atomic
from envtui.core.snapshots.model import Snapshot

#: How many snapshots an environment keeps unless ``[snapshots] keep`` says otherwise.
DEFAULT_KEEP = DEFAULT_SNAPSHOT_KEEP

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_FILE = re.compile(r"(?P<stamp>\d{8}T\d{12})-(?P<id>[0-9a-f]{8})\.json\Z")


def path_hash(text: str) -> str:
    """A 64-bit FNV-1a hash of a path, in hex: a folder key, not a secret.

    Not hashlib: loading OpenSSL costs a change job more than the whole snapshot takes.
    """
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8", "surrogateescape"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def env_folder_name(env_path: str | os.PathLike[str]) -> str:
    """The folder of one environment: the last two parts of its path, then a hash of the whole."""
    resolved = str(Path(env_path).resolve())
    digest = path_hash(resolved)
    tail = "-".join(Path(resolved).parts[-2:]).strip("/")
    label = _UNSAFE.sub("_", tail).strip("._-")[:40] or "root"
    return f"{label}-{digest}"


def file_name(snapshot: Snapshot) -> str:
    """``<UTC time to the microsecond>-<id>.json``: sorts by time."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(snapshot.time))
    return f"{stamp}{int(snapshot.time * 1_000_000) % 1_000_000:06d}-{snapshot.id}.json"


@dataclass
class Listing:
    """The snapshots of one environment, newest first, and the files that could not be read."""

    snapshots: list[Snapshot] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    """One line per skipped file: ``<file>: <why>``."""


class SnapshotStore:
    """The snapshots of one environment."""

    def __init__(self, env_path: str | os.PathLike[str], root: Path | None = None) -> None:
        self.env = str(Path(env_path).resolve())
        """The environment's resolved path."""
        self.root = root or snapshots_dir()
        self.directory = self.root / env_folder_name(self.env)

    # -- writing ----------------------------------------------------------------------------

    def save(self, snapshot: Snapshot) -> Path:
        """Write a snapshot atomically, private to the user; returns its path."""
        make_private_dir(self.root)
        make_private_dir(self.directory)
        path = self.directory / file_name(snapshot)
        data = json.dumps(snapshot.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        write_atomic(path, data, FILE_MODE)
        return path

    def write_requirements(self, snapshot: Snapshot, *, name: str | None = None) -> Path:
        """The snapshot's freeze as a requirements file in the store (0600), for ``uv pip sync``."""
        make_private_dir(self.root)
        make_private_dir(self.directory)
        path = self.directory / (name or f"restore-{snapshot.id}.txt")
        write_atomic(path, snapshot.text().encode("utf-8"), FILE_MODE)
        return path

    def prune(self, keep: int = DEFAULT_KEEP) -> list[str]:
        """Delete all but the newest ``keep`` (at least one: the newest is never pruned); returns their ids."""
        keep = max(keep, 1)
        files = self._files()
        gone: list[str] = []
        for path in files[keep:]:
            try:
                path.unlink()
                gone.append(_id_of(path))
            except OSError:
                pass
        self._clean_temporaries()
        return gone

    # -- reading ----------------------------------------------------------------------------

    def listing(self) -> Listing:
        """Every readable snapshot, newest first; unreadable files are reported in ``problems``."""
        listing = Listing()
        for path in self._files():
            try:
                listing.snapshots.append(self._read(path))
            except (OSError, ValueError) as exc:
                listing.problems.append(f"{path.name}: {_reason(exc)}")
        return listing

    def ids(self) -> list[str]:
        """Every snapshot id, newest first (from the file names alone)."""
        return [_id_of(p) for p in self._files()]

    def newest(self) -> Snapshot | None:
        """The newest readable snapshot, or None."""
        for path in self._files():
            try:
                return self._read(path)
            except (OSError, ValueError):
                continue
        return None

    def load(self, snapshot_id: str) -> Snapshot:
        """One snapshot by its id or a unique prefix of it; UsageError (exit 2) when none or several match."""
        wanted = snapshot_id.strip().lower()
        if not wanted or not re.fullmatch(r"[0-9a-f]{1,8}", wanted):
            raise UsageError(f"not a snapshot id: {snapshot_id!r}", cause="ids are hex digits, e.g. 3f2a9c1d")
        matches = [p for p in self._files() if _id_of(p).startswith(wanted)]
        if not matches:
            raise UsageError(f"no snapshot {snapshot_id} for {self.env}", cause="see 'envtui snapshots' for the ids")
        if len(matches) > 1:
            ids = ", ".join(_id_of(p) for p in matches[:5])
            raise UsageError(f"snapshot id {snapshot_id} is ambiguous", cause=f"it starts {ids}; give more digits")
        try:
            return self._read(matches[0])
        except (OSError, ValueError) as exc:
            raise UsageError(f"snapshot {snapshot_id} cannot be read", cause=_reason(exc)) from exc

    def _files(self) -> list[Path]:
        try:
            names = [name for name in os.listdir(self.directory) if _FILE.match(name)]
        except OSError:
            return []
        return [self.directory / name for name in sorted(names, reverse=True)]

    def _read(self, path: Path) -> Snapshot:
        with open(path, "rb") as handle:
            data = handle.read()
        try:
            snapshot = Snapshot.from_json(json.loads(data))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValueError(f"not valid JSON ({exc})") from exc
        if snapshot.id != _id_of(path):
            raise ValueError("its id does not match its file name")
        if snapshot.env != self.env:
            raise ValueError(f"it belongs to another environment ({snapshot.env})")
        return snapshot

    def _clean_temporaries(self, older_than: float = 3600.0) -> None:
        """Remove temporary and restore files left behind (an hour old: never one in use)."""
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return
        now = time.time()
        for entry in entries:
            if entry.name.startswith((".tmp-", "restore-", ".check-")) or entry.name.endswith(".tmp"):
                try:
                    if now - entry.stat().st_mtime > older_than:
                        os.unlink(entry.path)
                except OSError:
                    pass


def _id_of(path: Path) -> str:
    """The snapshot id in a file name that ``_files`` listed (so it matches ``_FILE``)."""
    match = _FILE.match(path.name)
    return match["id"] if match else ""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def make_private_dir(path: Path) -> None:
    """Create a folder (and its parents) readable by the user alone, and make it so if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if (path.stat().st_mode & 0o777) != 0o700:
        os.chmod(path, 0o700)
