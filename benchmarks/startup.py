"""Cold start in a real terminal: envtui, a bare Textual app and ``pip list``, alternating.

Each run starts a fresh tmux session (120x40) with the command and polls the screen until the
finished result shows: for envtui the table's title ``2,000 packages`` (and, on the way, when the
environment's name first appears: its first useful paint); for the bare Textual app its one
line; for ``python -m pip --python VENV list`` its last package. The clock runs from asking tmux
for the session until then. One warm-up each, then the commands take turns, so load from other
work hits all of them alike; medians are reported.

Where the time goes is measured in the same rounds, outside the terminal: the interpreter
starting, importing ``textual.app`` (what the bare app imports), importing envtui's app module
(Textual included), and ``envtui list --json`` on the same venv (the listing the app runs in a
child process while it imports). What is left of the start-up is building the app, its CSS and
layout, and painting. ``-X importtime`` splits the import by who is imported (envtui's UI,
envtui's core, Textual, Rich, packaging, the rest).
"""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

from benchmarks._common import Terminal, median, timed
from benchmarks.workloads import MEDIUM, SMALL, Workloads


def _run(term: Terminal, command: str, cwd: Path, marks: dict[str, str]) -> dict[str, float]:
    """Seconds from launch until each mark's text first shows (the last mark ends the run)."""
    started = time.perf_counter()
    session = term.start(command, cwd)
    seen: dict[str, float] = {}
    final = list(marks)[-1]
    try:
        deadline = started + 120
        while final not in seen:
            text = term.screen(session)
            now = time.perf_counter()
            for name, needle in marks.items():
                if name not in seen and needle in text:
                    seen[name] = now - started
            if now > deadline:
                raise TimeoutError(f"{marks[final]!r} never showed; the screen:\n{text}")
            time.sleep(0.002)
    finally:
        term.kill(session)
    time.sleep(0.1)  # let the killed process go before the next one starts
    return seen


#: How ``-X importtime`` lines are grouped: the first prefix a module's name starts with.
IMPORT_GROUPS = (
    ("envtui.ui", "envtui.ui"),
    ("envtui.core", "envtui.core"),
    ("envtui", "envtui.core"),
    ("textual", "textual"),
    ("rich", "rich"),
    ("packaging", "packaging"),
)


def import_times(loads: Workloads, runs: int) -> dict[str, float]:
    """Milliseconds of importing envtui's app module, by group (``-X importtime`` self times; the
    lowest of ``runs`` runs for each module, so other work on the machine weighs less). The
    collector is paused, as the app pauses it: its pauses would land on whichever module was
    being imported."""
    lowest: dict[str, int] = {}
    for _ in range(runs):
        done = subprocess.run(
            [str(loads.python), "-X", "importtime", "-c", "import gc; gc.disable(); import envtui.ui.envtui_app"],
            capture_output=True,
            text=True,
            env=loads.env,
            cwd=loads.project,  # not a checkout: ``-c`` puts the working directory first on sys.path
            check=True,
        )
        for line in done.stderr.splitlines():
            fields = line.removeprefix("import time:").split("|")
            if len(fields) != 3 or not fields[0].strip().isdigit():
                continue
            name = fields[2].strip()
            lowest[name] = min(lowest.get(name, 1 << 60), int(fields[0]))
    groups: dict[str, float] = {}
    for name, micros in lowest.items():
        group = next((g for prefix, g in IMPORT_GROUPS if name == prefix or name.startswith(prefix + ".")), "other")
        groups[group] = groups.get(group, 0) + micros / 1000
    return {group: round(ms, 1) for group, ms in sorted(groups.items(), key=lambda kv: -kv[1])}


def measure(loads: Workloads, term: Terminal, runs: int, import_runs: int, *, small: bool = True) -> dict:
    """Medians of ``runs`` alternating cold starts of each command (the 60-package venv's only
    with ``small``); the import breakdown by group from ``import_runs`` runs (none: not measured)."""
    q = shlex.quote
    venv, small_venv = loads.venvs[MEDIUM], loads.venvs[SMALL]
    commands: dict[str, tuple[str, dict[str, str]]] = {
        "envtui": (
            f"{q(str(loads.envtui))} {q(str(venv))}",
            {"first_paint": venv.name, "table": f"─ {MEDIUM:,} packages"},
        ),
        "textual_floor": (f"{q(str(loads.python))} {q(str(loads.floor_app))}", {"paint": "textual floor: first paint"}),
        "pip_list": (
            f"{q(str(loads.python))} -m pip --python {q(str(venv / 'bin' / 'python'))} list "
            "--disable-pip-version-check",
            {"done": f"synth{MEDIUM - 1:05d}"},
        ),
    }
    if small:
        commands["envtui_60"] = (f"{q(str(loads.envtui))} {q(str(small_venv))}", {"table": f"─ {SMALL} packages"})
    parts: dict[str, list[str]] = {
        "python": [str(loads.python), "-c", "pass"],
        "import_textual": [str(loads.python), "-c", "import textual.app"],
        # As the app does it: with the cyclic collector paused (``envtui.ui.app.run_app``).
        "import_envtui_app": [str(loads.python), "-c", "import gc; gc.disable(); import envtui.ui.envtui_app"],
        "list_json": [str(loads.envtui), "list", "--json", "--venv", str(venv)],
    }
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    part_samples: dict[str, list[float]] = {name: [] for name in parts}
    for command, marks in commands.values():  # warm-up: the page cache, uv's and Python's first runs
        _run(term, command, loads.project, marks)
    for _ in range(runs):
        for name, (command, marks) in commands.items():
            samples[name].append(_run(term, command, loads.project, marks))
        for name, argv in parts.items():
            part_samples[name].append(timed(argv, loads.env, cwd=loads.project))

    def med(name: str, mark: str) -> float:
        return round(median([s[mark] for s in samples[name]]), 3)

    def every(name: str, mark: str) -> list[float]:
        return [round(s[mark], 3) for s in samples[name]]

    result = {
        "startup_s": med("envtui", "table"),
        "startup_first_paint_s": med("envtui", "first_paint"),
        "startup_textual_floor_s": med("textual_floor", "paint"),
        "startup_pip_list_s": med("pip_list", "done"),
        "runs": {
            "envtui": every("envtui", "table"),
            "envtui_first_paint": every("envtui", "first_paint"),
            "textual_floor": every("textual_floor", "paint"),
            "pip_list": every("pip_list", "done"),
        },
    }
    if small:
        result["startup_60_s"] = med("envtui_60", "table")
        result["runs"]["envtui_60"] = every("envtui_60", "table")
        result["startup_60_vs_floor"] = round(result["startup_60_s"] / result["startup_textual_floor_s"], 3)
    result["startup_breakdown_s"] = {name: round(median(values), 3) for name, values in part_samples.items()}
    if import_runs:
        result["startup_import_ms"] = import_times(loads, import_runs)
    result["startup_vs_floor"] = round(result["startup_s"] / result["startup_textual_floor_s"], 3)
    result["startup_vs_pip"] = round(result["startup_s"] / result["startup_pip_list_s"], 3)
    return result
