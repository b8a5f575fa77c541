"""Upgrades keep the environment consistent: installed packages' bounds go to uv as constraints."""

from __future__ import annotations

import subprocess
from pathlib import Path

from envtui.core.env.environment import resolve_environment
from envtui.core.env.packages import list_packages
from envtui.core.jobs.constraints import broken_by, constraints_text, find_holds, held_back
from envtui.core.jobs.preview import parse_dry_run
from envtui.core.uv import Uv


def dry_upgrade(venv: Path, name: str, constraints: Path | None) -> str:
    uv = Uv()
    flags = ["--dry-run", "--upgrade-package", name]
    if constraints is not None:
        flags += ["--constraint", str(constraints)]
    argv = uv.pip("install", str(venv / "bin" / "python"), *flags, "--", name)
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return done.stdout + done.stderr


def test_a_bound_holds_an_upgrade_back_and_says_who(venv_factory, offline_uv: Path, tmp_path: Path) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])
    inventory = list_packages(resolve_environment(venv))
    holds = find_holds(inventory.packages, inventory.env.markers, exclude=["beta"])
    assert [str(h) for h in holds] == ["clash requires beta<1.1"]
    file = tmp_path / "constraints.txt"
    file.write_text(constraints_text(holds))

    constrained = parse_dry_run(dry_upgrade(venv, "beta", file))
    unconstrained = parse_dry_run(dry_upgrade(venv, "beta", None))
    assert constrained.empty  # beta 1.0 is the newest clash allows
    assert [(c.name, c.old, c.new) for c in unconstrained.changes] == [("beta", "1.0", "1.1")]
    assert held_back(["beta"], constrained.changes, unconstrained.changes, inventory.packages, holds) == [
        "held back: beta 1.0, 1.1 exists: clash requires beta<1.1"
    ]
    # --latest: the newest anyway, and who it breaks
    assert broken_by(unconstrained.changes, inventory.packages, holds) == [
        "breaks clash: clash requires beta<1.1, gets 1.1"
    ]


def test_held_back_through_a_dependency_names_the_bound(venv_factory, offline_uv: Path, tmp_path: Path) -> None:
    """alpha 2.0 needs beta>=1.1, which clash forbids: alpha stays, and the reason is clash's bound."""
    venv = venv_factory(["alpha==1.0", "beta==1.0", "clash"])
    inventory = list_packages(resolve_environment(venv))
    holds = find_holds(inventory.packages, inventory.env.markers, exclude=["alpha"])
    file = tmp_path / "constraints.txt"
    file.write_text(constraints_text(holds))
    constrained = parse_dry_run(dry_upgrade(venv, "alpha", file))
    unconstrained = parse_dry_run(dry_upgrade(venv, "alpha", None))
    assert constrained.empty
    assert held_back(["alpha"], constrained.changes, unconstrained.changes, inventory.packages, holds) == [
        "held back: alpha 1.0, 2.0 exists: clash requires beta<1.1"
    ]


def test_bounds_already_broken_are_not_passed_on(venv_factory, offline_uv: Path) -> None:
    """clash wants beta<1.1 but 1.1 is installed: passing it on would make an upgrade a downgrade."""
    venv = venv_factory(["beta==1.1"])
    subprocess.run(
        Uv().pip("install", str(venv / "bin" / "python"), "--no-deps", "--", "clash"), check=True, capture_output=True
    )
    inventory = list_packages(resolve_environment(venv))
    assert find_holds(inventory.packages, inventory.env.markers) == []


def test_packages_being_upgraded_put_no_bounds(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory(["gamma"])  # gamma needs alpha>=1.0; alpha 2.0 needs beta>=1.1
    inventory = list_packages(resolve_environment(venv))
    every = {str(h) for h in find_holds(inventory.packages, inventory.env.markers)}
    assert every == {"gamma requires alpha>=1.0", "alpha requires beta>=1.1"}
    without_alpha = {str(h) for h in find_holds(inventory.packages, inventory.env.markers, exclude=["alpha"])}
    assert without_alpha == {"gamma requires alpha>=1.0"}
