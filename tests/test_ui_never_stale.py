"""Never stale: a change made outside envtui shows within 2 s with cursor, filter and scroll kept, and
what is derived from the listing (newer versions, ^ marks, Outdated, details, health) follows a job."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

from envtui.core.env.filtering import OUTDATED, View
from envtui.core.jobs.change import ChangeRequest
from envtui.ui.health import HealthView
from envtui.ui.widgets.details import DetailsPane
from envtui.ui.widgets.package_table import PackageTable
from envtui.ui.widgets.sidebar import ViewList
from tests.factory import install_into, site_packages
from tests.test_jobs_ui import finished, until
from tests.ui_support import make_app, screen_text, settle


async def test_an_outside_install_shows_within_two_seconds_keeping_filter_and_cursor(
    venv_factory, wheelhouse: Path
) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.1", "gamma"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(PackageTable)
        await pilot.press("slash", *"ta", "enter")  # beta, and delta once it is there
        assert list(table.keys) == ["beta"]
        await asyncio.to_thread(install_into, venv, wheelhouse, ["delta"])
        done = time.monotonic()
        await until(pilot, lambda: "delta" in screen.packages.index.packages, timeout=10)
        took = time.monotonic() - done
        print(f"relisted {took:.2f} s after the change")
        assert took < 2.0, f"relisted {took:.2f} s after the change"
        assert list(table.keys) == ["beta", "delta"]  # the filter stays
        assert table.current.key == "beta"  # and so does the cursor
        assert any("changed on disk" in n.message for n in app._notifications)
        # A removal by a script that knows nothing of envtui.
        shutil.rmtree(site_packages(venv) / "delta-1.0.dist-info")
        await pilot.press("down")
        await until(pilot, lambda: "delta" not in screen.packages.index.packages, timeout=10)
        assert list(table.keys) == ["beta"] and table.current.key == "beta"


async def test_own_job_is_not_announced_as_an_outside_change(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await finished(pilot, screen.jobs_submit(ChangeRequest.install(["delta"])))
        await until(pilot, lambda: "delta" in screen.packages.index.packages)
        await pilot.pause(1.2)  # two polls
        await settle(pilot)
        assert not any("changed on disk" in n.message for n in app._notifications)


async def test_what_is_derived_follows_an_upgrade(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.1"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("o")
        await settle(pilot)
        assert screen.latest == {"alpha": "2.0"}
        assert "Outdated 1" in screen_text(app)
        assert screen.table.move_to("alpha")
        await pilot.press("enter")
        await settle(pilot)
        assert "→ 2.0 available" in screen_text(app)
        await finished(pilot, screen.jobs_submit(ChangeRequest.upgrade(["alpha"])))
        await until(pilot, lambda: screen.packages.index.packages["alpha"].version == "2.0")
        await settle(pilot)
        assert screen.latest == {}
        text = screen_text(app)
        assert "Outdated 0" in text and "^" not in text.split("!^e", 1)[1]
        assert "2.0  (latest)" in text and "available" not in text
        details = screen.query_one(DetailsPane)
        assert details.border_title == "alpha 2.0"
        view = screen.query_one(HealthView)
        await until(pilot, lambda: view.report is not None and any(f.name == "outdated" for f in view.report.findings))
        outdated = next(f for f in view.report.findings if f.name == "outdated")
        assert outdated.status == "ok" and "alpha" not in outdated.detail
        views = screen.query_one(ViewList)
        assert views._counts[View(OUTDATED)] == 0


async def test_the_hooks_check_follows_a_config_edit_without_a_key(env_path: Path, tmp_path: Path) -> None:
    from envtui.core.config import load_config
    from envtui.core.env.environment import resolve_environment
    from envtui.core.health import trust
    from envtui.ui.app import EnvtuiApp
    from tests.test_hooks_trust import touch, write_config

    config = write_config(tmp_path, touch(tmp_path / "a"), touch(tmp_path / "b"))
    trust.trust(load_config(config))
    app = EnvtuiApp(resolve_environment(env_path), config=load_config(config))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(HealthView)
        await until(pilot, lambda: view.report is not None)
        assert next(f for f in view.report.findings if f.name == "hooks").status == "ok"
        config.write_text(config.read_text() + "# edited\n")
        await until(
            pilot,
            lambda: "changed since it was trusted" in next(f for f in view.report.findings if f.name == "hooks").detail,
            timeout=10,
        )


async def test_an_outside_change_keeps_the_scroll_and_the_highlighted_row(tmp_path: Path, wheelhouse: Path) -> None:
    from tests.factory import make_synthetic_venv

    venv = make_synthetic_venv(tmp_path / "many", 300)
    app = make_app(venv)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(PackageTable)
        await pilot.press("pagedown", "pagedown", "pagedown", "down")
        await pilot.press("up", "up", "up")  # the cursor mid-screen, the table scrolled
        key, scroll = table.current.key, table.scroll_offset.y
        line = table.cursor - scroll  # the screen line the highlighted row is on
        assert scroll > 0
        await asyncio.to_thread(install_into, venv, wheelhouse, ["delta"])  # a row above the cursor's
        await until(pilot, lambda: "delta" in screen.packages.index.packages, timeout=10)
        await settle(pilot)
        assert table.current.key == key and table.cursor == scroll + line + 1  # one row more above it
        assert table.scroll_offset.y == scroll  # the view did not jump (nor go back to the top)
        assert key in screen_text(app)
        await pilot.press("r")  # a refresh asked for keeps them too
        await settle(pilot)
        assert table.current.key == key and table.scroll_offset.y == scroll


async def test_a_change_by_another_envtui_shows_within_two_seconds(venv_factory, offline_uv) -> None:
    from tests.factory import run_envtui

    venv = venv_factory(["alpha==1.0"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        result = await asyncio.to_thread(run_envtui, "install", "delta", "--venv", str(venv))
        assert result.returncode == 0, result.stderr
        done = time.monotonic()
        await until(pilot, lambda: "delta" in screen.packages.index.packages, timeout=10)
        took = time.monotonic() - done
        assert took < 2.0, f"relisted {took:.2f} s after the other envtui finished"
        assert any("changed on disk" in n.message for n in app._notifications)
        assert "delta" in screen_text(app)


async def test_what_is_derived_follows_an_upgrade_made_outside(venv_factory, offline_uv, wheelhouse: Path) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.1"])
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("o")
        await settle(pilot)
        assert screen.latest == {"alpha": "2.0"} and "Outdated 1" in screen_text(app)
        await asyncio.to_thread(install_into, venv, wheelhouse, ["alpha==2.0"])
        await until(pilot, lambda: screen.packages.index.packages["alpha"].version == "2.0", timeout=10)
        await settle(pilot)
        assert screen.latest == {}
        text = screen_text(app)
        assert "Outdated 0" in text and "^" not in text.split("!^e", 1)[1]
        assert screen.table.move_to("alpha")
        await pilot.press("enter")
        await settle(pilot)
        assert "2.0  (latest)" in screen_text(app)
