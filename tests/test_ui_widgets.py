"""The package table and the job log on their own: virtualised painting, in-place updates, batching."""

from __future__ import annotations

import threading

from textual import on
from textual.app import App, ComposeResult

from envtui.core.env.environment import resolve_environment
from envtui.core.env.packages import Package
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.job import Job, Line
from envtui.ui.jobs.listener import ScreenJobListener
from envtui.ui.jobs.messages import JobOutput
from envtui.ui.widgets.job_log import JobLog
from envtui.ui.widgets.package_table import PackageTable


def packages(count: int) -> dict[str, Package]:
    made = (Package(name=f"pkg{i:05d}", version="1.0", category="Utilities") for i in range(count))
    return {p.key: p for p in made}


class TableApp(App[None]):
    """Just a package table."""

    def compose(self) -> ComposeResult:
        yield PackageTable()


class LogApp(App[None]):
    """Just a job log."""

    def compose(self) -> ComposeResult:
        yield JobLog(max_lines=1000)


async def test_table_paints_only_the_visible_rows_of_10000(monkeypatch) -> None:
    painted: list[int] = []
    original = PackageTable.render_line

    def counting(self, y: int):
        painted.append(y)
        return original(self, y)

    monkeypatch.setattr(PackageTable, "render_line", counting)
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PackageTable)
        rows = packages(10000)
        painted.clear()
        table.set_rows(list(rows), rows)
        await pilot.pause()
        assert table.row_count == 10000
        assert 0 < len(painted) <= 2 * 24  # a screenful (or two frames of one), not 10,000 rows


async def test_table_keeps_cursor_key_and_scroll_when_rows_change() -> None:
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PackageTable)
        rows = packages(1000)
        table.set_rows(list(rows), rows)
        table.focus()
        await pilot.pause()
        await pilot.press("pagedown", "pagedown", "pagedown", "down")
        key, scroll = table.current.key, table.scroll_offset.y
        assert scroll > 0
        fewer = [k for k in rows if k != "pkg00000"]  # a row above disappears
        table.set_rows(fewer, rows)
        await pilot.pause()
        assert table.current.key == key and table.scroll_offset.y == scroll
        table.set_rows(["pkg00001", "pkg00002"], rows)  # the cursor's row is gone: back to the top
        await pilot.pause()
        assert table.current.key == "pkg00001"
        table.set_rows([], rows)
        await pilot.pause()
        assert table.current is None and table.row_count == 0


async def test_table_repaints_only_the_two_rows_the_cursor_moves_between(monkeypatch) -> None:
    painted: list[int] = []
    original = PackageTable.render_line

    def counting(self, y: int):
        painted.append(self.scroll_offset.y + y - 1)  # the row index line y shows
        return original(self, y)

    monkeypatch.setattr(PackageTable, "render_line", counting)
    app = TableApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(PackageTable)
        rows = packages(1000)
        table.set_rows(list(rows), rows)
        table.focus()
        await pilot.press("pagedown", "pagedown", "pagedown")
        await pilot.pause(0.2)  # the scrolled screen is painted
        assert table.scroll_offset.y > 0
        for key in ("up", "down"):
            before = table.cursor
            painted.clear()
            await pilot.press(key)
            await pilot.pause(0.2)
            assert table.cursor != before
            assert sorted(set(painted)) == sorted({before, table.cursor}), (key, painted)


async def test_table_marks_broken_outdated_and_editable() -> None:
    app = TableApp()
    async with app.run_test(size=(100, 10)) as pilot:
        table = app.query_one(PackageTable)
        rows = packages(3)
        rows["pkg00002"].editable = True
        table.set_rows(list(rows), rows, latest={"pkg00001": "2.0"}, broken={"pkg00000"})
        await pilot.pause()
        lines = ["".join(seg.text for seg in table.render_line(y)) for y in range(4)]
        assert "Latest" in lines[0]
        assert lines[1].rstrip().endswith("!") and "2.0" in lines[2] and lines[2].rstrip().endswith("^")
        assert lines[3].rstrip().endswith("e")


async def test_job_log_buffers_and_writes_a_flood_in_batches(monkeypatch) -> None:
    def per_line(self, line, scroll_end=None):  # the slow path must never be used
        raise AssertionError("write_line called")

    monkeypatch.setattr(JobLog, "write_line", per_line)
    batches: list[int] = []
    original = JobLog.write_lines

    def counting(self, lines, scroll_end=None):
        lines = list(lines)
        batches.append(len(lines))
        return original(self, lines, scroll_end)

    monkeypatch.setattr(JobLog, "write_lines", counting)
    app = LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(JobLog)
        producer = threading.Thread(target=lambda: [log.append("stdout", f"line {i}") for i in range(100_000)])
        producer.start()
        producer.join()
        assert log.received == 100_000
        while log.pending:  # the flush timer drains it; no per-line work in between
            await pilot.pause(0.06)
        assert log.line_count == 1000 and log.lines[-1] == "line 99999"
        assert sum(batches) + log.dropped == 100_000
        assert len(batches) < 100  # batched per timer tick, not per line
        log.reset()
        assert log.line_count == 0 and log.received == 0


async def test_job_log_keeps_repainting_once_full() -> None:
    """Once the pane holds ``max_lines``, new lines still reach the terminal (they used not to:
    the pane froze on old output until something else repainted it)."""
    from textual._compositor import CompositorUpdate

    app = LogApp()
    sent: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app._display

        def display(screen, renderable) -> None:
            if isinstance(renderable, CompositorUpdate):
                sent.append(renderable.render_segments(app.console))
            original(screen, renderable)

        app._display = display  # type: ignore[method-assign]
        log = app.query_one(JobLog)
        for start in range(0, 3000, 500):
            log.extend("stdout", [f"line {i}" for i in range(start, start + 500)])
            log.flush()
            await pilot.pause()
        assert log.line_count == 1000
        sent.clear()
        log.extend("stdout", ["newest"])  # no wider than the rest: the width does not change
        log.flush()
        await pilot.pause()
        assert "newest" in "".join(sent)


def row_text(log: JobLog, y: int) -> str:
    """What row ``y`` of the log pane shows."""
    return "".join(segment.text for segment in log.render_line(y))


async def test_job_log_lines_repaint_the_pane_and_never_lay_out_the_screen() -> None:
    """More (and wider) lines change the pane's extent and its scrollbars, not the layout."""
    app = LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(JobLog)
        await pilot.pause()
        refreshes: list[bool] = []
        refresh = log.refresh

        def spy(*regions, **options):
            refreshes.append(bool(options.get("layout")))
            return refresh(*regions, **options)

        log.refresh = spy  # type: ignore[method-assign]
        for width in (10, 40, 200):
            log.extend("stdout", ["x" * width for _ in range(30)])
            log.flush()
            await pilot.pause()
        assert refreshes and not any(refreshes)
        assert log.virtual_size.height == 90 and log.virtual_size.width == 200
        assert log.vertical_scrollbar.window_virtual_size == 90
        assert log.horizontal_scrollbar.window_virtual_size == 200
        assert log.is_vertical_scroll_end  # it followed the new lines


async def test_job_log_scrolls_sideways_to_the_end_of_a_long_line() -> None:
    app = LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(JobLog)
        log.extend("stdout", ["short", "start " + "-" * 300 + " the end"])
        log.flush()
        await pilot.pause()
        assert "the end" not in row_text(log, 1)
        log.scroll_to(x=log.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        assert row_text(log, 1).rstrip().endswith("the end")


async def test_job_log_scrolled_up_keeps_its_lines_in_view_while_output_goes_on() -> None:
    """Reading back in a full pane: the lines in view stay put as older ones are dropped; at
    the end, the pane follows again. A batch ending in an empty line keeps it."""
    app = LogApp()
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.query_one(JobLog)
        log.extend("stdout", [f"line {i}" for i in range(1000)])
        log.flush()
        await pilot.pause()
        log.scroll_to(y=500, animate=False, immediate=True)
        await pilot.pause()
        assert row_text(log, 0).startswith("line 500 ")
        log.extend("stdout", [f"more {i}" for i in range(200)])
        log.flush()
        await pilot.pause()
        assert log.lines[0] == "line 200" and row_text(log, 0).startswith("line 500 ")
        log.scroll_end(animate=False, immediate=True)
        log.extend("stdout", ["last", ""])
        log.flush()
        await pilot.pause()
        assert log.lines[-2:] == ["last", ""] and log.is_vertical_scroll_end
        height = log.scrollable_content_region.height
        assert row_text(log, height - 2).startswith("last ")


async def test_job_output_batches_join_the_message_still_waiting(venv_factory) -> None:
    """A flood is one message in the queue, not hundreds: batches handed over before the screen
    takes the waiting message join it, in order; later ones make a new message."""
    job = Job(id="j1", request=ChangeRequest.install(["alpha"]), env=resolve_environment(venv_factory()), argv=[])
    taken: list[list[Line]] = []

    class OutputApp(App[None]):
        """Takes job output as the screen does."""

        @on(JobOutput)
        def _output(self, message: JobOutput) -> None:
            taken.append(message.take())

    app = OutputApp()
    async with app.run_test() as pilot:
        listener = ScreenJobListener(app)
        for i in range(5):  # the app's loop does not turn in between
            listener.on_lines(job, [("stdout", f"line {i}")])
        await pilot.pause()
        listener.on_lines(job, [("stdout", "line 5"), ("stderr", "line 6")])
        await pilot.pause()
    assert taken == [[("stdout", f"line {i}") for i in range(5)], [("stdout", "line 5"), ("stderr", "line 6")]]


class FollowingLogApp(App[None]):
    """A job log whose height the test changes, as a terminal resize or a fold does."""

    def compose(self) -> ComposeResult:
        yield JobLog(id="log")


async def test_the_log_keeps_following_the_end_after_it_is_made_smaller() -> None:
    """A trial found the log pane stuck after a resize from 120x40 to 80x24: new lines arrived
    below the view, for every later job."""
    app = FollowingLogApp()
    async with app.run_test(size=(80, 30)) as pilot:
        log = app.query_one(JobLog)
        log.styles.height = 20
        log.write_lines([f"line {i}" for i in range(200)])
        await pilot.pause()
        assert log.scroll_offset.y == log.max_scroll_y > 0
        log.styles.height = 5  # smaller: the position stays, short of the new end
        await pilot.pause()
        log.write_lines([f"later {i}" for i in range(10)])
        await pilot.pause()
        assert log.scroll_offset.y == log.max_scroll_y, "still following"
        log.scroll_to(y=0, animate=False, immediate=True)  # the reader scrolls up: it stays there
        await pilot.pause()
        log.write_lines(["more"])
        await pilot.pause()
        assert log.scroll_offset.y == 0
