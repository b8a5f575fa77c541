"""Every key of the main screen, pressed with Textual's Pilot on real venvs (workers awaited)."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.env.filtering import CATEGORY, TOP_LEVEL, View
from envtui.ui.screens.help import HelpScreen
from envtui.ui.screens.main import DETAILS_FOLLOW
from envtui.ui.widgets.details import DetailsPane
from envtui.ui.widgets.extras import ExtrasList
from envtui.ui.widgets.filter_input import FilterInput
from envtui.ui.widgets.job_log import JobLog, JobLogPane
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.sidebar import EnvironmentList, ViewList
from tests.factory import install_into, make_synthetic_venv
from tests.ui_support import make_app, screen_text, settle


def table_of(app) -> PackageTable:
    return app.screen.query_one(PackageTable)


async def test_arrows_and_j_k_move_the_cursor(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.current.key == "alpha"
        await pilot.press("down", "down")
        assert table.current.key == "boom"
        await pilot.press("up")
        assert table.current.key == "beta"
        await pilot.press("j", "j")
        assert table.current.key == "gamma"
        await pilot.press("j")  # the last row stays the last
        assert table.current.key == "gamma"
        await pilot.press("k", "k", "k", "k")
        assert table.current.key == "alpha"


async def test_tab_and_shift_tab_cycle_the_panes(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert app.focused is table
        seen = []
        for _ in range(6):
            await pilot.press("tab")
            seen.append(app.focused)
        assert table in seen  # the cycle comes back round
        assert any(isinstance(w, ViewList) for w in seen)
        assert any(isinstance(w, EnvironmentList) for w in seen)
        assert any(isinstance(w, DetailsPane) for w in seen)
        while app.focused is not table:
            await pilot.press("tab")
        await pilot.press("shift+tab")
        assert app.focused is app.screen.query_one(FilterInput)
        await pilot.press("tab")
        assert app.focused is table


async def test_slash_filters_by_name_and_summary_as_you_type_and_escape_clears(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        await pilot.press("slash")
        assert isinstance(app.focused, FilterInput)
        await pilot.press("a", "l")
        assert list(table.keys) == ["alpha"]
        assert table.border_title == "1 of 4 packages"
        assert "1 of 4 packages" in screen_text(app)
        for _ in range(2):
            await pilot.press("backspace")
        await pilot.press(*"third")  # the summary of gamma
        assert list(table.keys) == ["gamma"]
        await pilot.press("q")  # in a text field q is a letter, not quit
        assert app.is_running and app.focused.value == "thirdq"
        assert table.row_count == 0 and table.border_title == "0 of 4 packages"
        await pilot.press("escape")
        assert app.focused is table
        assert app.screen.query_one(FilterInput).value == ""
        assert table.border_title == "4 packages"


async def test_enter_in_the_filter_goes_to_the_table(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "b", "enter")
        table = table_of(app)
        assert app.focused is table and list(table.keys) == ["beta", "boom"]
        await pilot.press("escape")  # from the table too, as in lazygit: the filter goes
        assert app.screen.query_one(FilterInput).value == "" and len(list(table.keys)) == 4
        await pilot.press("slash", "g")  # a new filter starts empty, not "bg"
        assert app.screen.query_one(FilterInput).value == "g" and list(table.keys) == ["gamma"]


async def test_s_cycles_the_sort(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert list(table.keys) == ["alpha", "beta", "boom", "gamma"]
        await pilot.press("s")
        assert list(table.keys) == ["boom", "gamma", "beta", "alpha"]  # 1.0, 1.0, 1.1, 2.0
        assert "sorted by version" in table.border_subtitle
        await pilot.press("s")
        assert list(table.keys) == ["alpha", "gamma", "beta", "boom"]  # Core Web, Database, Utilities
        await pilot.press("s")
        assert list(table.keys) == ["alpha", "beta", "boom", "gamma"]


async def test_enter_shows_details_with_installed_versions_of_requirements(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        details = app.screen.query_one(DetailsPane)
        assert not details.display
        await pilot.press("enter")
        assert details.display
        text = screen_text(app)
        assert "alpha 2.0" in text and "beta>=1.1  1.1 installed" in text
        assert "Required by gamma" in text
        await pilot.press("down", "down", "down")  # the pane follows the cursor, a moment later
        await pilot.pause(DETAILS_FOLLOW + 0.1)
        text = screen_text(app)
        assert "gamma 1.0" in text and "alpha>=1.0  2.0 installed" in text
        assert "Extras (1)" in text  # an optional extra folds into one line
        assert app.screen.query_one(ExtrasList).extras == ["more"]
        await pilot.press("escape")  # with no filter, Escape closes the details
        assert not details.display


async def test_r_refreshes_in_place_keeping_cursor_and_scroll(tmp_path: Path) -> None:
    venv = make_synthetic_venv(tmp_path / "many", 300)
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        for _ in range(8):
            await pilot.press("pagedown")
        await pilot.press("up", "up")
        key, scroll, index = table.current.key, table.scroll_offset.y, table.cursor
        assert scroll > 50
        # A package appears above the cursor while we look: the cursor stays on its package.
        site = next((venv / "lib").glob("python*/site-packages"))
        info = site / "aaa_new-1.0.dist-info"
        info.mkdir()
        (info / "METADATA").write_text("Metadata-Version: 2.1\nName: aaa-new\nVersion: 1.0\n\n")
        (info / "RECORD").write_text("")
        # uv pip check calls a package without WHEEL broken (and the check would fail the refresh)
        (info / "WHEEL").write_text("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
        await pilot.press("r")
        await settle(pilot)
        assert table_of(app) is table
        assert table.border_title == "301 packages"
        assert table.current.key == key and table.cursor == index + 1
        assert abs(table.scroll_offset.y - scroll) <= 1


async def test_r_picks_up_a_change_made_outside(env_path: Path, wheelhouse: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        install_into(env_path, wheelhouse, ["delta"])
        await pilot.press("r")
        await settle(pilot)
        table = table_of(app)
        assert table.border_title == "5 packages" and "delta" in table.keys
        assert table.current.key == "gamma"


@pytest.mark.parametrize("where", ["table", "views", "environments", "details"])
async def test_q_quits_with_exit_code_0_from_anywhere_but_a_text_field(env_path: Path, where: str) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        target = {
            "table": PackageTable,
            "views": ViewList,
            "environments": EnvironmentList,
            "details": DetailsPane,
        }[where]
        app.screen.query_one(target).focus()
        await pilot.pause()
        await pilot.press("q")
    assert app.return_code == 0


async def test_question_mark_opens_help_listing_the_keys(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(100, 46)) as pilot:  # tall enough for every key and the marks
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for words in (
            "Narrow the table by name or summary",
            "Sort by name, version, category",
            "List the environment again",
            "Quit envtui",
            "Show this package's details",
            "Next / previous pane",
            "broken dependency",
        ):
            assert words in text, words
        # one key, one action: a palette-only action does not show the palette's own key
        assert [line for line in text.splitlines() if "ctrl+p" in line] == [
            line for line in text.splitlines() if "Command palette" in line
        ]
        export = next(line for line in text.splitlines() if "Write a pinned requirements file" in line)
        assert "palette" in export
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark", "question_mark")
        assert not isinstance(app.screen, HelpScreen)


async def test_ctrl_p_palette_offers_and_runs_the_actions(env_path: Path) -> None:
    from textual.command import CommandPalette

    app = make_app(env_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"sort")
        await pilot.pause(0.3)  # the palette searches in a task of its own
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CommandPalette)
        assert app.screen.packages.sort_by == "version"


async def test_l_shows_and_hides_the_job_log_which_batches_lines(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(JobLogPane)
        log = app.screen.query_one(JobLog)
        assert (pane.collapsed and not log.display) or pane.collapsed
        assert "Job log · l to show" in screen_text(app)
        await pilot.press("l")
        assert not pane.collapsed and pane.size.height > 3
        log.append("stdout", "Resolved 3 packages")
        log.append("envtui", "job finished")
        assert log.line_count == 0 and log.pending == 2  # append only buffers
        log.flush()
        await pilot.pause()
        assert log.lines == ["Resolved 3 packages", "» job finished"]
        assert "Resolved 3 packages" in screen_text(app)
        await pilot.press("l")
        assert pane.collapsed


async def test_views_narrow_the_table(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        views = app.screen.query_one(ViewList)
        text = screen_text(app)
        assert "Top-level 2" in text and "Database 1" in text and "Utilities 2" in text
        views.focus()
        views.highlighted = views.index_of(View(TOP_LEVEL))
        await pilot.press("enter")
        table = table_of(app)
        assert list(table.keys) == ["boom", "gamma"]
        assert table.border_title == "2 of 4 packages"
        assert app.focused is table
        views.highlighted = views.index_of(View(CATEGORY, "Database"))
        views.focus()
        await pilot.press("enter")
        assert list(table.keys) == ["gamma"] and table.border_title == "1 of 4 packages"


async def test_problems_view_and_marks_show_broken_dependencies(venv_factory, wheelhouse: Path) -> None:
    venv = venv_factory(["alpha"])
    install_into(venv, wheelhouse, ["clash"], "--no-deps")  # clash needs beta<1.1; 1.1 is installed
    app = make_app(venv)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert "Problems 1" in screen_text(app)
        views = app.screen.query_one(ViewList)
        views.focus()
        views.highlighted = views.index_of(View("problems"))
        await pilot.press("enter")
        table = table_of(app)
        assert list(table.keys) == ["clash"]
        await pilot.press("enter")
        text = screen_text(app)
        assert app.screen.packages.broken == {"clash": ["clash requires beta<1.1, but 1.1 is installed"]}
        assert "Problems    clash requires beta<1.1," in text
        assert "beta<1.1  1.1 installed" in text and "(conflict)" in text
        row = next(line for line in text.splitlines() if "│ clash " in line)
        assert "!" in row.split(" 1.0 ", 1)[1]  # the broken mark, after the version


async def test_outdated_view_asks_the_index_and_fills_latest(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.1"])
    app = make_app(venv)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen.latest == {"alpha": "2.0"}
        text = screen_text(app)
        assert "Outdated 1" in text and "Latest" in text and "2.0" in text
        views = app.screen.query_one(ViewList)
        views.focus()
        views.highlighted = views.index_of(View("outdated"))
        await pilot.press("enter")
        assert list(table_of(app).keys) == ["alpha"]


async def test_enter_on_another_environment_switches_to_it(venv_factory) -> None:
    first = venv_factory(["gamma"], name="first")
    venv_factory(["beta"], name="second")
    app = make_app(first)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        envs = app.screen.query_one(EnvironmentList)
        assert envs.option_count == 2
        envs.focus()
        envs.highlighted = 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.env.path == first.parent / "second"
        assert list(table_of(app).keys) == ["beta"]
        assert table_of(app).border_title == "1 package"


@pytest.mark.parametrize(("size", "small"), [((80, 24), False), ((60, 20), False), ((59, 24), True), ((80, 19), True)])
async def test_sizes_down_to_60x20_work_and_smaller_says_so(env_path: Path, size: tuple[int, int], small: bool) -> None:
    app = make_app(env_path)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert ("Terminal too small" in text) is small
        assert ("4 packages" in text) is not small
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert "4 packages" in screen_text(app)
        await pilot.press("q")
    assert app.return_code == 0


async def test_keys_typed_fast_after_slash_land_in_the_filter(env_path: Path) -> None:
    from textual import events

    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # All queued at once, as a terminal delivers "/al" typed quickly: none may reach the table
        # (where "l" would toggle the log).
        for key, char in (("slash", "/"), ("a", "a"), ("l", "l")):
            app.post_message(events.Key(key, char))
        await pilot.pause()
        assert app.screen.query_one(FilterInput).value == "al"
        assert app.screen.query_one(JobLogPane).collapsed
        await pilot.press("slash")  # in the box, "/" is a character
        assert app.screen.query_one(FilterInput).value == "al/"


async def test_mouse_click_moves_the_cursor_and_a_second_click_opens_details(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = table_of(app)
        # Row 0 is the column header; rows start below it.
        await pilot.click(PackageTable, offset=(5, 3))
        assert table.current.key == "beta"
        await pilot.click(PackageTable, offset=(5, 3))
        await pilot.pause()
        assert app.screen.query_one(DetailsPane).display
        assert "beta 1.1" in screen_text(app)


async def test_ctrl_p_offers_quit_once(env_path: Path) -> None:
    from textual.command import CommandPalette

    app = make_app(env_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"quit")
        assert isinstance(app.screen, CommandPalette)
        await pilot.pause(0.3)  # the palette searches in a task of its own
        await settle(pilot)
        text = screen_text(app)
        assert "Quit (^q, q)" in text and "Quit envtui (exit code 0)" in text  # envtui's, with its keys
        assert "Quit the application" not in text  # Textual's own, the same action a second time


async def test_help_lists_each_mark_on_a_line_of_its_own(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        help_screen.query_one("#help-body").scroll_end(animate=False)
        await pilot.pause()
        lines = [line.strip(" │") for line in screen_text(app).splitlines()]
        for mark in ("broken dependency or metadata", "newer version available", "editable install"):
            assert any(line.endswith(mark) for line in lines), mark


async def test_enter_typed_ahead_after_the_filter_lands_on_the_table(env_path: Path) -> None:
    """Over SSH the keys typed fast arrive together: the second Enter must open the details."""
    from textual.events import Key

    app = make_app(env_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gam")
        for _ in range(2):  # as a terminal's driver posts them: one after the other, no pause between
            app.post_message(Key("enter", "\r"))
        await settle(pilot)
        assert app.focused is table_of(app)
        assert app.screen.query_one(DetailsPane).display and "gamma 1.0" in screen_text(app)
