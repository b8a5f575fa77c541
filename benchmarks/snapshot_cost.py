"""What the snapshot before every change job costs, on a synthetic 2,000-package venv.

Three measures, interleaved so machine load hits them alike, medians reported:

- ``step``: the snapshot step alone, as a job runs it (freeze, write atomically with fsync,
  prune), in process;
- ``uv_freeze``: ``uv pip freeze`` on the same venv, the floor had envtui asked uv each time;
- ``job_with`` / ``job_without``: a whole job (``run_blocking``: lock, record, log, uv) that
  installs or removes one tiny wheel, with the snapshot step and without any step; their
  difference is what a snapshot adds to a job, uv's own time included in both.

The target (issue 9): a snapshot adds at most 50 ms to a job on a 2,000-package venv.
``--packages N`` and ``--runs N`` change the size and the number of runs. Prints JSON.
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

from _common import ROOT, compile_bytecode, synthetic_venv  # type: ignore[import-not-found]


def median_ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    compile_bytecode()
    sys.path.insert(0, str(ROOT))
    from envtui.core.env.environment import resolve_environment
    from envtui.core.jobs.change import ChangeRequest
    from envtui.core.jobs.engine import SUCCEEDED, JobEngine
    from envtui.core.jobs.snapshot_step import SnapshotStep
    from envtui.core.jobs.steps import Phase, StepContext
    from envtui.core.uv import find_uv
    from tests.factory import WheelSpec, build_wheel

    with tempfile.TemporaryDirectory(prefix="envtui-bench-") as tmp:
        work = Path(tmp)
        os.environ["ENVTUI_STATE_DIR"] = str(work / "state")
        os.environ["UV_CACHE_DIR"] = str(work / "uv-cache")
        os.environ.update({"UV_OFFLINE": "1", "UV_NO_INDEX": "1", "UV_NO_PROGRESS": "1"})
        wheels = work / "wheels"
        build_wheel(wheels, WheelSpec("benchpkg", "1.0"))
        os.environ["UV_FIND_LINKS"] = str(wheels)
        venv = synthetic_venv(work / f"venv{args.packages}", args.packages)
        env = resolve_environment(venv, probe=False)
        uv = find_uv()
        step = SnapshotStep()
        with_snapshot = JobEngine(steps=lambda e: ([step], [step]))
        without = JobEngine(steps=lambda e: ([], []))
        samples: dict[str, list[float]] = {"step": [], "uv_freeze": [], "job_with": [], "job_without": []}

        class FakeJob:
            id = "bench"
            request = None

            @staticmethod
            def describe() -> str:
                return "benchmark"

        def run_step() -> float:
            ctx = StepContext(job=FakeJob(), env=env, emit=lambda stream, line: None, phase=Phase.BEFORE)
            started = time.perf_counter()
            step.run(ctx)
            return time.perf_counter() - started

        def run_uv_freeze() -> float:
            started = time.perf_counter()
            subprocess.run([uv, "pip", "freeze", "--python", str(env.python)], capture_output=True, check=True)
            return time.perf_counter() - started

        installed = False

        def run_job(engine: JobEngine) -> float:
            nonlocal installed
            request = ChangeRequest.uninstall(["benchpkg"]) if installed else ChangeRequest.install(["benchpkg"])
            started = time.perf_counter()
            job = engine.run_blocking(env, request)
            took = time.perf_counter() - started
            assert job.status == SUCCEEDED, job.message
            installed = not installed
            return took

        for _ in range(2):  # warm up: caches, uv's interpreter info, the file system
            run_step(), run_uv_freeze(), run_job(with_snapshot), run_job(without)
        for _ in range(args.runs):
            samples["step"].append(run_step())
            samples["uv_freeze"].append(run_uv_freeze())
            samples["job_with"].append(run_job(with_snapshot))
            samples["job_without"].append(run_job(without))
        added = [a - b for a, b in zip(samples["job_with"], samples["job_without"], strict=True)]
        report = {
            "packages": args.packages,
            "runs": args.runs,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            **{f"{name}_median_ms": median_ms(values) for name, values in samples.items()},
            "step_p90_ms": round(sorted(samples["step"])[int(len(samples["step"]) * 0.9)] * 1000, 1),
            "added_to_a_job_median_ms": median_ms(added),
            "target_ms": 50,
        }
        print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
