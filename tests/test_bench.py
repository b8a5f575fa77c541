"""``envtui bench``: pip and uv really run on a local wheelhouse, offline; nothing is left behind."""

from __future__ import annotations

import json
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from envtui.core.bench import plan
from envtui.core.bench.results import COLD, PIP, RESOLVE, UV, WARM, BenchReport, table_rows
from envtui.core.env.requirements import read_requirements
from tests.factory import run_envtui

#: alpha 2.0 pulls in beta; gamma needs alpha; the pytest- prefix makes a Development package.
REQUIREMENTS = "alpha\ngamma\npytest-fixture-thing\n"


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    path.write_text(REQUIREMENTS)
    return path


@pytest.fixture
def temp_root(tmp_path: Path) -> Path:
    """A TMPDIR of the test's own, to see what the benchmark leaves there."""
    root = tmp_path / "tmp"
    root.mkdir()
    return root


def _leftovers(temp_root: Path) -> list[str]:
    return sorted(os.listdir(temp_root))


def _children_in(temp_root: Path) -> list[str]:
    """Processes still running a program from under ``temp_root`` (a pip or uv not ended)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(temp_root) in cmdline and "pytest" not in cmdline:
            found.append(cmdline)
    return found


def test_bench_runs_both_tools_and_reports_medians(requirements: Path, wheelhouse: Path, temp_root: Path) -> None:
    result = run_envtui(
        "bench",
        str(requirements),
        "--no-index",
        "--find-links",
        str(wheelhouse),
        "--runs",
        "2",
        "--json",
        env={"TMPDIR": str(temp_root)},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["completed_runs"] == 2 and not data["interrupted"] and data["error"] is None
    assert data["index"] == ["--find-links", str(wheelhouse), "--no-index"]
    assert data["pip_version"] and data["uv_version"] and data["python"]
    for key in (COLD, WARM, RESOLVE):
        row = data["phases"][key]
        for tool in (PIP, UV):
            runs = row[f"{tool}_runs"]
            assert len(runs) == 2 and all(seconds > 0 for seconds in runs)
            assert row[tool] == statistics.median(runs)
            assert row[f"{tool}_min"] == min(runs) and row[f"{tool}_max"] == max(runs)
        assert row["speedup"] == row["pip"] / row["uv"]
        assert row["packages"] == 4  # alpha, beta, gamma, pytest-fixture-thing
    categories = data["categories"]
    assert list(categories) == ["Development", "Utilities"]
    assert categories["Development"]["requirements"] == 1 and categories["Utilities"]["requirements"] == 2
    assert categories["Utilities"]["packages"] == 3  # alpha and gamma alone bring beta
    assert all(
        row["pip"] > 0 and row["uv"] > 0 and row["speedup"] == row["pip"] / row["uv"] for row in categories.values()
    )
    # Progress went to stderr while it ran, one line per measured step.
    assert "[1/20] cold install · pip · run 1/2:" in result.stderr
    assert "[20/20] Utilities · pip · run 2/2:" in result.stderr  # run 2 starts with uv
    assert _leftovers(temp_root) == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl+c", "SIGTERM"])
def test_ctrl_c_stops_removes_everything_and_prints_what_it_has(
    sig: int, requirements: Path, wheelhouse: Path, temp_root: Path
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "envtui", "bench", str(requirements), "--no-index", "--find-links", str(wheelhouse)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
    )
    assert proc.stderr is not None
    seen = []
    while not any(line.startswith("[2/") for line in seen):
        line = proc.stderr.readline()
        assert line, f"bench ended early: {''.join(seen)}"
        seen.append(line)
    time.sleep(0.3)  # into the next step: a tool is running now
    assert _leftovers(temp_root), "the benchmark's directory should exist while it runs"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted after 0 of 3 runs" in err
    cold = next(line for line in out.splitlines() if line.startswith("Cold install"))
    assert "-" not in cold.split()[2:4]  # pip and uv were both measured before ctrl+c
    assert "x" in cold.split()[-1]
    assert "stopped in run 1 of 3" in out
    assert _leftovers(temp_root) == []
    assert _children_in(temp_root) == []
    time.sleep(1.0)  # a tool left running would write into the removed directory again
    assert _leftovers(temp_root) == []


def test_a_failing_tool_is_exit_1_and_cleans_up(tmp_path: Path, wheelhouse: Path, temp_root: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("alpha\nnot-in-the-wheelhouse\n")
    result = run_envtui(
        "bench", str(requirements), "--no-index", "--find-links", str(wheelhouse), env={"TMPDIR": str(temp_root)}
    )
    assert result.returncode == 1
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith("error: cold install · pip · run 1/3 failed")
    assert "not-in-the-wheelhouse" in error or "No matching distribution" in error
    assert "Cold install" in result.stdout  # the (empty) table still says what was measured
    assert _leftovers(temp_root) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["missing.txt"], "error: no such requirements file: missing.txt"),
        (["{req}", "--runs", "0"], "error: argument --runs: must be at least 1, not 0"),
        (["{req}", "--runs", "many"], "error: argument --runs: not a whole number: 'many'"),
        (["{req}", "--find-links", "no/such/dir"], "error: --find-links: no such directory: no/such/dir"),
        (["{req}", "--python", "no-such-python-here"], "error: no such python: no-such-python-here"),
        ([], "error: no requirements to benchmark"),
        (["{bad}"], "error: invalid requirement at {bad}:1"),
    ],
)
def test_bad_input_is_exit_2_with_one_line(
    args: list[str], message: str, requirements: Path, tmp_path: Path, temp_root: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("alpha; rm -rf /\n")
    values = {"req": str(requirements), "bad": str(bad)}
    result = run_envtui("bench", *(a.format(**values) for a in args), env={"TMPDIR": str(temp_root)})
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == message.format(**values)
    assert "Traceback" not in result.stderr
    assert _leftovers(temp_root) == []


def test_configured_requirements_are_the_default(tmp_path: Path, wheelhouse: Path, temp_root: Path) -> None:
    """With no file named, the configuration's requirements are benchmarked (here: a bad one, to stay quick)."""
    (tmp_path / "envtui.toml").write_text('requirements = ["reqs.txt"]\n')
    (tmp_path / "reqs.txt").write_text("this is not ===\n")
    result = run_envtui("bench", cwd=tmp_path, env={"TMPDIR": str(temp_root)})
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: invalid requirement at {tmp_path / 'reqs.txt'}:1")


# ---------------------------------------------------------------------------- the pieces, without running tools


def test_both_tools_get_the_same_index_options_and_none_of_the_users_settings(tmp_path: Path) -> None:
    options = plan.BenchOptions(
        (tmp_path / "r.txt",),
        Path(sys.executable),
        index_url="https://mirror/simple",
        find_links=("/w",),
        no_index=True,
    )
    index = options.index_args()
    assert index == ["--index-url", "https://mirror/simple", "--find-links", "/w", "--no-index"]
    venv, req, cache = tmp_path / "v", tmp_path / "r.txt", tmp_path / "c"
    pip = plan.pip_install(venv, req, cache, index)
    uv = plan.uv_install("uv", venv, req, index)
    assert pip[pip.index("--index-url") :] == [*index, "-r", str(req)]
    assert uv[uv.index("--index-url") :] == [*index, "-r", str(req)]
    assert "--no-config" in uv
    env = plan.tool_env(
        {
            "PATH": "/bin",
            "UV_INDEX_URL": "x",
            "PIP_INDEX_URL": "y",
            "PIP_FIND_LINKS": "/w",
            "VIRTUAL_ENV": "/v",
            "UV_CACHE_DIR": "/c",
            "PIP_CERT": "/ca.pem",
            "UV_NATIVE_TLS": "1",
        },
        tmp_path / "t",
    )
    assert not {"UV_INDEX_URL", "PIP_INDEX_URL", "PIP_FIND_LINKS", "VIRTUAL_ENV", "UV_CACHE_DIR"} & set(env)
    assert env["PIP_CERT"] == "/ca.pem" and env["UV_NATIVE_TLS"] == "1"  # the network's settings stay
    assert env["PIP_CONFIG_FILE"] == os.devnull  # pip's files are read for the network only, up front
    assert env["TMPDIR"] == str(tmp_path / "t") and env["PATH"] == "/bin"
    assert plan.BenchOptions((), Path(sys.executable)).index_args() == ["--index-url", "https://pypi.org/simple"]


def test_pips_configured_network_settings_are_kept_and_its_mirrors_are_not() -> None:
    listed = (
        "global.cert='/etc/ssl/certs/ca.pem'\n"
        "global.find-links='/opt/wheels'\n"
        "global.extra-index-url='file:///opt/pypi/simple'\n"
        "install.proxy='http://proxy:3128'\n"
    )
    assert plan.pip_network_settings(listed) == {"PIP_CERT": "/etc/ssl/certs/ca.pem", "PIP_PROXY": "http://proxy:3128"}


def test_categories_come_from_the_requirements_and_the_overrides(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("fastapi\nuvicorn\nnumpy\nmotor\nsomething-else\n")
    entries = read_requirements(path).entries
    groups = plan.group_by_category(entries)
    assert {name: [e.key for e in group] for name, group in groups.items()} == {
        "Core Web": ["fastapi", "uvicorn"],
        "AI/ML": ["numpy"],
        "Database": ["motor"],
        "Utilities": ["something-else"],
    }
    assert list(plan.group_by_category(entries, {"something-else": "Internal"}))[-1] == "Internal"
    path.write_text("alpha\nbeta\n")
    assert plan.group_by_category(read_requirements(path).entries) == {}  # one category: no breakdown


def test_the_table_rows_show_medians_ranges_and_speedup() -> None:
    report = BenchReport(requirements=["r.txt"], runs=3)
    cold = report.phases[COLD]
    for pip, uv in ((12.0, 1.0), (10.0, 2.0), (11.0, 1.5)):
        cold.add(PIP, pip)
        cold.add(UV, uv)
    cold.packages = 57
    rows = table_rows(report)
    assert rows[0] == ["Cold install", "57", "11.0 s (10.0–12.0)", "1.50 s (1.00–2.00)", "7.3x"]
    assert rows[1] == ["Warm install", "-", "-", "-", "-"]
    assert report.to_json()["phases"]["warm_install"]["speedup"] is None
