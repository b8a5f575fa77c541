"""The pure filter behind the table: views, query, sort orders and the title text (no Textual)."""

from __future__ import annotations

import subprocess
import sys

from envtui.core.env.filtering import (
    ALL,
    CATEGORY,
    OUTDATED,
    PROBLEMS,
    TOP_LEVEL,
    PackageIndex,
    View,
    count_text,
    next_sort,
    standard_views,
)
from envtui.core.env.packages import Package


def pkg(
    name: str,
    version: str,
    summary: str = "",
    category: str = "Utilities",
    top_level: bool = True,
    problems: list[str] | None = None,
) -> Package:
    return Package(
        name=name, version=version, summary=summary, category=category, top_level=top_level, problems=problems or []
    )


INDEX = PackageIndex(
    [
        pkg("Zeta_Pkg", "1.10", "Last of all", "Database"),
        pkg("alpha", "2.0", "The first letter", "Core Web", top_level=False),
        pkg("beta", "1.9", "The second letter", problems=["METADATA lacks a Version field"]),
        pkg("gamma", "not-a-version", "Third"),
    ]
)


def test_query_matches_name_and_summary_case_insensitively_in_name_order() -> None:
    assert INDEX.select("") == ["alpha", "beta", "gamma", "zeta-pkg"]
    assert INDEX.select("LETTER") == ["alpha", "beta"]
    assert INDEX.select("zeta_") == ["zeta-pkg"]  # the name as the metadata spells it
    assert INDEX.select("zeta-pkg") == ["zeta-pkg"]  # the canonical name
    assert INDEX.select("  third ") == ["gamma"]
    assert INDEX.select("nothing") == []


def test_sort_orders() -> None:
    assert INDEX.select(sort="version") == ["beta", "zeta-pkg", "alpha", "gamma"]  # 1.9 < 1.10; invalid last
    assert INDEX.select(sort="category") == ["alpha", "zeta-pkg", "beta", "gamma"]
    assert [next_sort(s) for s in ("name", "version", "category", "bogus")] == ["version", "category", "name", "name"]


def test_views_and_counts() -> None:
    outdated = {"beta": "2.0", "not-installed": "1.0"}
    broken = {"gamma"}
    members = {v.id: INDEX.members(v, outdated=outdated, broken=broken) for v in standard_views()}
    assert members[ALL] is None
    assert members[TOP_LEVEL] == {"beta", "gamma", "zeta-pkg"}
    assert members["category:Database"] == {"zeta-pkg"}
    assert members[OUTDATED] == {"beta"}
    assert members[PROBLEMS] == {"beta", "gamma"}
    assert INDEX.select("a", members=members[PROBLEMS]) == ["beta", "gamma"]
    counts = INDEX.counts(standard_views(), outdated=None, broken=broken)
    assert counts[View(ALL)] == 4 and counts[View(CATEGORY, "Auth")] == 0
    assert counts[View(OUTDATED)] is None  # unknown until the index was asked
    assert [v.label for v in standard_views()][:3] == ["All", "Top-level", "Core Web"]


def test_count_text() -> None:
    assert count_text(4, 4, False) == "4 packages"
    assert count_text(1, 1, False) == "1 package"
    assert count_text(12, 10000, True) == "12 of 10,000 packages"


def test_select_on_10000_packages_is_a_list_comprehension_not_a_rebuild() -> None:
    index = PackageIndex(pkg(f"synth{i:05d}", f"1.{i % 7}", f"Synthetic package number {i}") for i in range(10000))
    assert len(index.select("synth0")) == 10000
    assert index.select("synth01234") == ["synth01234"]
    assert len(index.select("number 12")) == 111  # 12, 120-129, 1200-1299


def test_the_filter_module_imports_no_textual() -> None:
    code = (
        "import sys, envtui.core.env.filtering; print(any(m.split('.')[0] in ('textual', 'rich') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
