"""Names in the TUI read as uv prints them: normalised, one spelling in the table and the details."""

from __future__ import annotations

from pathlib import Path

from envtui.ui.widgets.details import DetailsPane
from envtui.ui.widgets.package_table import PackageTable
from tests.factory import WheelSpec, build_wheel, install_into
from tests.ui_support import make_app, screen_text, settle


async def test_table_and_details_show_normalised_names(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    extra = tmp_path / "extra"
    build_wheel(extra, WheelSpec("Two_Parts", "1.0", requires=["Beta>=1.0"], summary="Spelt its own way"))
    build_wheel(extra, WheelSpec("Jinja.Like", "2.0", requires=["Two_Parts"], summary="Also"))
    venv = venv_factory()
    install_into(venv, wheelhouse, ["Jinja.Like"], "--find-links", str(extra))
    app = make_app(venv)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PackageTable)
        assert list(table.keys) == ["beta", "jinja-like", "two-parts"]
        await pilot.press("end")
        await settle(pilot)
        text = screen_text(app)
        assert "two-parts" in text and "Two_Parts" not in text and "Jinja.Like" not in text
        details = app.screen.query_one(DetailsPane)
        assert details.border_title == "two-parts 1.0"
        assert "beta>=1.0" in text and "Beta>=" not in text
        assert "Required by jinja-like" in " ".join(text.split())
