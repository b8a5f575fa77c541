"""Filter keystroke latency, burst settle time and memory with 10,000 packages listed.

Two measurements of the same thing:

* ``headless``: the app in-process (Textual's headless driver). Each sample is the time from
  posting one key event until the key is handled, the table refiltered and the compositor's
  screen update handed to the driver (``App._display``). Textual itself, no terminal between.
* ``tmux``: the real ``envtui`` in a real terminal. Each sample is the time from ``tmux
  send-keys`` until ``tmux capture-pane`` shows the new count in the table title; it includes
  tmux's own work and the polling (a capture every few ms), so it is an upper bound;
  ``tmux_measurement_floor`` is the same protocol typing into ``cat``, what the method costs.

Keystrokes: ``synth01234`` typed one key at a time (the count goes 10,000 → 1,000 → 100 → 10 →
1), then a burst of five backspaces sent at once, which widens the result back to all 10,000
(the burst's settle time is measured on its own). Repeated ``--rounds`` times.

    python benchmarks/tui_filter.py [--count 10000] [--rounds 8] [--venv PATH]

Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factory import make_synthetic_venv  # noqa: E402

QUERY = "synth01234"


def p95(samples: list[float]) -> float:
    """The 95th percentile (nearest rank)."""
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def summary(samples: list[float]) -> dict:
    """Milliseconds: median, p95, max and the count."""
    ms = [s * 1000 for s in samples]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(p95(ms), 2),
        "max_ms": round(max(ms), 2),
    }


async def headless(venv: Path, rounds: int) -> dict:
    """In-process: key posted → handled, filtered, and the compositor's update handed to the
    driver (``App._display``), with nothing between but Textual itself."""
    from textual import events

    from envtui.core.env.environment import resolve_environment
    from envtui.ui.app import EnvtuiApp
    from envtui.ui.widgets.package_table import PackageTable

    app = EnvtuiApp(resolve_environment(venv))
    keys: list[float] = []
    bursts: list[float] = []
    loop = asyncio.get_running_loop()
    state: dict = {"waiter": None, "expect": None}
    original_display = app._display

    def display(screen, renderable) -> None:
        original_display(screen, renderable)
        waiter = state["waiter"]
        if renderable is not None and waiter is not None and not waiter.done() and state["expect"]():
            waiter.set_result(time.perf_counter())

    app._display = display  # type: ignore[method-assign]

    async def timed(key_events: list[events.Key], expect) -> float:
        state["waiter"] = loop.create_future()
        state["expect"] = expect
        start = time.perf_counter()
        for event in key_events:
            app.post_message(event)
        done = await asyncio.wait_for(state["waiter"], 10)
        state["waiter"] = None
        await asyncio.sleep(0.05)  # a person's pause between keystrokes: let the app go idle
        return done - start

    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        table = app.screen.query_one(PackageTable)
        total = table.row_count
        await pilot.press("slash")
        await pilot.pause()
        for _ in range(rounds):
            typed = ""
            for char in QUERY:
                typed += char
                shown = total if len(typed) <= len("synth0") else 10 ** (len(QUERY) - len(typed))
                keys.append(
                    await timed(
                        [events.Key(char, char)],
                        lambda n=shown, q=typed: table.row_count == n and app.screen.packages.filter_text == q,
                    )
                )
            backspaces = [events.Key("backspace", None) for _ in range(5)]
            bursts.append(
                await timed(backspaces, lambda: app.screen.packages.filter_text == "synth" and table.row_count == total)
            )
            await timed(backspaces, lambda: app.screen.packages.filter_text == "" and table.row_count == total)
        await pilot.press("escape")
    return {"keystroke": summary(keys), "burst_of_5_backspaces": summary(bursts)}


#: A private tmux server for the benchmark.
SOCKET = f"envtui-filter-bench-{os.getpid()}"


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    # COLUMNS/LINES in the environment would override the terminal's real size for Textual.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, env=env)


def wait_screen(session: str, needle: str, timeout: float = 30.0) -> float:
    """Poll until ``needle`` shows; returns when it did (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while True:
        text = tmux("capture-pane", "-p", "-t", session).stdout
        if needle in text:
            return time.perf_counter()
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{needle!r} never showed:\n{text}")
        time.sleep(0.002)


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a process, in KiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0])
    return values


def tmux_floor(samples: int) -> dict:
    """What the tmux measurement costs by itself: a key typed into ``cat`` until it shows."""
    session = "floor"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", "cat")
    try:
        time.sleep(0.3)
        times = []
        for i in range(samples):
            char = "abcdefghij"[i % 10]
            start = time.perf_counter()
            tmux("send-keys", "-t", session, "-l", char)
            shown = "abcdefghij"[: i % 10 + 1]
            times.append(wait_screen(session, shown) - start)
            if i % 10 == 9:
                tmux("send-keys", "-t", session, "Enter")
                time.sleep(0.05)
        return summary(times)
    finally:
        tmux("kill-session", "-t", session)


def in_tmux(venv: Path, count: int, rounds: int) -> dict:
    """The real app in tmux: send-keys → the new count visible in the table title."""
    session = "filter"
    command = f"cd {shlex.quote(str(ROOT))} && exec {shlex.quote(sys.executable)} -m envtui {shlex.quote(str(venv))}"
    tmux("new-session", "-d", "-s", session, "-x", "120", "-y", "40", command)
    try:
        total = f"{count:,}"
        wait_screen(session, f"─ {total} packages")
        pid = int(tmux("list-panes", "-t", session, "-F", "#{pane_pid}").stdout.split()[0])
        memory = rss_kib(pid)
        tmux("send-keys", "-t", session, "/")
        time.sleep(0.2)
        keys: list[float] = []
        bursts: list[float] = []
        for _ in range(rounds):
            typed = ""
            for char in QUERY:
                typed += char
                shown = count if len(typed) <= len("synth0") else 10 ** (len(QUERY) - len(typed))
                start = time.perf_counter()
                tmux("send-keys", "-t", session, "-l", char)
                keys.append(wait_screen(session, f"─ {shown:,} of {total} packages") - start)
            start = time.perf_counter()
            tmux("send-keys", "-t", session, *["BSpace"] * 5)
            bursts.append(wait_screen(session, f"─ {total} of {total} packages") - start)
            tmux("send-keys", "-t", session, *["BSpace"] * 5)
            time.sleep(0.1)
        memory_after = rss_kib(pid)
        tmux("send-keys", "-t", session, "Escape")
        time.sleep(0.3)
        tmux("send-keys", "-t", session, "q")
        return {
            "keystroke": summary(keys),
            "burst_of_5_backspaces": summary(bursts),
            "rss_mib_listed": round(memory["VmRSS"] / 1024, 1),
            "rss_mib_after_filtering": round(memory_after["VmRSS"] / 1024, 1),
            "peak_rss_mib": round(memory_after["VmHWM"] / 1024, 1),
        }
    finally:
        tmux("kill-server")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--venv", type=Path, help="reuse (or create) the synthetic venv here")
    parser.add_argument("--skip-tmux", action="store_true")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="envtui-bench-"))
    venv = args.venv or workdir / "venv"
    if not (venv / "pyvenv.cfg").is_file():
        make_synthetic_venv(venv, args.count)
    result: dict = {
        "benchmark": "tui_filter",
        "packages": args.count,
        "rounds": args.rounds,
        "query": QUERY,
        "targets": {"keystroke_p95_ms": 50, "burst_ms": 150, "rss_mib": 250},
    }
    result["headless"] = asyncio.run(headless(venv, args.rounds))
    if not args.skip_tmux and shutil.which("tmux"):
        result["tmux"] = in_tmux(venv, args.count, args.rounds)
        result["tmux_measurement_floor"] = tmux_floor(10 * args.rounds)
    print(json.dumps(result, indent=2))
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
