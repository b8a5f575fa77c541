"""Job history: one JSON record and one full log per job, under ``jobs_dir()``.

``<id>.json`` holds the command, environment, start, duration, exit status and the highlighted
error lines; ``<id>.log`` holds every line the job printed (uv's stdout and stderr and envtui's
own notes), however many, so the UI can keep only the tail. Ids sort by start time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from envtui.core.locations import jobs_dir

#: How many jobs the history keeps (records and logs); older ones are pruned.
KEEP = 1000


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
    pid: int = field(default_factory=os.getpid)
    """The envtui process that ran it (to tell a crashed run from a running one)."""

    def to_json(self) -> dict:
        """A plain dict for JSON."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> JobRecord:
        """Read a record back, ignoring keys a newer envtui may have added."""
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def record_path(job_id: str) -> Path:
    """Where a job's record lives."""
    return jobs_dir() / f"{job_id}.json"


def log_path(job_id: str) -> Path:
    """Where a job's full log lives."""
    return jobs_dir() / f"{job_id}.log"


def save(record: JobRecord) -> None:
    """Write (or rewrite) a record atomically."""
    path = record_path(record.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(record.to_json(), ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def load(job_id: str) -> JobRecord | None:
    """One record, or None when it is missing or unreadable."""
    try:
        record = JobRecord.from_json(json.loads(record_path(job_id).read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    if record.status in ("queued", "running") and not _alive(record.pid):
        record.status = "interrupted"
    return record


def load_all(*, env: str | None = None, limit: int | None = None) -> list[JobRecord]:
    """Records, newest first; only one environment's when ``env`` is given."""
    directory = jobs_dir()
    try:
        ids = sorted((p.stem for p in directory.glob("*.json")), reverse=True)
    except OSError:
        return []
    records: list[JobRecord] = []
    wanted = str(Path(env).resolve()) if env else None
    for job_id in ids:
        record = load(job_id)
        if record is None:
            continue
        if wanted is not None and str(Path(record.env).resolve()) != wanted:
            continue
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


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
    try:
        with open(log_path(job_id), encoding="utf-8", errors="replace") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return []
    return lines[-tail:] if tail else lines
