"""The core and the CLI never import Textual (or Rich): a subprocess proves it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import envtui.core

CORE_ROOT = Path(envtui.core.__file__).parent
CORE_MODULES = sorted(
    "envtui.core." + ".".join(p.relative_to(CORE_ROOT).with_suffix("").parts)
    for p in CORE_ROOT.rglob("*.py")
    if p.stem != "__init__"
)


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}: __import__(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_core_modules_do_not_import_asyncio() -> None:
    """One job driver, without an event loop: the core runs in the calling thread (the CLI) or in a
    worker thread (the TUI), and never imports asyncio."""
    code = (
        "import sys\n"
        f"for name in {CORE_MODULES!r}: __import__(name)\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'asyncio')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(CORE_MODULES) > 20
    assert result.stdout.strip() == ""


def test_cli_run_does_not_import_textual(env_path: Path) -> None:
    code = (
        "import sys, io, contextlib\n"
        "from envtui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['list', '--json', '--venv', {str(env_path)!r}]) == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_bench_and_migrate_commands_do_not_import_textual_or_rich() -> None:
    """Rich is imported only where bench prints its table; migrate and bench's JSON need neither."""
    reference = Path(__file__).parent / "fixtures" / "migrate" / "reference"
    code = (
        "import sys, io, contextlib\n"
        "from envtui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['migrate', {str(reference)!r}, '--json']) == 0\n"
        "    assert main(['bench', 'no-such-file.txt', '--json']) == 2\n"
        "import envtui.cli.bench, envtui.core.bench.runner, envtui.core.migrate.scan\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_opening_the_tui_leaves_what_only_other_views_need() -> None:
    """Start-up imports what the first paint needs: the HTTP client of service checks, the migration
    scanner and the statistics of bench load when those are used, not when the app is built."""
    code = (
        "import sys\n"
        "import envtui.ui.envtui_app\n"
        "late = ('urllib.request', 'http.client', 'email.parser', 'statistics', 'envtui.core.migrate.scan')\n"
        "print(','.join(m for m in late if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_job_engine_leaves_the_project_ahead_steps_until_a_project_job_needs_them() -> None:
    """Locking a uv project ahead of its hooks is only for project jobs: a pip job never loads it."""
    code = (
        "import sys, envtui.core.jobs.engine, envtui.cli.change\n"
        "print('envtui.core.jobs.project_ahead' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
