"""One change at a time per environment, across processes: an ``flock`` on a file per venv.

uv has its own venv lock, but it gives up after a timeout; envtui's lock waits as long as it
takes, says whom it is waiting for, and can be given up (a cancelled job) at any moment.
Lock files live under ``locks_dir()``, named for the environment's resolved path. The kernel
drops the lock when its holder exits, however it exits, so a crash never leaves a stale lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from envtui.core.errors import EnvtuiError
from envtui.core.locations import locks_dir
from envtui.core.private import open_private_fd
from envtui.core.secrets import mask_credentials

#: How often a waiter tries again, in seconds.
POLL_INTERVAL = 0.05

try:  # the built-in SHA-256: importing hashlib loads OpenSSL, which costs every CLI run time
    from _sha2 import sha256  # Python 3.12+
except ImportError:  # pragma: no cover - depends on the Python version
    try:
        from _sha256 import sha256  # Python 3.10, 3.11
    except ImportError:
        from hashlib import sha256


def lock_path(env_path: str | os.PathLike[str]) -> Path:
    """The lock file for one environment (the same for every spelling of its path)."""
    resolved = str(Path(env_path).resolve())
    digest = sha256(resolved.encode()).hexdigest()[:16]
    stem = Path(resolved).name or "root"
    return locks_dir() / f"{stem}-{digest}.lock"


class EnvLock:
    """The cross-process lock of one environment (not re-entrant; one holder per object)."""

    def __init__(self, env_path: str | os.PathLike[str]) -> None:
        self.path = lock_path(env_path)
        self._fd: int | None = None

    def try_acquire(self, holder: str = "") -> bool:
        """Take the lock if it is free; write ``holder`` (who we are) into the file for waiters."""
        if self._fd is not None:
            return True
        try:
            fd = open_private_fd(self.path)  # 0600 in a 0700 folder: it names what the job installs
        except OSError as exc:
            raise EnvtuiError(f"cannot create lock file {self.path}", cause=exc.strerror) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as exc:
            os.close(fd)
            raise EnvtuiError(f"cannot lock {self.path}", cause=exc.strerror) from exc
        os.ftruncate(fd, 0)
        os.write(fd, mask_credentials(f"{os.getpid()} {holder}".strip()).encode() + b"\n")
        self._fd = fd
        return True

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it (``PID description``); may be empty."""
        try:
            return self.path.read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            return ""

    def release(self) -> None:
        """Let the next job in (a no-op when not held)."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
