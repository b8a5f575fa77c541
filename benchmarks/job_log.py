"""Job output throughput through the engine: the line callback, batching, and the full log on disk.

Two paths, each with ``--lines`` lines (default 200,000):

- ``engine``: a before-step emits lines as fast as it can through ``ctx.emit`` — the same
  path uv's lines take (error/change detection, log file, batch buffer, listener).
- ``subprocess``: a before-step runs a real child process printing the lines with ``ctx.run``
  (the pipe reading and line splitting uv's output goes through too).

- ``tui``: the same child process, through the engine (in the TUI's job worker thread) and the
  TUI's listener (batches posted as messages) into the job log pane of the real app (headless),
  with key presses timed while it floods.

The target (issue 4): at least 100,000 lines/s into the log pane, key presses answered in at
most 100 ms (p95) meanwhile. Prints JSON.
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


def measure(kind: str, lines: int, venv: Path) -> dict:
    from envtui.core.env.environment import resolve_environment
    from envtui.core.jobs.change import ChangeRequest
    from envtui.core.jobs.engine import JobEngine
    from envtui.core.jobs.job import JobListener

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

        def run(self, ctx) -> None:
            started = time.perf_counter()
            if kind == "engine":
                emit = ctx.emit
                for i in range(lines):
                    emit("stdout", f"Downloading package-{i} (12.3 MiB) ........................")
            else:
                code = (
                    f"import sys\nw = sys.stdout.write\n"
                    f"for i in range({lines}): w(f'Downloading package-{{i}} (12.3 MiB) ........................\\n')"
                )
                ctx.run([sys.executable, "-c", code])
            timing["seconds"] = time.perf_counter() - started

    counter = Counter()
    env = resolve_environment(venv)
    engine = JobEngine(listener=counter, steps=lambda e: ([Flood()], []))
    # uninstalling something absent is quick and changes nothing: the flood is the job
    job = engine.run_blocking(env, ChangeRequest.uninstall(["not-installed-anywhere"]))
    with open(job.log_path, encoding="utf-8") as log:
        log_lines = sum(1 for _ in log)
    return {
        "lines": lines,
        "seconds": round(timing["seconds"], 3),
        "lines_per_s": round(lines / timing["seconds"]),
        "batches": counter.batches,
        "biggest_batch": counter.biggest,
        "lines_delivered": counter.lines,
        "lines_in_log_file": log_lines,
    }


async def measure_tui(lines: int, venv: Path, presses: int = 200, press_every: float = 0.05) -> dict:
    """Lines/s from a child process through the engine into the TUI's log pane, keys meanwhile.

    The app runs headless (``run_test``); a before-step streams ``lines`` lines from a child
    process into the job, as uv's output would arrive. While it floods, ``down`` (the table's
    cursor) is pressed again and again; each press is timed until the key was handled and the screen caught up.
    """
    import statistics

    from textual import events

    from envtui.core.env.environment import resolve_environment
    from envtui.core.jobs.change import ChangeRequest
    from envtui.ui.app import EnvtuiApp

    code = (
        f"import sys\nw = sys.stdout.write\n"
        f"for i in range({lines}): w(f'Downloading package-{{i}} (12.3 MiB) ........................\\n')"
    )
    marks: dict[str, float] = {}

    class Flood:
        name = "flood"

        def run(self, ctx) -> None:
            marks["start"] = time.perf_counter()
            ctx.run([sys.executable, "-c", code])
            marks["streamed"] = time.perf_counter()

    app = EnvtuiApp(resolve_environment(venv))
    latencies: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        screen.jobs_engine.steps = lambda env: ([Flood()], [])
        log = screen.job_pane.job_log
        before = log.received
        job = screen.jobs_submit(ChangeRequest.uninstall(["not-installed-anywhere"]))
        while "start" not in marks:
            await pilot.pause(0.005)
        handled: list[float] = []
        table = screen.table
        original = table.action_cursor_down

        def timed_down() -> None:
            handled.append(time.perf_counter())
            original()

        table.action_cursor_down = timed_down
        table.focus()
        while not job.finished and len(latencies) < presses:
            # a key as the terminal driver delivers it; timed until its action ran
            count = len(handled)
            started = time.perf_counter()
            app.post_message(events.Key("down", None))
            while len(handled) == count and not job.finished:
                await asyncio.sleep(0.001)
            if len(handled) > count:
                latencies.append(handled[-1] - started)
            await asyncio.sleep(press_every)
        while not job.finished:
            await pilot.pause(0.005)
        while log.pending or log.received - before < lines:
            await pilot.pause(0.005)
        log.flush()
        shown = time.perf_counter()
    seconds = shown - marks["start"]
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)] if latencies else None
    return {
        "lines": lines,
        "seconds_until_shown": round(seconds, 3),
        "lines_per_s": round(lines / seconds),
        "key_presses_during_flood": len(latencies),
        "key_press_interval_ms": round(press_every * 1000) if presses else None,
        "key_p95_ms": round(p95 * 1000, 1) if p95 is not None else None,
        "key_median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "lines_kept_in_pane": log.line_count,
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
        report[kind] = measure(kind, args.lines, venv)
    report["tui_no_keys"] = asyncio.run(measure_tui(args.lines, venv, presses=0))
    report["tui"] = asyncio.run(measure_tui(args.lines, venv))
    report["ok"] = all(report[k]["lines_per_s"] >= 100_000 for k in ("engine", "subprocess", "tui")) and (
        report["tui"]["key_p95_ms"] is not None and report["tui"]["key_p95_ms"] <= 100
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
