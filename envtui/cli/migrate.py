"""``envtui migrate``: where a project uses pip, and the uv equivalent of each place.

Read-only unless asked: ``--write-patch FILE`` writes the changes as a unified diff to review
and apply with ``git apply FILE``. Text from the scanned files is printed with control
characters made visible.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from envtui.cli.common import add_json_option
from envtui.cli.output import emit_json, visible
from envtui.core.errors import EnvtuiError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``migrate``."""
    p = subparsers.add_parser(
        "migrate",
        help="find pip usage in a project and propose the uv equivalents",
        description="Scan Dockerfiles, shell scripts, Makefiles, CI workflows, tox.ini and README code "
        "blocks for pip (install, -r, freeze, self-upgrades), python -m venv and curl | sh installs of "
        "uv, and say what uv does instead and why. Changes nothing unless --write-patch is given.",
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="project directory (or one file); default: here")
    p.add_argument(
        "--write-patch",
        metavar="FILE",
        help="write the changes as a unified diff to FILE ('-' for stdout), to apply with git apply",
    )
    add_json_option(p)
    p.set_defaults(run=run_migrate)


def uv_version() -> str:
    """The version of the uv envtui runs (the one the proposals pin)."""
    from envtui.core.uv import Uv

    try:
        return Uv().version()
    except EnvtuiError:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("uv")
        except PackageNotFoundError:
            raise EnvtuiError("cannot tell which uv to pin", cause="install uv, or set ENVTUI_UV") from None


def run_migrate(args: argparse.Namespace) -> int:
    """``envtui migrate``."""
    from envtui.core.migrate.scan import scan

    if not args.dir.strip():
        raise UsageError("empty path given for the project")
    report = scan(Path(args.dir), uv_version=uv_version())
    patch = report.patch() if args.write_patch else ""
    to_stdout = args.write_patch == "-"
    if args.json:
        if not to_stdout:
            emit_json(report.to_json())
    else:
        print_findings(report, sys.stderr if to_stdout else sys.stdout)
    if args.write_patch:
        if to_stdout:
            sys.stdout.write(patch)
        else:
            target = Path(args.write_patch)
            try:
                target.write_text(patch, encoding="utf-8")
            except OSError as exc:
                raise EnvtuiError(f"cannot write {target}", cause=exc.strerror) from exc
            changes = sum(1 for f in report.findings if f.edits)
            where = sys.stderr if args.json else sys.stdout
            if patch:
                print(f"wrote {changes} changes to {target}; review it, then: git apply {target}", file=where)
            else:
                print(f"nothing to change; {target} is empty", file=where)
    return 0


def print_findings(report, stream) -> None:
    """Each finding: where, what is written, what uv does instead, why."""
    from envtui.core.migrate.scan import INSERT, MANUAL, REMOVE

    for finding in report.findings:
        where = f"{visible(finding.file)}:{finding.line}"
        if finding.action == INSERT:
            print(f"{where}: (add before this line)", file=stream)
        else:
            print(f"{where}: {visible(finding.original)}", file=stream)
        if finding.action == REMOVE:
            uv = "(remove it)"
        elif finding.action == MANUAL:
            uv = f"(by hand) {visible(finding.uv)}" if finding.uv else "(no automatic change)"
        else:
            uv = "\n       ".join(visible(line) for line in (finding.uv or "").splitlines())
        print(f"  uv:  {uv}", file=stream)
        print(f"  why: {visible(finding.why)}", file=stream)
    files = len(report.files)
    if not report.findings:
        print(f"no pip usage found in {files} file{'s' if files != 1 else ''}", file=stream)
        return
    touched = len({f.file for f in report.findings})
    in_patch = sum(1 for f in report.findings if f.edits)
    print(
        f"{len(report.findings)} findings in {touched} of {files} files scanned; {in_patch} can be applied "
        "as a patch (envtui migrate --write-patch FILE)",
        file=stream,
    )
