"""Private state: what envtui keeps under its state directory is for its owner's eyes only.

Job records and logs name packages, paths and commands; trust records decide what runs. So every
folder envtui makes under the state directory is 0700 and every file 0600, whatever the umask
(envtui often runs as root with umask 022). Files are written whole (a private temporary file,
then a rename), so a reader never sees half a record.

Everything that writes under :func:`~envtui.core.locations.state_dir` goes through here:
:func:`private_dir` for a folder, :func:`write_private` for a whole file, :func:`open_private`
for one written as it goes (a log), :func:`open_private_fd` for a lock file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import IO

from envtui.core.locations import state_dir

DIR_MODE = 0o700
FILE_MODE = 0o600


def _tighten(path: Path, mode: int) -> None:
    """Take group and other bits off something envtui made earlier (e.g. by an older version)."""
    try:
        info = path.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) & 0o077:
            os.chmod(path, mode)
    except OSError:
        pass


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Make ``path`` (and its missing parents) a folder only its owner can enter; returns it.

    Under the state directory every level from the state directory down is 0700 (an existing
    one loosened by an older envtui is tightened; a state directory named by
    ``ENVTUI_STATE_DIR`` that existed before is the user's and left alone). Elsewhere only the
    folders it makes are 0700.
    """
    target = Path(path)
    root = state_dir()
    try:
        below = target.relative_to(root).parts
    except ValueError:
        target.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        return target
    root.parent.mkdir(parents=True, exist_ok=True)
    levels = [root]
    for part in below:
        levels.append(levels[-1] / part)
    for index, level in enumerate(levels):
        try:
            level.mkdir(mode=DIR_MODE)
        except FileExistsError:
            if index or not os.environ.get("ENVTUI_STATE_DIR"):
                _tighten(level, DIR_MODE)
    return target


def write_private(path: str | os.PathLike[str], data: str | bytes, *, durable: bool = True) -> None:
    """Write a whole file under a private folder, mode 0600, atomically (see :func:`write_atomic`)."""
    target = Path(path)
    private_dir(target.parent)
    write_atomic(target, data.encode("utf-8") if isinstance(data, str) else data, FILE_MODE, durable=durable)


def write_atomic(path: Path, data: bytes, mode: int, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` whole: a temporary file beside it (``mode``), fsync, rename, fsync the folder.

    A crash leaves the old file or the new, never half of one. ``durable=False`` skips both
    fsyncs: the rename still makes the write whole for every reader and survives envtui being
    killed; only a power cut may lose it. That suits what is rewritten as a job goes (its
    record): each fsync costs 4–12 ms on a VM's disk, on the way to uv. ``os.open`` rather
    than ``tempfile``: importing tempfile costs a job more than writing the file. Raises OSError.
    """
    tmp = path.parent / f".{path.name}.{os.getpid()}-{os.urandom(4).hex()}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, mode)
    try:
        try:
            os.fchmod(fd, mode)  # whatever the umask
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if not durable:
        return
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def open_private_fd(path: str | os.PathLike[str], flags: int = os.O_RDWR | os.O_CREAT) -> int:
    """Open (creating) a file mode 0600 and return its descriptor; a symlink is refused."""
    target = Path(path)
    private_dir(target.parent)
    fd = os.open(target, flags | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    try:
        if stat.S_IMODE(os.fstat(fd).st_mode) != FILE_MODE:
            os.fchmod(fd, FILE_MODE)  # made earlier, looser
    except OSError:
        pass
    return fd


def open_private(path: str | os.PathLike[str], *, buffering: int = -1) -> IO[str]:
    """A text file to write from the start, mode 0600 (e.g. a job's log)."""
    fd = open_private_fd(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    return os.fdopen(fd, "w", encoding="utf-8", errors="replace", buffering=buffering)
