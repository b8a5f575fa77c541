"""Run every benchmark in this directory and print one JSON document of their results.

Each benchmark is a script here (not starting with ``_``) that prints one JSON document.
``python benchmarks/run.py [NAME ...]`` runs all of them, or the named ones.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem for p in HERE.glob("*.py") if not p.stem.startswith("_") and p.stem != "run")
    report: dict[str, object] = {"python": sys.version.split()[0], "started": time.strftime("%Y-%m-%dT%H:%M:%S")}
    failed = False
    for name in names:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], capture_output=True, text=True, cwd=HERE)
        try:
            report[name] = json.loads(done.stdout)
        except ValueError:
            failed = True
            report[name] = {
                "error": (done.stderr.strip().splitlines() or ["no output"])[-1],
                "exit_code": done.returncode,
            }
        print(f"{name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(json.dumps(report, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
