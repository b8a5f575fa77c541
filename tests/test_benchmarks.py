"""The benchmark suite runs from a clean checkout and reports every figure as a number.

Timing in tests is flaky on shared machines, so only the shape is checked here: the keys the
README's Performance table is built from exist and are numbers measured in this run. The
targets themselves are judged by ``python benchmarks/run.py``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

KEYS = (
    "startup_s",
    "startup_textual_floor_s",
    "startup_pip_list_s",
    "filter_ms_p95",
    "log_lines_per_s",
    "keypress_ms_p95_during_log",
    "list_vs_pip_ratio",
    "install_overhead_ms",
    "rss_mb_10k",
    "terminal_bytes_per_1k_log_lines",
    # the floors the targets are read against
    "filter_floor_ms_p95",
    "filter_floor_burst_ms_max",
    "install_floor_ms",
)


@pytest.mark.tmux
@pytest.mark.timeout(1200)
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_quick_run_reports_every_figure_as_a_number() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", "--offline"],
        capture_output=True,
        text=True,
        timeout=1150,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    for key in KEYS:
        assert key in result, key
        value = result[key]
        assert isinstance(value, (int, float)) and not isinstance(value, bool), (key, value)
        assert value > 0, (key, value)
    parts = result["startup_breakdown_s"]
    assert set(parts) == {"python", "import_textual", "import_envtui_app", "list_json"}
    assert all(isinstance(v, float) and v > 0 for v in parts.values()), parts
    assert result["quick"] is True
    assert result["targets"] and all({"what", "figure", "target", "met"} <= set(row) for row in result["targets"])
