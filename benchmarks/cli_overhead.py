"""``envtui install X`` against ``uv pip install X`` on the same local wheelhouse.

The target (issue 4): envtui adds at most 150 ms (median) over uv, its lock, job record, full
log and before/after steps included. Each timed run installs into a venv that does not have X
(it is uninstalled, untimed, between runs); both commands run offline against the same
find-links directory and a warm uv cache, interleaved so machine load hits both alike. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, compile_bytecode, run_env  # type: ignore[import-not-found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--budget-ms", type=float, default=150.0)
    args = parser.parse_args()
    compile_bytecode()
    from envtui.core.uv import find_uv
    from tests.conftest import SPECS
    from tests.factory import build_wheelhouse, make_venv

    uv = find_uv()
    work = Path(tempfile.mkdtemp(prefix="envtui-cli-overhead-"))
    wheelhouse = build_wheelhouse(work / "wheels", SPECS)
    env = run_env({
        "UV_OFFLINE": "1", "UV_FIND_LINKS": str(wheelhouse), "UV_CACHE_DIR": str(work / "uv-cache"),
        "UV_NO_PROGRESS": "1", "ENVTUI_STATE_DIR": str(work / "state"),
    })
    os.environ.update(env)
    venv = make_venv(work / "venv")
    python = str(venv / "bin" / "python")
    commands = {
        "envtui": [sys.executable, "-m", "envtui", "install", "--venv", str(venv), "delta"],
        "uv": [uv, "pip", "install", "--python", python, "--", "delta"],
    }
    uninstall = [uv, "pip", "uninstall", "--python", python, "--", "delta"]

    def once(argv: list[str]) -> float:
        subprocess.run(uninstall, env=env, capture_output=True, check=False)
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True, cwd=ROOT)
        return time.perf_counter() - started

    for argv in commands.values():  # warm the uv cache and the page cache
        once(argv)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.runs):
        for name, argv in commands.items():
            samples[name].append(once(argv))
    # Where the overhead goes: a bare interpreter start (with this machine's site hooks), and
    # the imports the job path cannot do without (packaging to check specs, asyncio to stream).
    floors: dict[str, list[float]] = {"python_start": [], "python_start_with_imports": []}
    for _ in range(args.runs):
        for name, code in (("python_start", "pass"),
                           ("python_start_with_imports", "import packaging.requirements, asyncio")):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            floors[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(values) for name, values in samples.items()}
    overhead_ms = (medians["envtui"] - medians["uv"]) * 1000
    print(json.dumps({
        "benchmark": "cli_overhead",
        "package": "delta (local wheelhouse, offline)",
        "runs": args.runs,
        "envtui_median_s": round(medians["envtui"], 4),
        "uv_median_s": round(medians["uv"], 4),
        "envtui_min_s": round(min(samples["envtui"]), 4),
        "uv_min_s": round(min(samples["uv"]), 4),
        "overhead_ms": round(overhead_ms, 1),
        "python_start_median_s": round(statistics.median(floors["python_start"]), 4),
        "python_start_with_imports_median_s": round(statistics.median(floors["python_start_with_imports"]), 4),
        "budget_ms": args.budget_ms,
        "ok": overhead_ms <= args.budget_ms,
    }, indent=2))


if __name__ == "__main__":
    main()
