"""The TUI over the hostile corpus: every row and view shows hostile text literally and never crashes.

What the app would write to the terminal is read from its compositor: apart from Textual's own
cursor moves, no segment may hold a control character, and no link may go anywhere envtui did
not build itself.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from rich.segment import Segment
from textual.app import App, ComposeResult

from envtui.core.config import load_config
from envtui.core.env.environment import resolve_environment
from envtui.core.jobs import history
from envtui.ui.app import EnvtuiApp
from envtui.ui.health import HealthView
from envtui.ui.screens.confirm import ConfirmChangeScreen
from envtui.ui.screens.log_viewer import LogViewerScreen
from envtui.ui.text import link, plain, sgr_line
from envtui.ui.widgets.job_log import JobLog
from envtui.ui.widgets.sidebar import ViewList
from tests.hostile import SECRET, TITLE, World, assert_terminal_safe, hostile_world
from tests.ui_support import make_app, screen_text, settle

SIZE = (120, 40)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Iterator[World]:
    """The hostile corpus, built once for this module."""
    os.environ.setdefault("UV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "uv-cache"))
    with hostile_world(tmp_path_factory.mktemp("hostile-ui"), wheelhouse) as built:
        yield built


def segments(app: App) -> list[Segment]:
    """What the app would write for a full repaint now, as segments."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
    )
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    return list(console.render(update))


def assert_screen_safe(app: App) -> None:
    """No control character in any text segment, no link envtui did not build, no secret."""
    shown = segments(app)
    text = "".join(segment.text for segment in shown if not segment.control)
    assert_terminal_safe(text, allow=("\n",))
    assert SECRET not in text
    links = {segment.style.link for segment in shown if segment.style is not None and segment.style.link}
    assert not any("evil" in target for target in links), links


async def test_every_row_and_view_shows_hostile_text_literally(world: World) -> None:
    app = EnvtuiApp(resolve_environment(world.venv), config=load_config(world.config, strict=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.show_details = True
        table = screen.table
        assert table.row_count >= 14
        await pilot.press("home")
        await pilot.pause()
        seen = screen_text(app)
        for _ in range(table.row_count):
            await pilot.press("down")
            await pilot.pause()
            assert_screen_safe(app)
            seen += screen_text(app)
        # Shown literally (the details pane wraps long values, so look for pieces).
        assert f"\\x1b]0;{TITLE}\\x07" in seen and "window title" in seen
        # a hostile name (normalised as uv shows names, so lower case) and version
        assert f"tampered\\x1b]0;{TITLE}\\x07[/]".lower() in seen.lower()
        assert "1.0\\x9b2J" in seen
        assert "HOME[/link]" in seen and "unbalanced [/]" in seen  # markup shown, not obeyed
        assert "venv-\\x1b]0;PWNED-TITLE\\x07-[/]" in seen  # the path, in the status line

        views = screen.query_one(ViewList)
        for index in range(views.option_count):
            views.focus()
            views.highlighted = index
            await pilot.press("enter")
            await settle(pilot)
            assert_screen_safe(app)
            for _ in range(5):  # a few rows of whatever the view shows
                await pilot.press("down")
                await pilot.pause()
                assert_screen_safe(app)
        await pilot.press("H")
        await settle(pilot)
        view = screen.query_one(HealthView)
        view.table.focus()
        health = screen_text(app)
        for _ in range(view.table.row_count):  # every check, with its whole story under the table
            await pilot.press("down")
            await pilot.pause()
            assert_screen_safe(app)
            health += screen_text(app)
        assert "answer too deep" in health and "larger than 1 MiB" in health
        assert "service title \\x1b]0;PWNED-TITLE\\x07" in health
        details = {f.name: f for f in view.report.findings}
        assert details["service auth"].status == "ok"
        assert details["dependencies"].status == "fail"  # uv's check failed on the tampered dist-info
        await pilot.press("J")
        await settle(pilot)
        assert_screen_safe(app)


async def test_dialogs_and_toasts_show_hostile_text_literally(world: World, offline_uv: Path) -> None:
    app = EnvtuiApp(resolve_environment(world.venv), config=load_config(world.config, strict=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.table.move_to("hostile10")
        await pilot.press("x")  # uninstall: uv's preview, then the confirm dialog
        await settle(pilot)
        assert isinstance(app.screen, ConfirmChangeScreen)
        assert_screen_safe(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("i", *"bad[/]spec", "enter")  # refused: the toast quotes it, markup and all
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert any("not a valid requirement: 'bad[/]spec'" in message for message in toasts), toasts
        assert_screen_safe(app)
        await pilot.press("i", *f"alpha @ http://user:{SECRET}@127.0.0.1:9/alpha-1.0-py3-none-any.whl", "enter")
        await settle(pilot)
        assert_screen_safe(app)  # the spinner, the error toast: the credentials are masked
        assert screen_text(app)


async def test_a_bad_job_record_is_left_out_of_the_jobs_view(env_path: Path) -> None:
    jobs = Path(os.environ["ENVTUI_STATE_DIR"]) / "jobs"
    jobs.mkdir(parents=True)
    (jobs / "20250101-000000-0002222.json").write_text(
        json.dumps({"id": "20250101-000000-0002222", "kind": "install", "env": str(env_path)}).replace(
            "}", ', "command": ["uv"], "status": "succeeded", "started": "yesterday"}'
        )
    )
    (jobs / "20250101-000000-0003333.json").write_text("[" * 100_000)
    app = make_app(env_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("J")
        await settle(pilot)
        toasts = [n.message for n in app._notifications]
        assert sum(m.count("skipped the unreadable job record") for m in toasts) == 2, toasts
        assert "No jobs yet" in screen_text(app)
        assert_screen_safe(app)


class _LogApp(App[None]):
    def compose(self) -> ComposeResult:
        yield JobLog(id="log")


async def test_job_log_keeps_colours_as_styles_and_shows_other_escapes() -> None:
    app = _LogApp()
    async with app.run_test(size=(100, 6)) as pilot:
        log = app.query_one(JobLog)
        log.append("stderr", f"\x1b[1;31merror\x1b[0m: bad \x1b]0;{TITLE}\x07 \x9b2J \x1b]52;c;eA==\x07")
        log.append("stdout", "plain\tline")
        log.flush()
        await pilot.pause()
        first = list(log.render_line(0))
        text = "".join(segment.text for segment in first)
        assert text.startswith(f"error: bad \\x1b]0;{TITLE}\\x07 \\x9b2J \\x1b]52;c;eA==\\x07")
        error = next(segment for segment in first if segment.text.startswith("error"))
        assert error.style is not None and error.style.bold and error.style.color is not None
        assert "".join(segment.text for segment in log.render_line(1)).startswith("plain   line")
        assert_screen_safe(app)


async def test_the_log_viewer_shows_a_job_log_on_disk_as_the_log_pane_does() -> None:
    """The file keeps what uv and the hooks printed, escapes and all: the viewer shows them
    literally (colours as styles), never as bytes to the terminal."""
    hostile = [f"\x1b[1;31merror\x1b[0m: bad \x1b]0;{TITLE}\x07 \x9b2J \x1b[2J", "\u202eevil\tthere"]
    record = history.record_refused("/nowhere", "install", ["uv", "pip", "install"], "hostile", "x", hostile)
    app = App[None]()
    async with app.run_test(size=(100, 12)) as pilot:
        app.push_screen(LogViewerScreen(record))
        await pilot.pause()
        assert app.screen.lines[1:] == hostile
        text = screen_text(app)
        assert f"error: bad \\x1b]0;{TITLE}\\x07 \\x9b2J \\x1b[2J" in text
        assert "\\u202eevil   there" in text
        assert_screen_safe(app)


def test_text_helpers_never_parse_markup_and_link_only_plain_web_urls() -> None:
    assert plain("[bold]x[/]").plain == "[bold]x[/]"
    assert plain("\x1b]0;t\x07").plain == "\\x1b]0;t\\x07"
    ok = link("https://example.org/project")
    assert ok.plain == "https://example.org/project" and ok.get_style_at_offset(Console(), 0).link == ok.plain
    for hostile in ("https://evil.example/\x1b]0;x\x07", "javascript:alert(1)", "https://u:p@h/"):
        shown = link(hostile)
        assert not any(span.style.link for span in shown.spans if hasattr(span.style, "link"))
        assert shown.get_style_at_offset(Console(), 0).link is None
    coloured = sgr_line("\x1b[32mok\x1b[0m \x1b]8;;https://evil.example\x1b\\x\x1b]8;;\x1b\\")
    assert coloured.plain == "ok \\x1b]8;;https://evil.example\\x1b\\x\\x1b]8;;\\x1b\\"
    assert all(span.style for span in coloured.spans)
    assert not any(getattr(span.style, "link", None) for span in coloured.spans)
