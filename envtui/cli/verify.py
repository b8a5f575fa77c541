"""``envtui verify`` (is the environment, and its service, all right?) and ``envtui trust``."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from envtui.cli.common import add_env_options, add_json_option
from envtui.cli.config import add_config_option, config_from, environment_for
from envtui.cli.output import emit_json, say, table
from envtui.core.display import argv_text
from envtui.core.errors import UsageError

_MARKS = {"ok": "ok", "warn": "WARN", "fail": "FAIL"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``verify`` and ``trust``."""
    p = subparsers.add_parser(
        "verify",
        help="check the environment and its services (exit 1 when a check fails)",
        description="Check the interpreter, dependencies, configured imports, requirements drift, "
        "services and metadata. Exit 0 when nothing fails (warnings allowed), 1 when a "
        "check fails, 2 for bad usage or configuration.",
    )
    add_env_options(p)
    add_config_option(p)
    add_json_option(p)
    p.add_argument("--outdated", action="store_true", help="also warn about newer versions (asks the index)")
    p.set_defaults(run=run_verify)

    p = subparsers.add_parser(
        "trust",
        help="allow a project's configuration file to run its hooks",
        description="Record a configuration file's current content as trusted, so its [hooks] run "
        "around change jobs. Any later edit needs trusting again.",
    )
    p.add_argument(
        "path",
        nargs="?",
        help="envtui.toml, pyproject.toml, or a directory holding one (default: the file found from here upwards)",
    )
    p.add_argument("--revoke", action="store_true", help="forget the file's trust instead")
    add_json_option(p)
    p.set_defaults(run=run_trust)


def _broken_venv_root(target: str | Path | None) -> Path | None:
    """The venv root a target names when it is a venv (pyvenv.cfg present), even a broken one."""
    if target in (None, ""):
        return None
    given = Path(target).expanduser()
    for root in (given, given / ".venv"):
        if (root / "pyvenv.cfg").is_file():
            return root
    return None


def run_verify(args: argparse.Namespace) -> int:
    """``envtui verify``."""
    from envtui.core.health import checks as health

    config = config_from(args)
    groups = list(health.DEFAULT_GROUPS) + ([health.OUTDATED] if args.outdated else [])
    try:
        env = environment_for(args, config)
    except UsageError as exc:
        # A venv whose interpreter no longer starts is a failed check, not bad usage.
        root = _broken_venv_root(args.venv or config.venv)
        if root is None:
            raise
        now = time.time()
        findings = (health.broken_interpreter(root, exc.cause or exc.message), *health.check_hooks(config))
        report = health.HealthReport(findings, (health.INTERPRETER, health.HOOKS), now, now)
    else:
        report = health.run_checks(env, config, groups=groups)
    if args.json:
        emit_json(report.to_json())
    else:
        rows = [[_MARKS[f.status], f.name, f.detail] for f in report.findings]
        if rows:
            print(table(["Status", "Check", "Detail"], rows))
        counts = report.counts()
        total = len(report.findings)
        print(
            f"{total} check{'s' if total != 1 else ''}: {counts['ok']} ok, {counts['warn']} warn, {counts['fail']} fail"
            f" ({report.duration:.1f} s)"
        )
    return 0 if report.ok else 1


def run_trust(args: argparse.Namespace) -> int:
    """``envtui trust [PATH]``."""
    from envtui.core.config import find_config, load_config
    from envtui.core.health.trust import revoke, trust

    if args.path:
        config = load_config(args.path)
    else:
        found = find_config()
        if found is None:
            raise UsageError(
                "no envtui.toml or pyproject.toml with [tool.envtui] here or in a parent directory",
                cause="name the file: envtui trust PATH",
            )
        config = load_config(found)
    assert config.path is not None
    if args.revoke:
        had = revoke(config.path)
        if args.json:
            emit_json({"path": str(config.path), "trusted": False, "was_trusted": had})
        else:
            say(f"{'no longer trusted' if had else 'was not trusted'}: {config.path}")
        return 0
    state = trust(config)
    hooks = config.hooks
    commands = [("before-change", c) for c in hooks.before_change] + [("after-change", c) for c in hooks.after_change]
    if args.json:
        emit_json(
            {
                "path": str(config.path),
                "trusted": True,
                "sha256": state.digest,
                "hooks": [{"phase": phase, "argv": list(cmd)} for phase, cmd in commands],
            }
        )
        return 0
    say(f"trusted: {config.path} (sha256 {state.digest[:12]})")
    if commands:
        say(f"its hooks will run around every change job, in {config.directory}:")
        for phase, cmd in commands:  # each an argument list, every argument quoted and made safe
            say(f"  {phase}: {argv_text(cmd)}")
    else:
        print("it defines no hooks")
    print("editing the file withdraws the trust until you run 'envtui trust' again")
    return 0
