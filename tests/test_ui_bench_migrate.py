"""The Bench and Migrate views, driven with Textual's Pilot: real pip and uv, offline; real files."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.ui.app import EnvtuiApp
from envtui.ui.views import BENCH_PANE, MIGRATE_PANE
from envtui.ui.widgets.bench_view import BenchView
from envtui.ui.widgets.migrate_view import MigrateView
from tests.test_migrate import PROJECT, PROJECT_FINDINGS
from tests.ui_support import screen_text, settle


@pytest.fixture
def bench_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The benchmark's temporary directories go here, to see that none is left."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


async def _until(pilot, predicate, timeout: float = 240.0) -> None:
    """Let the app run until ``predicate()`` holds (a benchmark takes a while, even offline)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.1)


def _bench_app(env_path: Path, tmp_path: Path, wheelhouse: Path) -> EnvtuiApp:
    (tmp_path / "reqs.txt").write_text("alpha\ngamma\n")
    config = tmp_path / "envtui.toml"
    config.write_text('requirements = ["reqs.txt"]\n')
    return EnvtuiApp(resolve_environment(env_path), config=load_config(config, strict=False))


def _offline(view: BenchView, wheelhouse: Path) -> None:
    view.no_index = True
    view.find_links = (str(wheelhouse),)
    view.runs = 1


async def test_bench_view_runs_the_benchmark_as_a_job_and_shows_the_table(
    env_path: Path, tmp_path: Path, wheelhouse: Path, bench_tmp: Path
) -> None:
    app = _bench_app(env_path, tmp_path, wheelhouse)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.show_view(BENCH_PANE)
        await pilot.pause()
        view = app.screen.query_one(BenchView)
        assert "b runs uv against pip on reqs.txt" in screen_text(app)
        _offline(view, wheelhouse)
        await pilot.press("b")
        await _until(pilot, lambda: view.running)
        await _until(pilot, lambda: not view.running)
        report = view.report
        assert report is not None and report.error is None and not report.interrupted
        text = screen_text(app)
        assert "faster than pip from empty caches" in text
        for phase in ("Cold install", "Warm install", "Resolution"):
            line = next(row for row in text.splitlines() if phase in row)
            assert line.rstrip(" │┃").endswith("x"), line  # a speedup, not a dash
        assert f"pip {report.pip_version}" in text
        assert list(bench_tmp.iterdir()) == []


async def test_bench_view_stops_on_c_keeps_what_it_measured_and_cleans_up(
    env_path: Path, tmp_path: Path, wheelhouse: Path, bench_tmp: Path
) -> None:
    app = _bench_app(env_path, tmp_path, wheelhouse)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.screen.show_view(BENCH_PANE)
        await pilot.pause()
        view = app.screen.query_one(BenchView)
        _offline(view, wheelhouse)
        view.runs = 3
        await pilot.press("b")
        await _until(pilot, lambda: view.table.row_count > 0)  # the first step finished
        await pilot.press("c")
        await _until(pilot, lambda: not view.running, timeout=60)
        assert view.report is not None and view.report.interrupted
        assert "stopped in run 1 of 3" in screen_text(app)
        assert view.report.phases["cold_install"].samples["pip"].seconds  # what it measured stays
        assert list(bench_tmp.iterdir()) == []


async def test_migrate_view_lists_the_findings_and_writes_the_patch(tmp_path: Path, env_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    (project / "envtui.toml").write_text("")  # the project is the configuration's directory
    app = EnvtuiApp(resolve_environment(env_path), config=load_config(project / "envtui.toml", strict=False))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.show_view(MIGRATE_PANE)
        await settle(pilot)
        view = app.screen.query_one(MigrateView)
        assert view.report is not None
        assert view.table.row_count == len(PROJECT_FINDINGS)
        text = screen_text(app)
        assert f"{len(PROJECT_FINDINGS)} findings in 6 of 6 files" in text
        assert ".github/workflows/ci.yml:12" in text and "add: - uses: astral-sh/" in text
        assert "- uses: astral-sh/setup-uv@v6" in text  # the highlighted (first) finding in full, below
        row = next(i for i, f in enumerate(view.report.findings) if f.file == "scripts/setup.sh" and f.line == 17)
        view.table.move_cursor(row=row)
        await pilot.pause()
        assert "uv pip uninstall needs no -y" in screen_text(app)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("enter")  # the proposed name: uv-migration.patch in the project
        await pilot.pause()
    patch = project / "uv-migration.patch"
    assert patch.read_text().startswith("diff --git ")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    check = subprocess.run(["git", "apply", "--check", str(patch)], cwd=project, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
