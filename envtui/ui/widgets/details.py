"""The details pane: everything about one package, read from the inventory (no uv call).

What a user looks for comes first: the summary, the version (and the newer one), who requires
it and what it requires here. Optional extras fold into one line each (Enter or a click opens
one), so "Required by" never hides below thirty lines of ``extra == "…"`` requirements. The
rest (category, license, homepage, location, size) follows. Paths and URLs wrap at their
``/`` boundaries, never mid-word.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import partial
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widgets import Static

from envtui.core.display import display_path
from envtui.core.env.names import LEADING_NAME
from envtui.core.env.packages import Package
from envtui.ui import glyphs
from envtui.ui.text import plain, safe_text
from envtui.ui.widgets.extras import ExtrasList

_EXTRA_MARKER = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")
#: Width of the label column ("Required by"), plus the grid's padding.
_LABEL_WIDTH = 12


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


def wrap_at_slashes(text: str, width: int) -> str:
    """``text`` (a URL or a path) in lines of at most ``width``, broken after ``/``, ``-`` and the like.

    Only a piece longer than a whole line is cut inside; a word is never split for a line's sake.
    """
    if width <= 0 or len(text) <= width:
        return text
    pieces = re.findall(r"[^/?&#=-]*[/?&#=-]*", text)
    lines: list[str] = []
    line = ""
    for piece in filter(None, pieces):
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        while len(piece) > width:
            lines.append(piece[:width])
            piece = piece[width:]
        line += piece
    if line:
        lines.append(line)
    return "\n".join(lines)


def _safe_url(url: str) -> str | None:
    """The URL when it is a plain http(s) address envtui may link to, else None."""
    if re.fullmatch(r"https?://[^\s\x00-\x1f\x7f]+", url):
        return url
    return None


def split_requirements(package: Package) -> tuple[list[str], dict[str, list[str]]]:
    """The package's requirements: those that apply without extras, and those of each extra."""
    plain: list[str] = []
    extras: dict[str, list[str]] = {}
    for requirement in package.requires:
        _, _, marker = requirement.partition(";")
        named = _EXTRA_MARKER.findall(marker)
        if not named:
            plain.append(requirement)
        for extra in dict.fromkeys(canonicalize_name(e) for e in named):
            extras.setdefault(extra, []).append(requirement)
    return plain, extras


def requirement_line(requirement: str, package: Package, packages: Mapping[str, Package]) -> Text:
    """One requirement with the installed version of what it names (or why it does not apply)."""
    text = Text()
    spec, _, marker = requirement.partition(";")
    match = LEADING_NAME.match(spec)
    key = canonicalize_name(match.group(1)) if match else ""
    installed = packages.get(key)
    # The name as uv shows it (``Jinja2>=3`` reads ``jinja2>=3``), the rest as written.
    text.append_text(plain((key + spec[match.end() :]).strip() if match else spec.strip()))
    marker = marker.strip()
    if marker and key not in package.dependencies and "extra" not in marker:
        text.append_text(plain(f"  (only when {marker})", style="dim"))
    elif installed is not None:
        text.append_text(plain(f"  {installed.version} installed", style="dim"))
        if not _satisfies(spec, installed.version):
            text.append(" (conflict)", style="bold reverse")
    else:
        text.append("  not installed", style="bold")
    return text


class DetailsPane(VerticalScroll):
    """Summary, version, dependents, requirements, foldable extras, then license, homepage, location."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._pending: Timer | None = None
        self._shown_key: str | None = None

    def show_after(
        self,
        delay: float,
        package: Package | None,
        packages: Mapping[str, Package],
        latest: Mapping[str, str] | None = None,
        broken: Mapping[str, list[str]] | None = None,
    ) -> None:
        """:meth:`show` once ``delay`` seconds pass without another call (at once for 0)."""
        if self._pending is not None:
            self._pending.stop()
            self._pending = None
        if delay <= 0:
            self.show(package, packages, latest, broken)
        else:
            self._pending = self.set_timer(delay, partial(self.show, package, packages, latest, broken))

    def compose(self) -> ComposeResult:
        """The main facts, the extras (one line each), the rest."""
        yield Static("Select a package and press Enter.", id="details-body", markup=False)
        yield ExtrasList(id="details-extras")
        yield Static("", id="details-more", markup=False)

    def show(
        self,
        package: Package | None,
        packages: Mapping[str, Package],
        latest: Mapping[str, str] | None = None,
        broken: Mapping[str, list[str]] | None = None,
    ) -> None:
        """Render ``package`` (None clears the pane); ``latest`` None: newer versions not asked for yet."""
        body = self.query_one("#details-body", Static)
        extras_list = self.query_one(ExtrasList)
        more = self.query_one("#details-more", Static)
        if package is None:
            self.border_title = "Details"
            body.update("No package selected.")
            extras_list.show(None, {}, package=None, packages=packages)
            more.update("")
            return
        previous = self._shown_key
        self._shown_key = package.key
        self.border_title = plain(f"{package.name} {package.version}")
        direct, extras = split_requirements(package)
        grid = self._grid()
        if package.summary:
            grid.add_row("Summary", plain(package.summary))
        grid.add_row("Version", self._version(package, latest))
        grid.add_row("Required by", plain(_names(package.required_by) or "nothing (top-level)"))
        grid.add_row("Requires", self._requires(direct, package, packages) if direct else Text("nothing"))
        body.update(grid)
        extras_list.show(package.key, extras, package=package, packages=packages)
        more.update(self._more(package, broken))
        if previous != package.key:
            self.scroll_home(animate=False)

    @staticmethod
    def _grid() -> Table:
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True, min_width=_LABEL_WIDTH - 1)
        grid.add_column(overflow="fold")
        return grid

    @staticmethod
    def _version(package: Package, latest: Mapping[str, str] | None) -> Text:
        newer = (latest or {}).get(package.key)
        text = plain(package.version)
        if newer and newer != package.version:
            text.append(f"  {glyphs.arrow()} {newer} available", style="bold")
        elif latest is not None:
            text.append("  (latest)", style="dim")
        return text

    def _more(self, package: Package, broken: Mapping[str, list[str]] | None) -> Table:
        """Category, license, homepage, location, installer, size and problems."""
        # The label column and the grid's padding (the scrollbar's gutter is kept: see the stylesheet).
        width = max(0, self.scrollable_content_region.width - _LABEL_WIDTH)
        grid = self._grid()
        grid.add_row("Category", plain(package.category))
        if package.license:
            grid.add_row("License", plain(package.license))
        if package.homepage:
            url = _safe_url(package.homepage)
            style = Style(link=url) if url else Style()
            grid.add_row(
                "Homepage", Text(safe_text(wrap_at_slashes(package.homepage, width), multiline=True), style=style)
            )
        where = package.editable_location or package.location
        grid.add_row(
            "Location",
            Text(safe_text(wrap_at_slashes(display_path(Path(where)), width), multiline=True)) if where else "unknown",
        )
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
        return grid

    @staticmethod
    def _requires(requirements: list[str], package: Package, packages: Mapping[str, Package]) -> Text:
        """Each requirement with the installed version of what it names."""
        text = Text()
        for i, requirement in enumerate(requirements[:LIST_LIMIT]):
            if i:
                text.append("\n")
            text.append_text(requirement_line(requirement, package, packages))
        if len(requirements) > LIST_LIMIT:
            text.append(f"\n… and {len(requirements) - LIST_LIMIT:,} more")
        return text
