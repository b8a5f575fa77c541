"""Cold start of the TUI to a fully listed table, against ``python -m pip list`` on the same venv.

Both run in the same real terminal (tmux), side by side, alternating, several times; the
clock runs from launching the command until the terminal shows the finished result:
for envtui the table title ``2,000 packages``, for pip its last package line. Bytecode is
compiled first for envtui, Textual, Rich and pip (``python -m compileall -q``), as a pip
install would leave them: where ``PYTHONDONTWRITEBYTECODE=1`` is set nothing else would
write it and every start would pay for compiling Textual again.

    python benchmarks/tui_startup.py [--count 2000] [--runs 7] [--venv PATH]

Prints one JSON object: medians, every run, and the ratio envtui / pip.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.factory import make_synthetic_venv, site_packages  # noqa: E402


def compile_bytecode() -> list[str]:
    """Compile envtui and the libraries both commands import; returns what was compiled."""
    import pip
    import rich
    import textual

    import envtui

    dirs = [Path(m.__file__).parent for m in (envtui, textual, rich, pip)]
    extra = []
    for name in ("packaging", "platformdirs", "markdown_it", "mdurl", "pygments", "uv"):
        try:
            module = __import__(name)
            extra.append(Path(module.__file__).parent)
        except ImportError:
            pass
    for directory in dirs + extra:
        subprocess.run(
            [sys.executable, "-m", "compileall", "-q", str(directory)], check=False, stdout=subprocess.DEVNULL
        )
    return [str(d) for d in dirs + extra]


#: A private tmux server, so the benchmark never touches the user's sessions.
SOCKET = f"envtui-bench-{os.getpid()}"


def tmux(*args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run a tmux command on the benchmark's own server."""
    # COLUMNS/LINES in the environment would override the terminal's real size for Textual.
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, env=env, check=check)


def capture(session: str) -> str:
    """The visible text of the tmux pane."""
    return tmux("capture-pane", "-p", "-t", session).stdout


def timed_run(
    command: str, done: str, *, width: int, height: int, timeout: float = 60.0, quit_keys: str | None = None
) -> float:
    """Seconds from launching ``command`` in a fresh tmux session until ``done`` shows."""
    session = f"bench{os.getpid()}{time.monotonic_ns() % 100000}"
    env_prefix = f"cd {shlex.quote(str(ROOT))} && "
    start = time.perf_counter()
    tmux(
        "new-session",
        "-d",
        "-s",
        session,
        "-x",
        str(width),
        "-y",
        str(height),
        env_prefix + command + "; sleep 30",
        check=True,
    )
    try:
        while True:
            if done in capture(session):
                elapsed = time.perf_counter() - start
                break
            if time.perf_counter() - start > timeout:
                raise TimeoutError(f"{done!r} never appeared:\n{capture(session)}")
            time.sleep(0.004)
        if quit_keys:
            tmux("send-keys", "-t", session, quit_keys)
            time.sleep(0.2)
    finally:
        tmux("kill-session", "-t", session)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--venv", type=Path, help="reuse (or create) the synthetic venv here")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=40)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print(json.dumps({"error": "tmux not found"}))
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="envtui-bench-"))
    venv = args.venv or workdir / "venv"
    if not (venv / "pyvenv.cfg").is_file():
        make_synthetic_venv(venv, args.count)
    compiled = compile_bytecode()
    # A session that lives for the whole benchmark keeps the private server up between runs.
    tmux("new-session", "-d", "-s", "keeper", "sleep 3600", check=True)
    py = shlex.quote(sys.executable)
    site = site_packages(venv)
    last = f"synth{args.count - 1:05d}"
    envtui_cmd = f"{py} -m envtui {shlex.quote(str(venv))}"
    pip_cmd = f"{py} -m pip list --disable-pip-version-check --path {shlex.quote(str(site))}"
    title = f"{args.count:,} packages"
    # One warm-up each: the first start after compiling also warms the OS file cache.
    timed_run(envtui_cmd, title, width=args.width, height=args.height, quit_keys="q")
    timed_run(pip_cmd, last, width=args.width, height=args.height)
    envtui_runs, pip_runs = [], []
    for _ in range(args.runs):
        envtui_runs.append(timed_run(envtui_cmd, title, width=args.width, height=args.height, quit_keys="q"))
        pip_runs.append(timed_run(pip_cmd, last, width=args.width, height=args.height))
    envtui_median = statistics.median(envtui_runs)
    pip_median = statistics.median(pip_runs)
    print(
        json.dumps(
            {
                "benchmark": "tui_startup",
                "packages": args.count,
                "terminal": f"tmux {args.width}x{args.height}",
                "bytecode": "compiled with python -m compileall -q before timing",
                "compiled": compiled,
                "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", ""),
                "runs": args.runs,
                "envtui_seconds": [round(x, 3) for x in envtui_runs],
                "pip_list_seconds": [round(x, 3) for x in pip_runs],
                "envtui_median": round(envtui_median, 3),
                "pip_list_median": round(pip_median, 3),
                "ratio": round(envtui_median / pip_median, 3),
                "target_ratio": 0.45,
                "met": envtui_median / pip_median <= 0.45,
            },
            indent=2,
        )
    )
    tmux("kill-server")
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
