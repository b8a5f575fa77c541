"""``envtui list --json`` against ``pip list --format json`` on a 2,000-package venv.

The target (issue 2): envtui takes at most 0.3x pip's time, side by side. uv's own listing
is printed too, as the floor. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from _common import compile_bytecode, side_by_side, synthetic_venv  # type: ignore[import-not-found]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--packages", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "envtui-bench")
    args = parser.parse_args()
    compile_bytecode()
    venv = synthetic_venv(args.workdir / f"venv-{args.packages}", args.packages)
    from envtui.core.uv import find_uv

    results = side_by_side(
        {
            "envtui": [sys.executable, "-m", "envtui", "list", "--json", "--venv", str(venv)],
            "pip": [
                sys.executable,
                "-m",
                "pip",
                "--python",
                str(venv / "bin" / "python"),
                "list",
                "--format",
                "json",
                "--disable-pip-version-check",
            ],
            "uv": [find_uv(), "pip", "list", "--python", str(venv), "--format", "json", "--quiet"],
        },
        runs=args.runs,
    )
    ratio = results["envtui"]["median_s"] / results["pip"]["median_s"]
    print(
        json.dumps(
            {
                "benchmark": "list_speed",
                "packages": args.packages,
                "results": results,
                "envtui_over_pip": round(ratio, 3),
                "target": 0.3,
                "met": ratio <= 0.3,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
