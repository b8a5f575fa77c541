"""Read-only commands: ``list``, ``info``, ``tree``, ``envs``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from envtui.cli.common import add_env_options, add_json_option
from envtui.cli.config import add_config_option, config_from, environment_for
from envtui.cli.output import emit_json, say, table, warn
from envtui.cli.project import membership_of
from envtui.core.env.names import canonical_name
from envtui.core.errors import EnvtuiError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the read-only commands."""
    p = subparsers.add_parser("list", help="list installed packages", description="List installed packages.")
    add_env_options(p)
    add_config_option(p)
    add_json_option(p)
    p.add_argument("--outdated", action="store_true", help="only packages with a newer version (asks the index)")
    p.add_argument("--top-level", action="store_true", help="only packages nothing else installed requires")
    p.add_argument(
        "--envelope",
        action="store_true",
        help="with --json: an object {environment, project, packages} instead of the bare list of packages",
    )
    p.set_defaults(run=run_list)

    p = subparsers.add_parser("info", help="show one package in detail", description="Show one package in detail.")
    p.add_argument("name", help="package name")
    add_env_options(p)
    add_config_option(p)
    add_json_option(p)
    p.set_defaults(run=run_info)

    p = subparsers.add_parser("tree", help="show the dependency tree", description="Show the dependency tree.")
    p.add_argument("name", nargs="?", help="start from this package (default: every top-level package)")
    p.add_argument("--reverse", action="store_true", help="show what requires the package instead")
    add_env_options(p)
    add_config_option(p)
    add_json_option(p)
    p.set_defaults(run=run_tree)

    p = subparsers.add_parser(
        "envs",
        help="find virtual environments under a directory",
        description="Find virtual environments under a directory.",
    )
    p.add_argument("dir", nargs="?", default=".", help="where to look (default: here)")
    p.add_argument("--depth", type=int, default=4, help="how many levels down to look (default: 4)")
    add_json_option(p)
    p.set_defaults(run=run_envs)


def _inventory(args: argparse.Namespace):
    from envtui.core.env.packages import list_packages

    config = config_from(args)
    # A venv is read from its layout: its interpreter is run only if a requirement's marker
    # needs a value the layout does not give (uv checks the interpreter anyway).
    env = environment_for(args, config, probe=False)
    inventory = list_packages(env, category_overrides=config.categories)
    for problem in inventory.problems:
        warn(problem)
    return inventory


def _project(env):
    """The uv project whose environment this is (None for a plain venv; a broken pyproject.toml warns)."""
    from envtui.core.project.detect import find_project

    try:
        return find_project(env.path)
    except EnvtuiError as exc:
        warn(f"{exc.message}: {exc.cause}" if exc.cause else exc.message)
        return None


def _header(env, project) -> str:
    """Which environment this is (the default rule can surprise), and its project."""
    return f"{env.label} · {project.header}" if project is not None else env.label


def _valid_name(name: str) -> str:
    import re

    from packaging.utils import canonicalize_name

    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?", name):
        raise UsageError(f"not a valid package name: {name!r}")
    return canonicalize_name(name)


def _not_installed(inventory, name: str) -> EnvtuiError:
    """``package not installed: NAME``, with ``did you mean …?`` when an installed name is close."""
    return EnvtuiError(
        f"package not installed: {name}", cause=f"in {inventory.env.path}", hint=inventory.did_you_mean([name])
    )


def run_list(args: argparse.Namespace) -> int:
    """``envtui list``."""
    from envtui.core.env.packages import fetch_outdated

    inventory = _inventory(args)
    packages = inventory.sorted()
    latest: dict[str, str] = {}
    if args.outdated:
        latest = fetch_outdated(inventory.env)
        packages = [p for p in packages if p.key in latest]
    if args.top_level:
        packages = [p for p in packages if p.top_level]
    if args.envelope and not args.json:
        raise UsageError("--envelope shapes the --json output", cause="add --json")
    project = _project(inventory.env)
    membership = membership_of(project)
    if args.json:
        rows = []
        for package in packages:
            row = package.to_json()
            row["group"], row["direct"] = membership(package.key)
            if args.outdated:
                row["latest"] = latest[package.key]
            rows.append(row)
        if args.envelope:
            env = inventory.env
            emit_json(
                {
                    "environment": {"path": str(env.path), "python": env.version, "kind": _kind(env, project)},
                    "project": project.to_json() if project is not None else None,
                    "packages": rows,
                }
            )
        else:
            emit_json(rows)
        return 0
    headers = ["Package", "Version"] + (["Latest"] if args.outdated else [])
    headers += ["Group"] if project is not None else []
    headers += ["Category", "Summary"]
    rows = []
    for package in packages:
        marks = (" (editable)" if package.editable else "") + (" !" if package.problems else "")
        row = [package.name + marks, package.version]
        if args.outdated:
            row.append(latest[package.key])
        if project is not None:
            group, direct = membership(package.key)
            if package.key == canonical_name(project.name):  # nothing brings it in: it is the project
                row.append("the project")
            else:
                row.append("not locked" if group is None else group if direct else f"{group} (via)")
        rows.append([*row, package.category, package.summary])
    say(_header(inventory.env, project))
    if rows:
        print(table(headers, rows))
    print(f"{len(packages)} packages" if len(packages) != 1 else "1 package")
    return 0


def _kind(env, project) -> str:
    """``project`` (a uv project's environment), ``venv``, or ``system``."""
    if project is not None:
        return "project"
    return "venv" if env.is_venv else "system"


def run_info(args: argparse.Namespace) -> int:
    """``envtui info NAME``."""
    key = _valid_name(args.name)
    inventory = _inventory(args)
    package = inventory.packages.get(key)
    if package is None:
        raise _not_installed(inventory, args.name)
    requires = [
        {"name": dep, "installed": inventory.packages[dep].version if dep in inventory.packages else None}
        for dep in package.dependencies
    ]
    project = _project(inventory.env)
    group, direct = membership_of(project)(package.key)
    if args.json:
        data = package.to_json()
        data.update(group=group, direct=direct)
        data.update(
            license=package.license,
            homepage=package.homepage,
            classifiers=package.classifiers,
            dependencies=requires,
            import_names=package.import_names,
            editable_location=package.editable_location,
            dist_info=package.dist_info,
        )
        emit_json(data)
        return 0
    fields = [
        ("Name", package.name),
        ("Version", package.version),
        ("Summary", package.summary),
        ("Category", package.category),
        ("License", package.license),
        ("Homepage", package.homepage),
        ("Installer", package.installer),
        ("Location", package.editable_location or package.location),
        ("Editable", "yes" if package.editable else "no"),
        ("Top-level", "yes" if package.top_level else "no"),
        *(
            [
                (
                    "Project",
                    f"{project.name}: {'not in uv.lock' if group is None else group}{' (direct)' if direct else ''}",
                )
            ]
            if project is not None
            else []
        ),
        ("Requires", ", ".join(f"{r['name']} {r['installed'] or '(missing)'}" for r in requires) or "-"),
        ("Required by", ", ".join(package.required_by) or "-"),
    ]
    for label, value in fields:
        say(f"{label + ':':<13}{value}")
    for problem in package.problems:
        say(f"{'Problem:':<13}{problem}")
    return 0


def run_tree(args: argparse.Namespace) -> int:
    """``envtui tree [NAME] [--reverse]``."""
    from envtui.core.env.packages import walk

    key = _valid_name(args.name) if args.name else None
    inventory = _inventory(args)
    if key is not None:
        if key not in inventory.packages:
            raise _not_installed(inventory, args.name)
        roots = [key]
    elif args.reverse:
        roots = [p.key for p in inventory.sorted() if not p.dependencies]
    else:
        roots = [p.key for p in inventory.sorted() if p.top_level]
    nodes = list(walk(inventory, roots, reverse=args.reverse))
    if args.json:
        emit_json(_nest(nodes, "required_by" if args.reverse else "dependencies"))
        return 0
    last_at_depth: list[bool] = []
    for index, (depth, package, name, repeated) in enumerate(nodes):
        is_last = _is_last_sibling(nodes, index)
        del last_at_depth[depth:]
        prefix = "".join("    " if last else "│   " for last in last_at_depth[1:])
        branch = ("└── " if is_last else "├── ") if depth else ""
        last_at_depth.append(is_last)
        label = f"{name} v{package.version}" if package else f"{name} (not installed)"
        say(prefix + branch + label + (" (*)" if repeated else ""))
    if any(repeated for *_, repeated in nodes):
        say("(*) Package tree already displayed")
    return 0


def _is_last_sibling(nodes: list, index: int) -> bool:
    depth = nodes[index][0]
    for later in nodes[index + 1 :]:
        if later[0] <= depth:
            return later[0] < depth
    return True


def _nest(nodes, children_key: str) -> list[dict]:
    root: list[dict] = []
    stack: list[tuple[int, list[dict]]] = [(-1, root)]
    for depth, package, name, repeated in nodes:
        while stack[-1][0] >= depth:
            stack.pop()
        node = {"name": name, "version": package.version if package else None, children_key: []}
        if repeated:
            node["repeated"] = True
        stack[-1][1].append(node)
        stack.append((depth, node[children_key]))
    return root


def run_envs(args: argparse.Namespace) -> int:
    """``envtui envs [DIR]``."""
    from envtui.core.env.environment import _creator, discover_environments, read_pyvenv_cfg, venv_python

    if args.depth < 0:
        raise UsageError("--depth must be 0 or more")
    found: list[dict[str, Any]] = []
    for root in discover_environments(args.dir, max_depth=args.depth):
        try:
            cfg = read_pyvenv_cfg(root / "pyvenv.cfg")
        except UsageError:
            cfg = {}
        python = venv_python(root)
        found.append(
            {
                "path": str(root.resolve()),
                "python": str(python),
                "version": cfg.get("version_info") or cfg.get("version") or "",
                "creator": _creator(cfg),
                "broken": not python.exists(),
            }
        )
    if args.json:
        emit_json(found)
        return 0
    rows = [[e["path"], e["version"], e["creator"] + (" (broken)" if e["broken"] else "")] for e in found]
    if rows:
        print(table(["Environment", "Python", "Made by"], rows, stretch=0))
    noun = "environment" if len(found) == 1 else "environments"
    say(f"{len(found)} {noun} found under {Path(args.dir).resolve()}")
    return 0
