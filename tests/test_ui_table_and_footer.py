"""Kind at 80x24: the footer keeps ? Help and q Quit, columns are sized to what they hold, space marks
rows that u and x then act on together, and u or x with nothing highlighted says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.jobs.engine import SUCCEEDED
from envtui.ui.widgets.key_bar import KeyBar
from envtui.ui.widgets.package_table import PackageTable
from tests.factory import WheelSpec, build_wheel, install_into
from tests.test_jobs_engine import freeze
from tests.test_jobs_ui import _confirm_dialog, until
from tests.ui_support import make_app, screen_text, settle


def footer(app) -> str:
    return screen_text(app).rstrip("\n").splitlines()[-1]


@pytest.mark.parametrize("size", [(60, 20), (80, 24), (120, 40)])
async def test_footer_always_ends_with_help_and_quit(env_path: Path, size: tuple[int, int]) -> None:
    app = make_app(env_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        line = footer(app)
        assert line.rstrip().endswith("? Help  q Quit"), line
        assert "i Install" in line  # what matters most stays too
        if size[0] < 120:
            assert "s Sort" not in line  # the less important keys gave way
        await pilot.press("J")
        await settle(pilot)
        assert footer(app).rstrip().endswith("? Help  q Quit")
        await pilot.press("slash")
        # In the filter box ? and q are letters: the keys that still work are shown instead.
        assert footer(app).rstrip().endswith("f1 Help  ^q Quit")


def test_fit_drops_the_least_important_first() -> None:
    items = [
        ("table.details", "⏎", "Details"),
        ("jobs.install", "i", "Install"),
        ("sort", "s", "Sort"),
        ("filter", "/", "Filter"),
        ("help", "?", "Help"),
        ("quit", "q", "Quit"),
    ]
    assert [i[0] for i in KeyBar.fit(items, 40)] == ["jobs.install", "filter", "help", "quit"]
    assert [i[0] for i in KeyBar.fit(items, 5)] == ["help", "quit"]


async def test_columns_hold_whole_versions_and_category_only_when_wide(
    tmp_path: Path, venv_factory, wheelhouse: Path
) -> None:
    extra = tmp_path / "extra"
    build_wheel(extra, WheelSpec("tzdata-like", "2026.10.19.1", summary="A calendar version"))
    venv = venv_factory(["gamma"])
    install_into(venv, wheelhouse, ["tzdata-like"], "--find-links", str(extra))
    for size in ((80, 24), (120, 40)):
        async with make_app(venv).run_test(size=size) as pilot:
            app = pilot.app
            await settle(pilot)
            text = screen_text(app)
            assert "2026.10.19.1" in text and "2026.10.19.…" not in text
            header = text.splitlines()[3]  # the table's header line
            assert "Category" not in header
            # No wide blank name column: the longest name (tzdata-like) and a gap of two or three.
            assert header.index("Version") - header.index("Package") <= len("tzdata-like") + 3, header
            assert "A calendar version" in text  # the spare width shows the summary
    async with make_app(venv).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        await settle(pilot)
        await pilot.press("d")  # the details close: the table is wide enough for the category
        await settle(pilot)
        header = next(line for line in screen_text(app).splitlines() if "Package" in line)
        assert "Category" in header and "Summary" in header


async def test_space_marks_rows_and_u_x_act_on_the_marked_set(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "delta"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(PackageTable)
        await pilot.press("space", "space")  # alpha and beta, the cursor moving on
        assert table.marked == {"alpha", "beta"} and table.current.key == "delta"
        assert "2 marked" in table.border_subtitle
        assert "*alpha" in screen_text(app) and "*beta" in screen_text(app)
        await pilot.press("u")
        dialog = await _confirm_dialog(pilot)
        assert dialog.request.specs == ("alpha", "beta")  # one job for the marked set
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("space")  # delta joins them
        await pilot.press("x")
        dialog = await _confirm_dialog(pilot)
        assert dialog.request.kind == "uninstall" and dialog.request.specs == ("alpha", "beta", "delta")
        await pilot.press("y")
        await until(pilot, lambda: bool(screen.jobs_engine.jobs) and screen.jobs_engine.jobs[-1].finished)
        assert screen.jobs_engine.jobs[-1].status == SUCCEEDED and len(screen.jobs_engine.jobs) == 1
        await until(pilot, lambda: not table.marked and "delta" not in screen.packages.index.packages)
    assert freeze(venv) == ""


async def test_u_and_x_with_no_row_say_why(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzz", "enter")
        await pilot.press("u")
        await pilot.press("x")
        messages = [n.message for n in app._notifications]
        assert any(m.startswith("Nothing to upgrade: the filter matches no package") for m in messages)
        assert any(m.startswith("Nothing to uninstall: the filter matches no package") for m in messages)
        assert app.screen.jobs_engine.jobs == []


def _cursor_visible(table: PackageTable) -> bool:
    top = table.scroll_offset.y
    return top <= table.cursor < top + table.scrollable_content_region.height - 1


async def test_the_highlighted_row_stays_on_screen_after_resize_log_and_escape(tmp_path: Path) -> None:
    from tests.factory import make_synthetic_venv

    venv = make_synthetic_venv(tmp_path / "many", 300)
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PackageTable)
        await pilot.press("pagedown", "pagedown", "pagedown", "down")
        key = table.current.key
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert table.current.key == key and _cursor_visible(table)
        await pilot.press("l")  # the log opens: the table gets shorter
        await settle(pilot)
        assert _cursor_visible(table)
        await pilot.press("slash", *"synth0025", "enter", "down", "down")
        key = table.current.key
        await pilot.press("escape")
        await settle(pilot)
        assert table.current.key == key and table.row_count == 300 and _cursor_visible(table)
        assert key in screen_text(app)


async def test_with_the_log_open_at_80x24_the_table_keeps_eight_rows(tmp_path: Path) -> None:
    from tests.factory import make_synthetic_venv

    venv = make_synthetic_venv(tmp_path / "many", 40)
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PackageTable)
        await pilot.press("enter", "l")  # the details and the log both open
        await settle(pilot)
        assert app.screen.query_one("#details").display and not app.screen.job_pane.collapsed
        rows = table.scrollable_content_region.height - 1  # less the column header
        assert rows >= 8, rows
        shown = [line for line in screen_text(app).splitlines() if "│ synth000" in line]
        assert len(shown) >= 8
