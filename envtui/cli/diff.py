"""``envtui diff FILE...``: what differs between requirements and the installed environment."""

from __future__ import annotations

import argparse

from envtui.cli.common import add_env_options, add_json_option
from envtui.cli.config import add_config_option, config_from, environment_for
from envtui.cli.output import emit_json, say, table
from envtui.core.errors import UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``diff``."""
    p = subparsers.add_parser(
        "diff",
        help="compare requirements files with what is installed",
        description="Compare requirements files (or pyproject.toml) with what is installed: "
        "missing, wrong version, and (for fully pinned files, or with --exact) extra. "
        "Exit 0 when they match, 1 when they differ, 2 for bad input.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="requirements file or pyproject.toml")
    p.add_argument("--exact", action="store_true", help="report extra packages even if the files are not fully pinned")
    add_env_options(p)
    add_config_option(p)
    add_json_option(p)
    p.set_defaults(run=run_diff)


def run_diff(args: argparse.Namespace) -> int:
    """Read the files, list the environment, print the drift."""
    from envtui.core.env.packages import list_packages
    from envtui.core.env.requirements import RequirementSet, compare, read_requirements

    wanted = RequirementSet()
    for path in args.files:
        wanted.extend(read_requirements(path))
    if wanted.errors:
        first = wanted.errors[0]
        more = f" (and {len(wanted.errors) - 1} more)" if len(wanted.errors) > 1 else ""
        raise UsageError(f"invalid requirement at {first.source}:{first.line}{more}", cause=first.message)
    inventory = list_packages(environment_for(args, config_from(args)))
    installed = {key: package.version for key, package in inventory.packages.items()}
    drift = compare(wanted, installed, inventory.env.markers, complete=True if args.exact else None)
    if args.json:
        emit_json(
            {
                "ok": not drift,
                "drift": [
                    {"kind": d.kind, "name": d.name, "wanted": d.wanted, "installed": d.installed, "where": d.where}
                    for d in drift
                ],
            }
        )
    elif drift:
        print(
            table(
                ["Kind", "Package", "Wanted", "Installed", "Where"],
                [[d.kind, d.name, d.wanted or "-", d.installed or "-", d.where or "-"] for d in drift],
            )
        )
    else:
        say(f"{len(wanted.entries)} requirements satisfied in {inventory.env.path}")
    return 1 if drift else 0
