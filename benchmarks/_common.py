"""Shared pieces of the benchmarks: timing, medians, compiled bytecode, synthetic venvs."""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def compile_bytecode() -> None:
    """Compile envtui and its imports, as ``pip install`` does.

    Where ``PYTHONDONTWRITEBYTECODE=1`` is set, nothing is cached at import time and every
    start pays for compiling again; a real install ships bytecode, so measure with it.
    """
    import packaging
    import platformdirs

    targets = [ROOT / "envtui", Path(packaging.__file__).parent, Path(platformdirs.__file__).parent]
    try:
        import rich
        import textual

        targets += [Path(textual.__file__).parent, Path(rich.__file__).parent]
    except ImportError:
        pass
    for target in targets:
        compileall.compile_dir(str(target), quiet=1, workers=0)


def run_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment benchmarked commands run in: this checkout importable, from anywhere."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT), **(extra or {})}


def timed(argv: Sequence[str], env: dict[str, str] | None = None) -> float:
    """Wall time of one run, output discarded; a failing run is an error."""
    started = time.perf_counter()
    subprocess.run(list(argv), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=run_env(env))
    return time.perf_counter() - started


def side_by_side(commands: dict[str, Sequence[str]], runs: int, warmup: int = 1) -> dict[str, dict]:
    """Run the commands interleaved (so machine load hits all alike); medians and spread."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(warmup):
        for argv in commands.values():
            timed(argv)
    for _ in range(runs):
        for name, argv in commands.items():
            samples[name].append(timed(argv))
    return {
        name: {
            "median_s": round(statistics.median(values), 4),
            "min_s": round(min(values), 4),
            "max_s": round(max(values), 4),
            "runs": len(values),
        }
        for name, values in samples.items()
    }


def synthetic_venv(path: Path, count: int) -> Path:
    """A real venv with ``count`` synthetic packages (reused when already there)."""
    from tests.factory import make_synthetic_venv

    if (path / "pyvenv.cfg").is_file():
        return path
    return make_synthetic_venv(path, count)
