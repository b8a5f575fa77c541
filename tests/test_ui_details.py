"""The details pane puts first what a user looks for, folds extras to a line each, wraps URLs whole."""

from __future__ import annotations

from pathlib import Path

from envtui.ui.widgets.details import DetailsPane, wrap_at_slashes
from envtui.ui.widgets.extras import ExtrasList
from tests.factory import WheelSpec, build_wheel, install_into
from tests.ui_support import make_app, screen_text, settle

URL = "https://github.com/example-organisation/a-rather-long-project-name/blob/main/README.md"


def _many_extras() -> WheelSpec:
    requires = ["beta>=1.0"]
    for extra in ("docs", "socks", "test", "yaml"):
        requires += [f'dep-{extra}-{i}>=1; extra == "{extra}"' for i in range(8)]
    return WheelSpec(
        "Extra_Heavy",
        "3.0",
        requires=requires,
        summary="Has a great many optional extras",
        extra_metadata=[f"Project-URL: Homepage, {URL}"],
    )


async def _open_on(app, pilot, key: str) -> DetailsPane:
    await settle(pilot)
    assert app.screen.table.move_to(key)
    await pilot.press("enter")
    await settle(pilot)
    return app.screen.query_one(DetailsPane)


async def test_required_by_shows_first_and_extras_fold(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    extra = tmp_path / "extra"
    build_wheel(extra, _many_extras())
    build_wheel(extra, WheelSpec("user", "1.0", requires=["extra-heavy"]))
    venv = venv_factory()
    install_into(venv, wheelhouse, ["user"], "--find-links", str(extra))
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        details = await _open_on(app, pilot, "extra-heavy")
        text = screen_text(app)
        # At 80x24 the details stack under the table in a short pane: the first lines must count.
        for wanted in ("Summary", "Version", "Required by", "user", "Requires", "beta>=1.0"):
            assert wanted in text, wanted
        # In the order a user looks for them, each on a line of its own, the extras after them.
        lines = [line.split("│")[-2].strip() if line.count("│") >= 2 else "" for line in text.splitlines()]
        heads = ("Summary ", "Version ", "Required by ", "Requires ", "Extras (4)")
        at = [next(i for i, line in enumerate(lines) if line.startswith(head)) for head in heads]
        assert at == sorted(at) and len(set(at)) == len(at), at
        assert "dep-docs-0>=1" not in text  # thirty-two extra requirements are not in the way
        extras = details.query_one(ExtrasList)
        assert extras.extras == ["docs", "socks", "test", "yaml"] and extras.opened == set()
    async with make_app(venv).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        details = await _open_on(app, pilot, "extra-heavy")
        text = screen_text(app)
        assert "▸ socks: dep-socks-0, dep-socks-1" in text
        extras = details.query_one(ExtrasList)
        extras.focus()
        await pilot.press("down", "enter")
        assert extras.opened == {"socks"}
        text = screen_text(app)
        assert "▾ socks" in text and "dep-socks-7>=1  not installed" in text
        await pilot.press("enter")
        assert extras.opened == set()
        await pilot.click(ExtrasList, offset=(2, 3))  # the line of "test" (under the title, docs, socks)
        assert extras.opened == {"test"}


async def test_urls_wrap_at_slashes_not_mid_word(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    extra = tmp_path / "extra"
    build_wheel(extra, _many_extras())
    venv = venv_factory()
    install_into(venv, wheelhouse, ["extra-heavy"], "--find-links", str(extra))
    async with make_app(venv).run_test(size=(120, 40)) as pilot:
        app = pilot.app
        await _open_on(app, pilot, "extra-heavy")
        lines = [" ".join(line.split("│")[-2].split()) for line in screen_text(app).splitlines() if "│" in line]
        start = next(i for i, line in enumerate(lines) if line.startswith("Homepage "))
        shown = [lines[start].removeprefix("Homepage "), *lines[start + 1 : start + 4]]
        assert "".join(shown) == URL
        assert all(line[-1] in "/-" for line in shown[:-1]), shown  # each line ends where the URL may break


def test_wrap_at_slashes_cuts_only_what_cannot_fit() -> None:
    assert wrap_at_slashes("short/path", 40) == "short/path"
    wrapped = wrap_at_slashes(URL, 30).splitlines()
    assert "".join(wrapped) == URL and all(len(line) <= 30 for line in wrapped)
    assert all(line[-1] in "/-" for line in wrapped[:-1])
    assert wrap_at_slashes("x" * 25, 10).splitlines() == ["x" * 10, "x" * 10, "x" * 5]


async def test_version_says_latest_or_what_is_newer(env_path: Path) -> None:
    app = make_app(env_path)
    async with app.run_test(size=(120, 40)) as pilot:
        details = await _open_on(app, pilot, "alpha")
        screen = app.screen
        assert "2.0  (latest)" not in screen_text(app)  # not asked yet: no claim either way
        details.show(screen.table.current, screen.packages.index.packages, {"alpha": "3.0"})
        await pilot.pause()
        assert "2.0  → 3.0 available" in screen_text(app)
        details.show(screen.table.current, screen.packages.index.packages, {})
        await pilot.pause()
        assert "2.0  (latest)" in screen_text(app)
