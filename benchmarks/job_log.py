"""Job output throughput through the engine: the line callback, batching, and the full log on disk.

Two paths, each with ``--lines`` lines (default 200,000):

- ``engine``: a before-step emits lines as fast as it can through ``ctx.emit`` — the same
  ``_emit`` path uv's lines take (error/change detection, log file, batch buffer, listener).
- ``subprocess``: a before-step streams a real child process printing the lines through
  ``process.stream`` into the job (the pipe reading uv's output goes through too).

The listener counts lines and batches, as the TUI's does before handing them to the log pane.
The target (issue 4) for the TUI is 100,000 lines/s into the log pane; the engine must not be
the bottleneck. Prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from _common import compile_bytecode  # type: ignore[import-not-found]


async def measure(kind: str, lines: int, venv: Path) -> dict:
    from envtui.core import process
    from envtui.core.change import ChangeRequest
    from envtui.core.environment import resolve_environment
    from envtui.core.jobs import JobEngine, JobListener

    class Counter(JobListener):
        def __init__(self) -> None:
            self.lines = 0
            self.batches = 0
            self.biggest = 0

        def on_lines(self, job, batch) -> None:
            self.lines += len(batch)
            self.batches += 1
            self.biggest = max(self.biggest, len(batch))

    timing: dict[str, float] = {}

    class Flood:
        name = "flood"

        async def run(self, ctx) -> None:
            started = time.perf_counter()
            if kind == "engine":
                emit = ctx.emit
                for i in range(lines):
                    emit("stdout", f"Downloading package-{i} (12.3 MiB) ........................")
            else:
                code = (f"import sys\nw = sys.stdout.write\n"
                        f"for i in range({lines}): w(f'Downloading package-{{i}} (12.3 MiB) ........................\\n')")
                await process.stream([sys.executable, "-c", code], ctx.emit)
            timing["seconds"] = time.perf_counter() - started

    counter = Counter()
    env = resolve_environment(venv)
    engine = JobEngine(listener=counter, steps=lambda e: ([Flood()], []))
    # uninstalling something absent is quick and changes nothing: the flood is the job
    job = await engine.run(env, ChangeRequest.uninstall(["not-installed-anywhere"]))
    log_lines = sum(1 for _ in open(job.log_path, encoding="utf-8"))
    return {
        "lines": lines,
        "seconds": round(timing["seconds"], 3),
        "lines_per_s": round(lines / timing["seconds"]),
        "batches": counter.batches,
        "biggest_batch": counter.biggest,
        "lines_delivered": counter.lines,
        "lines_in_log_file": log_lines,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    compile_bytecode()
    from tests.factory import make_venv

    work = Path(tempfile.mkdtemp(prefix="envtui-job-log-"))
    os.environ["ENVTUI_STATE_DIR"] = str(work / "state")
    os.environ["UV_OFFLINE"] = "1"
    venv = make_venv(work / "venv")
    report = {"benchmark": "job_log", "target_lines_per_s": 100_000}
    for kind in ("engine", "subprocess"):
        report[kind] = asyncio.run(measure(kind, args.lines, venv))
    report["ok"] = all(report[k]["lines_per_s"] >= 100_000 for k in ("engine", "subprocess"))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
