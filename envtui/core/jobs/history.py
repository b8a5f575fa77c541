"""Job history: one JSON record and one full log per job, under ``jobs_dir()``.

``<id>.json`` holds the command, environment, start, duration, exit status and the highlighted
error lines; ``<id>.log`` holds every line the job printed (uv's stdout and stderr and envtui's
own notes), however many, so the UI can keep only the tail. Ids sort by start time.

Both are private (0600 in a 0700 folder) and hold no secret: credentials in URLs (a spec's
``https://user:token@…``) are masked in the record and in every log line, as uv masks them.
A record that cannot be read, or that holds the wrong kind of value, is skipped with a warning:
one bad file never takes the history down.
"""

from __future__ import annotations

import json
import os
import re
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

from envtui.core.errors import UsageError
from envtui.core.inputs import loads_json, read_text
from envtui.core.locations import jobs_dir
from envtui.core.private import open_private, write_private
from envtui.core.secrets import mask_argv, mask_credentials

#: How many jobs the history keeps (records and logs); older ones are pruned.
KEEP = 1000
#: What a job id looks like (it names files: no separators, no "..").
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
#: Each field of a record and the types it may hold (None where the field is optional).
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "id": (str,),
    "kind": (str,),
    "env": (str,),
    "command": (list,),
    "status": (str,),
    "description": (str,),
    "started": (int, float, type(None)),
    "duration": (int, float, type(None)),
    "returncode": (int, type(None)),
    "log": (str,),
    "error_lines": (list,),
    "message": (str,),
    "pid": (int,),
}


def new_job_id(now: float | None = None) -> str:
    """A unique id that sorts by start time, e.g. ``20261126-051203-4071f3a`` (milliseconds, then random)."""
    now = time.time() if now is None else now
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    return f"{stamp}-{int(now * 1000) % 1000:03d}{os.urandom(2).hex()}"


@dataclass
class JobRecord:
    """What is kept of one job after it ends (the ``envtui jobs --json`` shape)."""

    id: str
    kind: str
    """``install``, ``upgrade``, ``uninstall`` or ``sync``."""
    env: str
    """The environment's path."""
    command: list[str]
    """The uv command line that ran (an argument list)."""
    status: str
    """``queued``, ``running``, ``succeeded``, ``failed``, ``cancelled`` or ``interrupted``."""
    description: str = ""
    """What the user asked for, e.g. ``install alpha beta==1.1``."""
    started: float | None = None
    """Start time, seconds since the epoch."""
    duration: float | None = None
    """Seconds from start to end (None while running)."""
    returncode: int | None = None
    """uv's exit status (None when uv did not run)."""
    log: str = ""
    """Path of the full log."""
    error_lines: list[str] = field(default_factory=list)
    """uv's error lines (and envtui's own reason), to highlight."""
    message: str = ""
    """One line saying how it ended, e.g. the failing step."""
    snapshot: str | None = None
    """The snapshot taken before the job: restoring it (``envtui rollback ID``) undoes the job."""
    pid: int = field(default_factory=os.getpid)
    """The envtui process that ran it (to tell a crashed run from a running one)."""

    def to_json(self) -> dict:
        """A plain dict for JSON, with credentials in URLs masked (it is stored and shown, never run)."""
        data = asdict(self)
        data["command"] = mask_argv(self.command)
        data["error_lines"] = [mask_credentials(line) for line in self.error_lines]
        for key in ("description", "message"):
            data[key] = mask_credentials(data[key])
        return data

    @classmethod
    def from_json(cls, data: object) -> JobRecord:
        """Read a record back, ignoring keys a newer envtui may have added; ValueError when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        for key in ("id", "kind", "env", "command", "status"):
            if key not in data:
                raise ValueError(f"no {key!r}")
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key, value in known.items():
            allowed = _FIELD_TYPES.get(key)
            if allowed is not None and (not isinstance(value, allowed) or isinstance(value, bool)):
                raise ValueError(f"{key!r} holds {type(value).__name__}")
        for key in ("command", "error_lines"):
            if not all(isinstance(item, str) for item in known.get(key, ())):
                raise ValueError(f"{key!r} holds something other than text")
        if not _ID.fullmatch(known["id"]):
            raise ValueError("its id is not a job id")
        return cls(**known)


def valid_id(job_id: str) -> bool:
    """Whether ``job_id`` could name a job (and so a file in the jobs folder, nothing outside it)."""
    return bool(_ID.fullmatch(job_id))


def record_path(job_id: str) -> Path:
    """Where a job's record lives."""
    return jobs_dir() / f"{job_id}.json"


def log_path(job_id: str) -> Path:
    """Where a job's full log lives."""
    return jobs_dir() / f"{job_id}.log"


def save(record: JobRecord) -> None:
    """Write (or rewrite) a record atomically, privately, with credentials masked.

    Not fsynced: a record is rewritten as its job goes (queued, running, finished) and a rename
    already makes each write whole; syncing would put a disk flush between the user and uv
    each time. The snapshot taken before a change is what must survive, and it is synced."""
    write_private(record_path(record.id), json.dumps(record.to_json(), ensure_ascii=False), durable=False)


class _MaskingLog:
    """A job's log file: each line written with URL credentials masked (the same line goes to uv unmasked)."""

    __slots__ = ("_file", "close", "flush")

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.flush = file.flush
        self.close = file.close

    def write(self, text: str) -> int:
        """Write ``text``, masked when it holds a URL with credentials."""
        if "://" in text:
            text = mask_credentials(text)
        return self._file.write(text)


def open_log(path: str | os.PathLike[str], *, buffering: int = 1 << 16) -> IO[str]:
    """A job's log, opened to write from the start: private, and masking credentials line by line."""
    return _MaskingLog(open_private(path, buffering=buffering))  # type: ignore[return-value]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def read(job_id: str) -> JobRecord:
    """One record; FileNotFoundError when there is none, ValueError when it cannot be read as one."""
    if not valid_id(job_id):
        raise FileNotFoundError(job_id)
    path = record_path(job_id)
    if not path.exists():
        raise FileNotFoundError(job_id)
    try:
        text = read_text(path, limit=4 << 20, what="job record")
        record = JobRecord.from_json(loads_json(text))
    except UsageError as exc:
        raise ValueError(exc.cause or exc.message) from exc
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from exc
    if record.id != job_id:
        raise ValueError(f"it says it is job {record.id!r}")
    if record.status in ("queued", "running") and not _alive(record.pid):
        record.status = "interrupted"
    return record


def load(job_id: str) -> JobRecord | None:
    """One record, or None when it is missing or unreadable."""
    try:
        return read(job_id)
    except (OSError, ValueError):
        return None


def load_all(*, env: str | None = None, limit: int | None = None, skipped: list[str] | None = None) -> list[JobRecord]:
    """Records, newest first; only one environment's when ``env`` is given.

    A record that cannot be read is left out; ``skipped`` (when given) gets one line saying
    which and why, for a warning.
    """
    directory = jobs_dir()
    try:
        ids = sorted((p.stem for p in directory.glob("*.json")), reverse=True)
    except OSError:
        return []
    records: list[JobRecord] = []
    wanted = str(Path(env).resolve()) if env else None
    for job_id in ids:
        try:
            record = read(job_id)
        except FileNotFoundError:
            continue  # pruned meanwhile
        except (OSError, ValueError) as exc:
            if skipped is not None:
                skipped.append(f"skipped the unreadable job record {record_path(job_id)}: {exc}")
            continue
        if wanted is not None and str(Path(record.env).resolve()) != wanted:
            continue
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def record_refused(
    env: str, kind: str, command: list[str], description: str, message: str, lines: list[str]
) -> JobRecord:
    """Keep a change that never ran because uv refused it at the preview, so it shows with the jobs."""
    record = JobRecord(
        id=new_job_id(),
        kind=kind,
        env=env,
        command=list(command),
        status="failed",
        description=description,
        started=time.time(),
        duration=0.0,
        message=message,
        error_lines=list(lines[:60]),
    )
    path = log_path(record.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(line + "\n" for line in [f"$ {' '.join(command)}", *lines]), encoding="utf-8")
    record.log = str(path)
    save(record)
    return record


def explicitly_installed(env: str) -> set[str]:
    """Canonical names the user had envtui install in ``env`` by name (its succeeded install jobs).

    They count as top-level for "upgrade all" even when something installed later requires them.
    """
    from envtui.core.env.names import requirement_key

    names: set[str] = set()
    for record in load_all(env=env):
        if record.kind != "install" or record.status != "succeeded" or "--" not in record.command:
            continue
        for spec in record.command[record.command.index("--") + 1 :]:
            key = requirement_key(spec)
            if key:
                names.add(key)
    return names


def matching_ids(prefix: str) -> list[str]:
    """Ids of the jobs that start with ``prefix``, newest first (only the job itself when the id is whole)."""
    prefix = prefix.strip()
    if not prefix or "/" in prefix or prefix.startswith("."):
        return []
    if record_path(prefix).is_file():
        return [prefix]
    try:
        return sorted((p.stem for p in jobs_dir().glob("*.json") if p.stem.startswith(prefix)), reverse=True)
    except OSError:
        return []


def prune(keep: int = KEEP) -> int:
    """Delete the oldest records and logs beyond ``keep``; returns how many jobs went."""
    try:
        ids = sorted(p.stem for p in jobs_dir().glob("*.json"))
    except OSError:
        return 0
    old = ids[:-keep] if keep > 0 else ids
    for job_id in old:
        for path in (record_path(job_id), log_path(job_id)):
            try:
                path.unlink()
            except OSError:
                pass
    return len(old)


def read_log(job_id: str, *, tail: int | None = None) -> list[str]:
    """A job's log lines (the last ``tail`` of them when given)."""
    path = log_path(job_id)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO must not hang us
    except OSError:
        return []
    with open(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return []
            if tail and info.st_size > tail * 1024:  # the tail alone, however long the log
                handle.seek(info.st_size - tail * 1024)
            data = handle.read()
        except OSError:
            return []
    lines = data.decode("utf-8", "replace").splitlines()
    return lines[-tail:] if tail else lines


def exit_text(returncode: int | None) -> str:
    """uv's exit status as people read it: ``-`` before it ran, the signal's name when one ended
    it (``SIGINT`` for a cancelled job, not Python's ``-2``), else the number."""
    if returncode is None:
        return "-"
    if returncode < 0:
        import signal

        try:
            return signal.Signals(-returncode).name
        except ValueError:
            return f"signal {-returncode}"
    return str(returncode)
