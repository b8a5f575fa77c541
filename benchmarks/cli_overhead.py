"""``envtui install X`` against ``uv pip install X`` on the same local wheelhouse.

The target (issue 4): envtui adds at most 150 ms (median) over uv, its lock, job record, full
log and before/after steps included. envtui runs as a user runs it: the ``envtui`` console
script of a venv that has envtui installed with compiled bytecode (made here from this
checkout, unless ``--envtui`` names one), from a project directory with an ordinary
``pyproject.toml``. Each timed run installs into a venv that does not have X (it is
uninstalled, untimed, between runs); both commands run offline against the same find-links
directory and a warm uv cache, interleaved with the floor measurements below so machine load
hits all alike. Prints JSON.

The floors say what no change to envtui can remove: the interpreter starting, and starting
plus importing ``packaging.requirements`` (every spec is parsed with it; its regexes compile
at import). ``overhead_floor_ms`` is the latter: envtui's overhead over uv cannot be lower.
``python_start_with_asyncio_s`` is what the imports alone cost when the CLI drove jobs
through asyncio.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _common import ROOT  # type: ignore[import-not-found]


def install_envtui(venv: Path, uv: str) -> Path:
    """A venv with envtui installed from this checkout, bytecode compiled (as ``pip install`` does)."""
    subprocess.run([uv, "venv", "--quiet", str(venv)], check=True)
    subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "--compile-bytecode", str(ROOT)],
        check=True,
    )
    return venv / "bin" / "envtui"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--budget-ms", type=float, default=150.0)
    parser.add_argument(
        "--envtui",
        metavar="PATH",
        help="an installed envtui console script to measure "
        "(default: install this checkout into a fresh venv; uses your usual uv index/cache)",
    )
    parser.add_argument(
        "--baseline",
        metavar="PATH",
        help="another envtui console script (e.g. an older install) to time the same way, interleaved with the rest",
    )
    args = parser.parse_args()
    from envtui.core.uv import find_uv
    from tests.conftest import SPECS
    from tests.factory import build_wheelhouse, make_venv

    uv = find_uv()
    work = Path(tempfile.mkdtemp(prefix="envtui-cli-overhead-"))
    envtui = Path(args.envtui) if args.envtui else install_envtui(work / "envtui-venv", uv)
    envtui_python = str(envtui.parent / "python")
    wheelhouse = build_wheelhouse(work / "wheels", SPECS)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "PYTHONPATH"))},
        "UV_OFFLINE": "1",
        "UV_FIND_LINKS": str(wheelhouse),
        "UV_CACHE_DIR": str(work / "uv-cache"),
        "UV_NO_PROGRESS": "1",
        "ENVTUI_STATE_DIR": str(work / "state"),
    }
    os.environ.update({k: v for k, v in env.items() if k.startswith(("UV_", "ENVTUI_"))})
    venv = make_venv(work / "venv")
    python = str(venv / "bin" / "python")
    project = work / "project"  # where the user stands: a project without envtui configuration
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1"\n')
    commands = {
        "envtui": [str(envtui), "install", "--venv", str(venv), "delta"],
        "uv": [uv, "pip", "install", "--python", python, "--", "delta"],
    }
    if args.baseline:
        commands["baseline"] = [args.baseline, "install", "--venv", str(venv), "delta"]
    floors = {
        "python_start": [envtui_python, "-c", "pass"],
        "python_start_with_packaging": [envtui_python, "-c", "import packaging.requirements"],
        "python_start_with_asyncio": [envtui_python, "-c", "import packaging.requirements, asyncio"],
    }
    uninstall = [uv, "pip", "uninstall", "--python", python, "--", "delta"]

    def once(argv: list[str], fresh: bool) -> float:
        if fresh:
            subprocess.run(uninstall, env=env, capture_output=True, check=False)
        started = time.perf_counter()
        subprocess.run(argv, env=env, capture_output=True, check=True, cwd=project)
        return time.perf_counter() - started

    for argv in [*commands.values(), *floors.values()]:  # warm the uv cache and the page cache
        once(argv, argv in commands.values())
    samples: dict[str, list[float]] = {name: [] for name in [*commands, *floors]}
    for _ in range(args.runs):
        for name, argv in commands.items():
            samples[name].append(once(argv, True))
        for name, argv in floors.items():
            samples[name].append(once(argv, False))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    overhead_ms = (medians["envtui"] - medians["uv"]) * 1000
    baseline = (
        {}
        if not args.baseline
        else {
            "baseline": args.baseline,
            "baseline_median_s": round(medians["baseline"], 4),
            "baseline_overhead_ms": round((medians["baseline"] - medians["uv"]) * 1000, 1),
        }
    )
    print(
        json.dumps(
            {
                "benchmark": "cli_overhead",
                "package": "delta (local wheelhouse, offline)",
                "envtui": "installed console script, compiled bytecode",
                "runs": args.runs,
                "envtui_median_s": round(medians["envtui"], 4),
                "uv_median_s": round(medians["uv"], 4),
                "envtui_min_s": round(min(samples["envtui"]), 4),
                "uv_min_s": round(min(samples["uv"]), 4),
                "overhead_ms": round(overhead_ms, 1),
                **baseline,
                "python_start_median_s": round(medians["python_start"], 4),
                "python_start_with_packaging_median_s": round(medians["python_start_with_packaging"], 4),
                "python_start_with_asyncio_median_s": round(medians["python_start_with_asyncio"], 4),
                "overhead_floor_ms": round(medians["python_start_with_packaging"] * 1000, 1),
                "budget_ms": args.budget_ms,
                "ok": overhead_ms <= args.budget_ms,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
