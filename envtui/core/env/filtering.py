"""Views, filter and sort over an inventory: pure functions the TUI calls on every keystroke.

Kept free of Textual so it can be tested and timed on its own. The budget is 10,000 packages
per keystroke within a few milliseconds, so everything that does not depend on the query is
computed once per inventory (lower-cased search text, the three sort orders) and a keystroke
costs one substring test per package in the current view.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from envtui.core.env.categories import CATEGORIES
from envtui.core.env.packages import Package

#: Sort orders, in the order ``s`` cycles through them.
SORTS: tuple[str, ...] = ("name", "version", "category")

ALL = "all"
TOP_LEVEL = "top-level"
CATEGORY = "category"
OUTDATED = "outdated"
PROBLEMS = "problems"


@dataclass(frozen=True)
class View:
    """A subset of the inventory the left pane offers: all, top-level, one category, …"""

    kind: str
    """``all``, ``top-level``, ``category``, ``outdated`` or ``problems``."""
    category: str = ""
    """For ``category`` views: which one."""

    @property
    def label(self) -> str:
        """How the left pane names it."""
        if self.kind == CATEGORY:
            return self.category
        return {ALL: "All", TOP_LEVEL: "Top-level", OUTDATED: "Outdated", PROBLEMS: "Problems"}[self.kind]

    @property
    def id(self) -> str:
        """A stable identifier (for option ids and tests)."""
        return f"category:{self.category}" if self.kind == CATEGORY else self.kind


def standard_views(categories: Iterable[str] = CATEGORIES) -> list[View]:
    """The views every environment has, in display order."""
    return [
        View(ALL),
        View(TOP_LEVEL),
        *(View(CATEGORY, name) for name in categories),
        View(OUTDATED),
        View(PROBLEMS),
    ]


def _version_key(text: str) -> tuple[int, object]:
    try:
        return (0, Version(text))
    except InvalidVersion:
        return (1, text)


class PackageIndex:
    """One inventory prepared for fast filtering: search text and sort orders computed once."""

    def __init__(self, packages: Iterable[Package]) -> None:
        by_name = sorted(packages, key=lambda p: p.key)
        self.packages: dict[str, Package] = {p.key: p for p in by_name}
        """All packages by canonical name, in name order."""
        self._haystack: dict[str, str] = {p.key: f"{p.name}\n{p.key}\n{p.summary}".lower() for p in by_name}
        self._by_name = by_name
        self._orders: dict[str, list[str]] = {"name": [p.key for p in by_name]}

    def order(self, sort: str) -> list[str]:
        """All keys in ``sort`` order; the version and category orders are built on first use."""
        found = self._orders.get(sort)
        if found is None:
            if sort == "version":
                ranked = sorted(self._by_name, key=lambda p: (_version_key(p.version), p.key))
            elif sort == "category":
                rank = {name: i for i, name in enumerate(CATEGORIES)}
                ranked = sorted(self._by_name, key=lambda p: (rank.get(p.category, len(rank)), p.category, p.key))
            else:
                raise ValueError(f"unknown sort: {sort}")
            found = self._orders[sort] = [p.key for p in ranked]
        return found

    def __len__(self) -> int:
        return len(self.packages)

    def members(
        self,
        view: View,
        *,
        outdated: Mapping[str, str] | None = None,
        broken: Collection[str] = (),
    ) -> set[str] | None:
        """Keys in ``view``, or None meaning every package (the cheap case)."""
        if view.kind == ALL:
            return None
        if view.kind == TOP_LEVEL:
            return {k for k, p in self.packages.items() if p.top_level}
        if view.kind == CATEGORY:
            return {k for k, p in self.packages.items() if p.category == view.category}
        if view.kind == OUTDATED:
            return {k for k in (outdated or {}) if k in self.packages}
        if view.kind == PROBLEMS:
            return {k for k, p in self.packages.items() if p.problems or k in broken}
        raise ValueError(f"unknown view: {view.kind}")

    def select(
        self,
        query: str = "",
        sort: str = "name",
        members: set[str] | None = None,
    ) -> list[str]:
        """Keys matching ``query`` (by name or summary, case-insensitively) within ``members``.

        ``members`` comes from :meth:`members` and is computed once per view change, not per
        keystroke. The result is in ``sort`` order.
        """
        order = self.order(sort)
        needle = query.strip().lower()
        if members is not None:
            order = [k for k in order if k in members]
        if not needle:
            return list(order)
        haystack = self._haystack
        # Names are shown normalised (pydantic-core); typing pydantic_core or Zope.Interface still finds them.
        spelt = re.sub(r"[-_.]+", "-", needle)
        if spelt != needle:
            return [k for k in order if needle in haystack[k] or spelt in haystack[k]]
        return [k for k in order if needle in haystack[k]]

    def counts(
        self,
        views: Sequence[View],
        *,
        outdated: Mapping[str, str] | None = None,
        broken: Collection[str] = (),
    ) -> dict[View, int | None]:
        """How many packages each view holds; None for Outdated while it is unknown."""
        result: dict[View, int | None] = {}
        by_category: dict[str, int] = {}
        for package in self.packages.values():
            by_category[package.category] = by_category.get(package.category, 0) + 1
        for view in views:
            if view.kind == ALL:
                result[view] = len(self.packages)
            elif view.kind == CATEGORY:
                result[view] = by_category.get(view.category, 0)
            elif view.kind == OUTDATED and outdated is None:
                result[view] = None
            else:
                members = self.members(view, outdated=outdated, broken=broken)
                result[view] = len(self.packages) if members is None else len(members)
        return result


def next_sort(current: str) -> str:
    """The sort order after ``current`` in the ``s`` cycle."""
    return SORTS[(SORTS.index(current) + 1) % len(SORTS)] if current in SORTS else SORTS[0]


def count_text(shown: int, total: int, filtered: bool) -> str:
    """The table title: ``N packages``, or ``M of N packages`` while filtered."""
    noun = "package" if total == 1 else "packages"
    if filtered:
        return f"{shown:,} of {total:,} {noun}"
    return f"{total:,} {noun}"
