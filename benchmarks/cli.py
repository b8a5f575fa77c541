"""The headless commands against what they wrap: ``list --json`` against pip, ``install`` against uv.

Both run the installed console script, from a project directory, with output to a pipe, the
commands taking turns so load from other work hits all alike; medians are compared.

- list: ``envtui list --json`` against ``python -m pip --python VENV list --format json`` on the
  2,000-package venv; ``uv pip list --format json`` is timed too, as the floor.
- install: ``envtui install benchapp`` against ``uv pip install benchapp``: 40 local wheels,
  offline, from a warm uv cache, each run into a venv without them (they are removed, untimed,
  before every run). envtui's lock, job record, full log and steps are in its time. The floors
  are what no change to envtui can remove: the interpreter starting, and starting plus importing
  ``packaging.requirements``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence

from benchmarks._common import median, timed
from benchmarks.workloads import DEPENDENCIES, MEDIUM, Workloads


def _interleaved(
    loads: Workloads, commands: dict[str, Sequence[str]], runs: int, before: dict[str, Sequence[str]] | None = None
) -> dict[str, list[float]]:
    """Every command once as a warm-up, then ``runs`` rounds in turn; ``before[name]`` runs untimed first."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for round_ in range(runs + 1):
        for name, argv in commands.items():
            if before and name in before:
                subprocess.run(list(before[name]), env=loads.env, capture_output=True, check=False)
            elapsed = timed(argv, loads.env, cwd=loads.project)
            if round_:
                samples[name].append(elapsed)
    return samples


def measure_list(loads: Workloads, runs: int) -> dict:
    """``envtui list --json`` / ``pip list --format json`` on 2,000 packages."""
    venv = loads.venvs[MEDIUM]
    python = str(venv / "bin" / "python")
    samples = _interleaved(
        loads,
        {
            "envtui": [str(loads.envtui), "list", "--json", "--venv", str(venv)],
            "pip": [
                str(loads.python),
                "-m",
                "pip",
                "--python",
                python,
                "list",
                "--format",
                "json",
                "--disable-pip-version-check",
            ],
            "uv": [loads.uv, "pip", "list", "--python", python, "--format", "json"],
        },
        runs,
    )
    medians = {name: median(values) for name, values in samples.items()}
    return {
        "list_vs_pip_ratio": round(medians["envtui"] / medians["pip"], 3),
        "list_s": round(medians["envtui"], 3),
        "list_pip_s": round(medians["pip"], 3),
        "list_uv_s": round(medians["uv"], 3),
        "list_runs": {name: [round(v, 3) for v in values] for name, values in samples.items()},
    }


def measure_install(loads: Workloads, runs: int) -> dict:
    """Median ``envtui install`` minus median ``uv pip install`` of the same 40 local wheels.

    Beside them, the floor under any such command: the thinnest wrapper the project's rules
    allow (an interpreter that parses the spec with ``packaging`` and runs uv with it as an
    argument list), minus uv alone.
    """
    python = str(loads.install_venv / "bin" / "python")
    names = ["benchapp"] + [f"benchdep{i:02d}" for i in range(1, DEPENDENCIES + 1)]
    uninstall = [loads.uv, "pip", "uninstall", "--python", python, "--", *names]
    install = [loads.uv, "pip", "install", "--python", python, "--", "benchapp"]
    wrapper = (
        "import subprocess, sys\n"
        "from packaging.requirements import Requirement\n"
        "spec = str(Requirement(sys.argv[-1]))\n"
        "sys.exit(subprocess.run(sys.argv[1:-1] + [spec]).returncode)\n"
    )
    samples = _interleaved(
        loads,
        {
            "envtui": [str(loads.envtui), "install", "--venv", str(loads.install_venv), "benchapp"],
            "uv": install,
            "wrapper": [str(loads.python), "-c", wrapper, *install],
            "python": [str(loads.python), "-c", "pass"],
            "python_packaging": [str(loads.python), "-c", "import packaging.requirements"],
        },
        runs,
        before={"envtui": uninstall, "uv": uninstall, "wrapper": uninstall},
    )
    medians = {name: median(values) for name, values in samples.items()}
    return {
        "install_overhead_ms": round((medians["envtui"] - medians["uv"]) * 1000, 1),
        "install_envtui_s": round(medians["envtui"], 3),
        "install_uv_s": round(medians["uv"], 3),
        "install_wheels": len(names),
        "install_floor_ms": round((medians["wrapper"] - medians["uv"]) * 1000, 1),
        "python_start_ms": round(medians["python"] * 1000, 1),
        "python_packaging_ms": round(medians["python_packaging"] * 1000, 1),
    }
