"""Measure every speed promise of envtui side by side, in one run, on workloads built here.

    python benchmarks/run.py [--quick] [--json] [--offline] [--workdir DIR] [--only SECTION,...]

Builds its own workloads (``benchmarks/workloads.py``: an install of this checkout made with
``uv pip install --compile-bytecode``, synthetic venvs of 60, 2,000 and 10,000 distributions, a
local wheelhouse), then runs each section, comparisons interleaved inside it:

- ``startup``: envtui, a bare Textual app and ``pip list`` cold in tmux 120x40 (``startup.py``);
- ``list``: ``envtui list --json`` against ``pip list --format json`` (``cli.py``);
- ``filter``: keystrokes on 10,000 packages in tmux, and memory (``filtering.py``);
- ``log``: a job's output into the log pane: lines/s, keys meanwhile, terminal bytes (``job_log.py``);
- ``install``: ``envtui install`` against ``uv pip install``, 40 local wheels (``cli.py``).

Prints a table (figure, target, met or not) or, with ``--json``, one JSON object whose headline
keys are numbers. Every figure is measured in this run. ``--quick`` repeats less (under 45 s on
two cores, workloads included); the full run repeats as the README's table did.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import cli, filtering, job_log, startup, workloads
from benchmarks._common import Terminal, load_average

SECTIONS = ("startup", "list", "filter", "log", "install")

#: Repetitions and sizes: (quick, full).
REPEATS = {
    "startup_runs": (1, 5),
    "list_runs": (1, 7),
    "filter_rounds": (1, 3),
    "floor_keys": (10, 60),
    "log_runs": (1, 3),
    "log_lines": (100_000, 200_000),
    "install_runs": (1, 11),
    "import_runs": (0, 5),
}


def targets(r: dict) -> list[tuple[str, str, str, bool | None]]:
    """(what, figure, target, met) for every promise, from the results ``r``."""
    rows: list[tuple[str, str, str, bool | None]] = []

    def add(key: str, what: str, figure: Callable[[], str], target: str, met: Callable[[], bool | None]) -> None:
        if key in r:
            rows.append((what, figure(), target, met()))

    add(
        "startup_s",
        "start-up to the full table, 2,000 packages",
        lambda: f"{r['startup_s']:.2f} s",
        "",
        lambda: None,
    )
    add(
        "startup_s",
        "  against a bare Textual app's first paint",
        lambda: f"{r['startup_vs_floor']:.2f}x ({r['startup_textual_floor_s']:.2f} s)",
        "≤ 1.5x",
        lambda: r["startup_vs_floor"] <= 1.5,
    )
    add(
        "startup_s",
        "  against pip list in the same terminal",
        lambda: f"{r['startup_vs_pip']:.2f}x ({r['startup_pip_list_s']:.2f} s)",
        "≤ 0.40x",
        lambda: r["startup_vs_pip"] <= 0.40,
    )
    add(
        "startup_first_paint_s",
        "  first paint (the environment's name)",
        lambda: (
            f"{r['startup_first_paint_s'] / r['startup_textual_floor_s']:.2f}x ({r['startup_first_paint_s']:.2f} s)"
        ),
        "≤ 1.5x, not after the table",
        lambda: (
            r["startup_first_paint_s"] <= r["startup_s"]
            and r["startup_first_paint_s"] <= 1.5 * r["startup_textual_floor_s"]
        ),
    )
    add(
        "startup_60_s",
        "start-up, 60 packages, against the bare app",
        lambda: f"{r['startup_60_vs_floor']:.2f}x ({r['startup_60_s']:.2f} s)",
        "≤ 1.5x",
        lambda: r["startup_60_vs_floor"] <= 1.5,
    )
    add(
        "list_vs_pip_ratio",
        "envtui list --json / pip list --format json",
        lambda: (
            f"{r['list_vs_pip_ratio']:.2f}x ({r['list_s']:.2f} s / {r['list_pip_s']:.2f} s; uv {r['list_uv_s']:.2f} s)"
        ),
        "≤ 0.20x",
        lambda: r["list_vs_pip_ratio"] <= 0.20,
    )
    add(
        "filter_ms_p95",
        f"filter keystroke, 10,000 packages, p95 of {r.get('filter_keystrokes')}",
        lambda: f"{r['filter_ms_p95']:.0f} ms (median {r['filter_ms_median']:.0f})",
        "≤ 35 ms",
        lambda: r["filter_ms_p95"] <= 35,
    )
    add(
        "filter_floor_ms_p95",
        "  a bare Textual app's keystroke, same terminal, p95",
        lambda: f"{r['filter_floor_ms_p95']:.0f} ms (median {r['filter_floor_ms_median']:.0f})",
        "",
        lambda: None,
    )
    add(
        "filter_burst_ms_max",
        f"  burst of {r.get('filter_burst_backspaces')} backspaces back to all, worst",
        lambda: f"{r['filter_burst_ms_max']:.0f} ms",
        "≤ 75 ms",
        lambda: r["filter_burst_ms_max"] <= 75,
    )
    add(
        "filter_floor_burst_ms_max",
        "  the same burst into a bare Textual app's input, worst",
        lambda: f"{r['filter_floor_burst_ms_max']:.0f} ms",
        "",
        lambda: None,
    )
    add(
        "rss_mb_10k",
        "memory with 10,000 packages (RSS; peak)",
        lambda: f"{r['rss_mb_10k']:.0f} MB ({r['rss_mb_10k_peak']:.0f} MB)",
        "≤ 250 MB",
        lambda: r["rss_mb_10k"] <= 250,
    )
    add(
        "log_lines_per_s",
        "job output into the log pane, lines/s (slowest run)",
        lambda: f"{r['log_lines_per_s']:,} ({r['log_lines_per_s_min']:,})",
        "≥ 150,000",
        lambda: r["log_lines_per_s_min"] >= 150_000,
    )
    add(
        "keypress_ms_p95_during_log",
        f"  keys while it streams (cursor moved), p95 of {r.get('keypresses_during_log')}",
        lambda: f"{r['keypress_ms_p95_during_log']:.0f} ms (median {r['keypress_ms_median_during_log']:.0f})",
        "≤ 50 ms",
        lambda: r["keypress_ms_p95_during_log"] <= 50,
    )
    add(
        "details_follow_ms_p95_during_log",
        "  the details pane following the cursor, p95",
        lambda: f"{r['details_follow_ms_p95_during_log']:.0f} ms",
        "",
        lambda: None,
    )
    add(
        "terminal_bytes_per_1k_log_lines",
        "  bytes to the terminal per 1,000 log lines",
        lambda: f"{r['terminal_bytes_per_1k_log_lines']:,}",
        "≤ 2,000",
        lambda: r["terminal_bytes_per_1k_log_lines"] <= 2000,
    )
    add(
        "install_overhead_ms",
        f"envtui install over uv pip install, {r.get('install_wheels')} wheels",
        lambda: (
            f"{r['install_overhead_ms']:.0f} ms ({r['install_envtui_s']:.3f} s / {r['install_uv_s']:.3f} s; "
            f"the interpreter importing packaging.requirements alone: {r['python_packaging_ms']:.0f} ms)"
        ),
        "≤ 150 ms",
        lambda: r["install_overhead_ms"] <= 150,
    )
    add(
        "install_floor_ms",
        "  the thinnest wrapper (packaging parses the spec, then uv) over uv",
        lambda: f"{r['install_floor_ms']:.0f} ms",
        "",
        lambda: None,
    )
    return rows


def print_table(result: dict, *, markdown: bool = False) -> None:
    """The results as a table a person reads (with ``markdown``, as a Markdown table)."""
    rows = [
        (what, figure, target, "" if met is None else ("met" if met else "NOT met"))
        for what, figure, target, met in targets(result)
    ]
    if markdown:
        print("| what | figure | target | |\n|---|---|---|---|")
        for what, figure, target, verdict in rows:
            what = what.replace("  ", "&nbsp;&nbsp;", 1) if what.startswith("  ") else what
            print(f"| {what} | {figure} | {target} | {verdict} |")
    else:
        width = max(len(row[0]) for row in rows)
        fig = max(len(row[1]) for row in rows)
        for what, figure, target, verdict in rows:
            print(f"{what:<{width}}  {figure:<{fig}}  {target:<28}  {verdict}")
    if parts := result.get("startup_breakdown_s"):
        print(
            f"\nWhere start-up goes (medians of runs outside the terminal, in the same rounds): the interpreter "
            f"starting {parts['python']:.3f} s; importing textual.app {parts['import_textual']:.3f} s; importing "
            f"envtui's app module {parts['import_envtui_app']:.3f} s (so envtui's own imports "
            f"{parts['import_envtui_app'] - parts['import_textual']:.3f} s); listing the 2,000 packages (envtui list "
            f"--json; the app runs this in a child while it imports) {parts['list_json']:.3f} s. The rest of "
            f"start-up is building the app, its CSS and layout, and painting."
        )
    if imports := result.get("startup_import_ms"):
        print(
            "Importing envtui's app module, by who is imported (-X importtime, lowest self times): "
            + ", ".join(f"{group} {ms:.0f} ms" for group, ms in imports.items())
            + "."
        )
    machine = result["machine"]
    print(
        f"\n{machine['cpus']} CPUs ({machine['cpu']}), Python {result['versions'].get('python')}, "
        f"Textual {result['versions'].get('textual')}, uv {result['versions'].get('uv')}, "
        f"pip {result['versions'].get('pip')}; load average {result['load']['start']} at the start, "
        f"{result['load']['end']} at the end; {result['seconds']:.0f} s" + (" (quick)" if result["quick"] else "")
    )
    print(f"install: {result['install_mode']}")


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu": cpu, "system": platform.platform(terse=True)}


def _memory_dir() -> str | None:
    """Where a fresh run builds: in memory (tmpfs) when there is one, else the usual temp dir.

    Writing 12,000 distributions' files to a busy disk can take minutes; in memory it takes
    seconds. Every comparison reads the same files on both sides, so the ratios are unaffected.
    """
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="repeat less (under 45 s, workloads included)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--offline", action="store_true", help="never ask a package index (uv's cache, else shared)")
    parser.add_argument("--workdir", type=Path, help="build and keep the workloads here (reused when complete)")
    parser.add_argument("--only", help=f"comma-separated sections: {','.join(SECTIONS)}")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--show", type=Path, metavar="JSON", help="print a saved run's table (measures nothing)")
    args = parser.parse_args(argv)
    if args.show:
        print_table(json.loads(args.show.read_text()), markdown=args.markdown)
        return 0
    sections = args.only.split(",") if args.only else list(SECTIONS)
    if unknown := set(sections) - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    if shutil.which("tmux") is None and {"startup", "filter", "log"} & set(sections):
        parser.error("tmux is needed for the startup, filter and log sections")
    repeats = {name: value[0 if args.quick else 1] for name, value in REPEATS.items()}

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - began:5.1f} s] {message}", file=sys.stderr, flush=True)

    began = time.perf_counter()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="envtui-bench-", dir=_memory_dir()))
    result: dict = {"quick": args.quick, "machine": machine(), "load": {"start": load_average()}}
    try:
        loads = workloads.build(work.resolve(), offline=args.offline, log=log)
        result["install_mode"] = loads.install_mode
        result["versions"] = loads.versions
        result["load"]["built"] = load_average()
        term = Terminal(loads.env)
        try:
            for section in SECTIONS:
                if section not in sections:
                    continue
                log(f"{section}…")
                if section == "startup":
                    result.update(
                        startup.measure(
                            loads, term, repeats["startup_runs"], repeats["import_runs"], small=not args.quick
                        )
                    )
                elif section == "list":
                    result.update(cli.measure_list(loads, repeats["list_runs"]))
                elif section == "filter":
                    result.update(filtering.measure(loads, term, repeats["filter_rounds"], repeats["floor_keys"]))
                elif section == "log":
                    result.update(job_log.measure(loads, term, repeats["log_runs"], repeats["log_lines"]))
                elif section == "install":
                    result.update(cli.measure_install(loads, repeats["install_runs"]))
                result["load"][section] = load_average()
        finally:
            term.close()
    finally:
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    result["load"]["end"] = load_average()
    result["seconds"] = round(time.perf_counter() - began, 1)
    result["targets"] = [
        {"what": what.strip(), "figure": figure, "target": target, "met": met}
        for what, figure, target, met in targets(result)
    ]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_table(result, markdown=args.markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
