"""The details pane: everything about one package, read from the inventory (no uv call)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.version import InvalidVersion
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from envtui.core.env.names import LEADING_NAME, requirement_key
from envtui.core.env.packages import Package
from envtui.ui.text import link, plain, safe_text
from envtui.ui.widgets.sidebar import display_path


def _satisfies(spec: str, version: str) -> bool:
    """Whether ``version`` meets the requirement ``spec`` (unparseable: assume it does)."""
    try:
        requirement = Requirement(spec)
        return requirement.specifier.contains(version, prereleases=True)
    except (InvalidRequirement, InvalidVersion):
        return True


def size_on_disk(package: Package) -> int | None:
    """Bytes the package's files take, summed from its RECORD (cheap: one small file), or None."""
    if not package.dist_info:
        return None
    try:
        with open(os.path.join(package.dist_info, "RECORD"), "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    total = 0
    for line in text.splitlines():
        size = line.rsplit(",", 1)[-1].strip()
        if size.isdigit():
            total += int(size)
    return total or None


def human_size(size: int) -> str:
    """``1.2 MB`` style."""
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"  # pragma: no cover


#: Long lists are cut here: a package required by thousands would cost a slow render.
LIST_LIMIT = 40


def _names(names: list[str]) -> str:
    """``a, b, c`` with at most LIST_LIMIT names, then how many more."""
    shown = ", ".join(names[:LIST_LIMIT])
    if len(names) > LIST_LIMIT:
        shown += f" … and {len(names) - LIST_LIMIT:,} more"
    return shown


class DetailsPane(VerticalScroll):
    """Summary, requirements (with what is installed), dependents, license, homepage, location.

    Every value is package metadata, so every cell is a ``Text`` from :mod:`envtui.ui.text`
    (a string cell would be parsed as markup); the homepage links only to where it says.
    """

    def compose(self) -> ComposeResult:
        """One Static holds the rendered details."""
        yield Static("Select a package and press Enter.", id="details-body", markup=False)

    def show(
        self,
        package: Package | None,
        packages: Mapping[str, Package],
        latest: Mapping[str, str] | None = None,
        broken: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Render ``package`` (None clears the pane)."""
        body = self.query_one("#details-body", Static)
        if package is None:
            self.border_title = "Details"
            body.update("No package selected.")
            return
        self.border_title = plain(f"{package.name} {package.version}")
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        if package.summary:
            grid.add_row("Summary", plain(package.summary))
        newer = (latest or {}).get(package.key)
        if newer:
            grid.add_row("Latest", Text(f"{newer} available", style="bold"))
        grid.add_row("Category", plain(package.category))
        grid.add_row("Requires", self._requires(package, packages) if package.requires else Text("nothing"))
        grid.add_row("Required by", plain(_names(package.required_by) or "nothing (top-level)"))
        if package.license:
            grid.add_row("License", plain(package.license, multiline=True))
        if package.homepage:
            grid.add_row("Homepage", link(package.homepage))
        where = package.editable_location or package.location
        grid.add_row("Location", plain(display_path(Path(where)) if where else "unknown"))
        if package.editable:
            grid.add_row("Editable", "yes")
        if package.installer:
            grid.add_row("Installer", plain(package.installer))
        size = size_on_disk(package)
        if size:
            grid.add_row("Size", human_size(size))
        problems = list(package.problems) + list((broken or {}).get(package.key, []))
        if problems:
            grid.add_row(Text("Problems", style="bold"), Text("\n".join(safe_text(p) for p in problems)))
        body.update(grid)
        self.scroll_home(animate=False)

    @staticmethod
    def _requires(package: Package, packages: Mapping[str, Package]) -> Text:
        """Each requirement with the installed version of what it names."""
        text = Text()
        for i, requirement in enumerate(package.requires[:LIST_LIMIT]):
            if i:
                text.append("\n")
            spec, _, marker = requirement.partition(";")
            match = LEADING_NAME.match(spec)
            key = requirement_key(spec) or ""
            installed = packages.get(key)
            # The name as uv shows it (``Jinja2>=3`` reads ``jinja2>=3``), the rest as written.
            text.append_text(plain((key + spec[match.end() :]).strip() if match else spec.strip()))
            if marker.strip() and key not in package.dependencies:
                text.append_text(plain(f"  (only when {marker.strip()})", style="dim"))
            elif installed is not None:
                text.append_text(plain(f"  {installed.version} installed", style="dim"))
                if not _satisfies(spec, installed.version):
                    text.append(" (conflict)", style="bold reverse")
            else:
                text.append("  not installed", style="bold")
        if len(package.requires) > LIST_LIMIT:
            text.append(f"\n… and {len(package.requires) - LIST_LIMIT:,} more")
        return text
