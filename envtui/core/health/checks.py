"""Is this environment, and the service running on it, all right?

Each check yields findings: ``ok``, ``warn`` or ``fail``, a one-line detail, an optional longer
one, and the package concerned when there is one (the TUI links to it). The checks:

- ``interpreter``: the python runs and reports its version; pyvenv.cfg is sane; the base
  interpreter it was made from still exists.
- ``dependencies``: ``uv pip check``, one finding per incompatibility, naming both packages.
- ``imports``: each configured module imported in the environment's own python (``-I``, its own
  process, a timeout: a hanging import is a fail, never a hang).
- ``drift``: installed versions against the configured requirements files.
- ``services``: an HTTP(S) GET of each configured URL, bounded by its timeout.
- ``metadata``: packages whose ``.dist-info`` is corrupt or partial.
- ``outdated``: newer versions (a warning, and only when known).
- ``hooks``: whether the configuration's maintenance hooks are trusted to run.
- ``lock`` and ``environment vs lock``: in a uv project, whether uv.lock is up to date and how
  the environment differs from it (``project.py``).

``run_checks`` runs them all concurrently in threads, so the slowest check (usually a dead
service) sets the time, and returns a ``HealthReport`` (``report.py``); the service check
itself is in ``services.py``. Standard library only, no Textual.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name

from envtui.core import process
from envtui.core.config import Config
from envtui.core.display import argv_text
from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.health.interpreter import broken_interpreter as broken_interpreter  # re-exported
from envtui.core.health.interpreter import check_interpreter, run_probe
from envtui.core.health.report import CONFIG as CONFIG  # re-exported: the faces read every name here
from envtui.core.health.report import (
    DEFAULT_GROUPS,
    DEPENDENCIES,
    DRIFT,
    FAIL,
    GROUPS,
    HOOKS,
    IMPORTS,
    INTERPRETER,
    LOCK,
    LOCK_ENV,
    METADATA,
    OK,
    OUTDATED,
    SERVICES,
    WARN,
    Finding,
    HealthReport,
    ordered,
    tail,
)

if TYPE_CHECKING:
    from envtui.core.env.packages import DependencyIssue, Inventory
    from envtui.core.uv import Uv


#: Installer tooling a pinned file normally leaves out (pip-compile calls them "unsafe").
_TOOLING = frozenset({"pip", "setuptools", "wheel", "distribute"})

_IMPORT_PROBE = r"""
import importlib, json, sys, time
started = time.perf_counter()
try:
    module = importlib.import_module(sys.argv[1])
except BaseException as exc:  # report it without the import machinery's own frames
    import traceback
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith("<") and "importlib" not in f.filename]
    sys.stderr.write("Traceback (most recent call last):\n" + "".join(traceback.format_list(frames))
                     + "".join(traceback.format_exception_only(type(exc), exc)))
    sys.exit(1)
version = getattr(module, "__version__", None)
print(json.dumps({"seconds": time.perf_counter() - started, "file": getattr(module, "__file__", None),
                  "version": version if isinstance(version, str) else None}))
"""


# --------------------------------------------------------------------------- dependencies


def check_dependencies(env: Environment, uv: Uv | None = None) -> list[Finding]:
    """``uv pip check``: one finding per incompatibility, naming both packages."""
    from envtui.core.env.packages import check_dependencies as pip_check

    try:
        issues = pip_check(env, uv)
    except EnvtuiError as exc:
        detail = f"{exc.message}: {exc.cause}" if exc.cause else exc.message
        return [Finding(DEPENDENCIES, "dependencies", FAIL, detail)]
    return dependency_findings(issues)


def dependency_findings(issues: Iterable[DependencyIssue]) -> list[Finding]:
    """Findings for ``uv pip check`` results already in hand (``DependencyIssue``s)."""
    issues = list(issues)
    if not issues:
        return [Finding(DEPENDENCIES, "dependencies", OK, "no conflicts (uv pip check)")]
    return [
        Finding(
            DEPENDENCIES,
            f"dependency {issue.package} -> {issue.required}",
            FAIL,
            str(issue),
            package=canonicalize_name(issue.package),
            data={
                "requires": issue.requirement,
                "required": canonicalize_name(issue.required),
                "installed": issue.installed,
            },
        )
        for issue in issues
    ]


# --------------------------------------------------------------------------- imports


def check_import(env: Environment, module: str, timeout: float) -> Finding:
    """Import ``module`` in the environment's own python, isolated (``-I``), in its own process."""
    name = f"import {module}"
    ran = run_probe([os.path.abspath(env.python), "-I", "-c", _IMPORT_PROBE, module], timeout)
    if ran.returncode is None:
        return Finding(
            IMPORTS,
            name,
            FAIL,
            f"import {module} did not finish within {timeout:g} s (it hangs)",
            long=tail(ran.stderr),
            data={"module": module, "timeout": timeout},
        )
    if ran.returncode != 0:
        return Finding(
            IMPORTS,
            name,
            FAIL,
            process.last_line(ran.stderr, ran.stdout) or f"exit status {ran.returncode}",
            long=tail(ran.stderr),
            data={"module": module},
        )
    try:
        facts = json.loads(ran.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        facts = {}
    seconds = facts.get("seconds") or ran.seconds
    version = facts.get("version")
    detail = f"imports in {seconds:.2f} s" + (f" (version {version})" if version else "")
    return Finding(
        IMPORTS, name, OK, detail, data={"module": module, "seconds": round(seconds, 3), "file": facts.get("file")}
    )


def _import_owner(module: str, inventory: Inventory | None) -> str | None:
    """The installed package that provides a top-level module, when it can be told."""
    if inventory is None:
        return None
    root = module.split(".")[0]
    for candidate in (root, root.replace("_", "-")):
        key: str = canonicalize_name(candidate)
        if key in inventory.packages:
            return key
    for key, package in inventory.packages.items():
        if root in package.import_names:
            return key
    return None


# --------------------------------------------------------------------------- drift


def check_drift(env: Environment, requirements: Iterable[Path], installed: Mapping[str, str]) -> list[Finding]:
    """Installed versions against the requirements files: missing and wrong versions fail, extras warn."""
    from envtui.core.env.requirements import RequirementSet, compare, read_requirements

    files = list(requirements)
    if not files:
        return []
    wanted = RequirementSet()
    findings: list[Finding] = []
    for file in files:
        try:
            wanted.extend(read_requirements(file))
        except EnvtuiError as exc:
            findings.append(
                Finding(
                    DRIFT,
                    f"requirements {file.name}",
                    FAIL,
                    f"{exc.message}: {exc.cause}" if exc.cause else exc.message,
                )
            )
    for error in wanted.errors:
        findings.append(Finding(DRIFT, f"requirements {Path(error.source).name}:{error.line}", WARN, str(error)))
    if not wanted.files:
        return findings
    for item in compare(wanted, dict(installed), env.markers):
        if item.kind == "extra" and item.name in _TOOLING:
            continue
        key = canonicalize_name(item.name)
        findings.append(
            Finding(
                DRIFT,
                f"drift {item.name}",
                WARN if item.kind == "extra" else FAIL,
                str(item),
                package=key if key in installed else None,
                data={"kind": item.kind, "wanted": item.wanted, "installed": item.installed, "where": item.where},
            )
        )
    if not any(f.status != OK for f in findings):
        names = ", ".join(Path(f).name for f in wanted.files)
        count = len([e for e in wanted.entries if not e.constraint])
        findings.append(Finding(DRIFT, "drift", OK, f"installed packages match {names} ({count} requirements)"))
    return findings


# --------------------------------------------------------------------------- metadata, outdated, hooks


def check_metadata(inventory: Inventory) -> list[Finding]:
    """Packages whose metadata is corrupt or partial, and problems with the listing itself."""
    findings = [Finding(METADATA, "package listing", WARN, problem) for problem in inventory.problems]
    for package in inventory.sorted():
        if package.problems:
            findings.append(
                Finding(
                    METADATA,
                    f"metadata {package.name}",
                    WARN,
                    f"{package.name}: {package.problems[0]}",
                    long="\n".join(package.problems) if len(package.problems) > 1 else "",
                    package=package.key,
                )
            )
    if not findings:
        count = len(inventory)
        findings.append(
            Finding(METADATA, "metadata", OK, f"metadata of {count} package{'s' if count != 1 else ''} is readable")
        )
    return findings


def check_outdated(latest: Mapping[str, str], inventory: Inventory | None = None) -> list[Finding]:
    """A warning naming packages that have newer versions (empty mapping: all current)."""
    if not latest:
        return [Finding(OUTDATED, "outdated", OK, "every package is at its latest version")]
    parts = []
    for key in sorted(latest):
        package = inventory.packages.get(key) if inventory is not None else None
        parts.append(f"{package.name} {package.version} -> {latest[key]}" if package else f"{key} -> {latest[key]}")
    count = len(latest)
    shown = ", ".join(parts[:5]) + (f", and {count - 5} more" if count > 5 else "")
    return [
        Finding(
            OUTDATED,
            "outdated",
            WARN,
            f"{count} package{'s' if count != 1 else ''} can be upgraded: {shown}",
            long="\n".join(parts),
            data={"outdated": dict(latest)},
        )
    ]


def check_hooks(config: Config) -> list[Finding]:
    """Whether the configuration's hooks will run (they need the file to be trusted)."""
    if config.path is None or not config.hooks:
        return []
    from envtui.core.health.trust import trust_state

    state = trust_state(config)
    commands = [
        *(("before", c) for c in config.hooks.before_change),
        *(("after", c) for c in config.hooks.after_change),
    ]
    long = "\n".join(f"{phase}-change: {argv_text(cmd)}" for phase, cmd in commands)
    if state.trusted:
        return [
            Finding(
                HOOKS,
                "hooks",
                OK,
                f"{len(commands)} hook command(s) trusted to run around changes",
                long=long,
                data={"trust": state.status, "config": str(config.path)},
            )
        ]
    return [
        Finding(
            HOOKS,
            "hooks",
            WARN,
            f"hooks will be skipped: {state.reason}",
            long=long,
            data={"trust": state.status, "config": str(config.path)},
        )
    ]


# --------------------------------------------------------------------------- all together


def run_checks(
    env: Environment,
    config: Config | None = None,
    *,
    groups: Iterable[str] | None = None,
    outdated: Mapping[str, str] | None = None,
    uv: Uv | None = None,
    settle: float = 0.0,
    inventory: Inventory | None = None,
    dependency_issues: Iterable[DependencyIssue] | None = None,
) -> HealthReport:
    """Run the chosen checks (default ``DEFAULT_GROUPS``) concurrently and collect their findings.

    ``outdated`` passes newer versions already known (the TUI has them); when the ``outdated``
    group is asked for without them, the index is asked. ``settle`` gives failing services that
    long to come up (used right after the after-change hooks started them). ``inventory`` and
    ``dependency_issues`` reuse a listing and a ``uv pip check`` the caller has just made.
    """
    config = config or Config()
    chosen = tuple(g for g in GROUPS if g in (set(groups) if groups is not None else set(DEFAULT_GROUPS)))
    if outdated is not None and groups is None:
        chosen = tuple(g for g in GROUPS if g in chosen or g == OUTDATED)
    if uv is None and any(g in chosen for g in (DEPENDENCIES, DRIFT, METADATA, OUTDATED, IMPORTS)):
        from envtui.core.uv import Uv

        uv = Uv()  # found once, here: finding it reads sysconfig, which is not thread-safe on first use
    started = time.time()
    imports = config.imports if IMPORTS in chosen else ()
    services = config.services if SERVICES in chosen else ()
    needs_inventory = inventory is None and (any(g in chosen for g in (DRIFT, METADATA, OUTDATED)) or bool(imports))
    findings: list[Finding] = []
    with ThreadPoolExecutor(
        max_workers=min(32, 4 + len(imports) + len(services)), thread_name_prefix="envtui-health"
    ) as pool:
        interpreter = pool.submit(check_interpreter, env) if INTERPRETER in chosen else None
        inventory_future = pool.submit(_inventory, env, uv) if needs_inventory else None
        dependencies = None
        if DEPENDENCIES in chosen:
            dependencies = (
                pool.submit(check_dependencies, env, uv)
                if dependency_issues is None
                else pool.submit(dependency_findings, dependency_issues)
            )
        latest: Future | None = None
        if OUTDATED in chosen and outdated is None:
            latest = pool.submit(_latest, env, uv)
        project_futures = _submit_project_checks(pool, env, chosen, uv)
        import_futures = [pool.submit(check_import, env, module, config.import_timeout) for module in imports]
        service_futures = [pool.submit(_check_service(), service, settle=settle) for service in services]

        if interpreter is not None:
            findings.append(interpreter.result())
        if dependencies is not None:
            findings.extend(dependencies.result())
        if inventory_future is not None:
            inventory, error = inventory_future.result()
            if error is not None:
                findings.append(Finding(METADATA, "package listing", FAIL, error))
        for future in import_futures:
            finding = future.result()
            owner = _import_owner(finding.data.get("module", ""), inventory)
            findings.append(replace(finding, package=owner) if owner else finding)
        if DRIFT in chosen and inventory is not None:
            installed = {key: package.version for key, package in inventory.packages.items()}
            findings.extend(check_drift(env, config.requirements, installed))
        for project_future in project_futures:
            findings.extend(project_future.result())
        findings.extend(future.result() for future in service_futures)
        if METADATA in chosen and inventory is not None:
            findings.extend(check_metadata(inventory))
        if OUTDATED in chosen:
            if latest is not None:
                known, error = latest.result()
                findings.extend(
                    [Finding(OUTDATED, "outdated", WARN, error)] if error else check_outdated(known, inventory)
                )
            else:
                findings.extend(check_outdated(outdated or {}, inventory))
        if HOOKS in chosen:
            findings.extend(check_hooks(config))
    return HealthReport(ordered(findings), chosen, started, time.time())


def _submit_project_checks(
    pool: ThreadPoolExecutor, env: Environment, chosen: tuple[str, ...], uv: Uv | None
) -> list[Future[list[Finding]]]:
    """Start the project checks when ``env`` is a uv project's environment (none for a plain venv)."""
    if LOCK not in chosen and LOCK_ENV not in chosen:
        return []
    from envtui.core.health.project import check_environment_vs_lock, check_lock
    from envtui.core.project.detect import find_project

    try:
        project = find_project(env.path)
    except EnvtuiError as exc:
        unreadable = [Finding(LOCK, "lock", FAIL, f"{exc.message}: {exc.cause}" if exc.cause else exc.message)]
        return [pool.submit(list, unreadable)]
    if project is None:
        return []
    if uv is None:
        from envtui.core.uv import Uv

        uv = Uv()
    checks = [check for group, check in ((LOCK, check_lock), (LOCK_ENV, check_environment_vs_lock)) if group in chosen]
    return [pool.submit(check, project, uv) for check in checks]


def _inventory(env: Environment, uv: Uv | None) -> tuple[Inventory | None, str | None]:
    from envtui.core.env.packages import list_packages

    try:
        return list_packages(env, uv), None
    except EnvtuiError as exc:
        return None, f"{exc.message}: {exc.cause}" if exc.cause else exc.message


def _latest(env: Environment, uv: Uv | None) -> tuple[dict[str, str], str | None]:
    from envtui.core.env.packages import fetch_outdated

    try:
        return fetch_outdated(env, uv), None
    except EnvtuiError as exc:
        return {}, f"newer versions are not known: {exc.cause or exc.message}"


def _check_service() -> Callable[..., Finding]:
    """``services.check_service``, imported when a service is checked: it brings urllib, http.client
    and email, which opening the TUI does not need."""
    from envtui.core.health.services import check_service

    return check_service


def __getattr__(name: str) -> object:
    """``check_service`` is still read from here (the faces and tests do), imported on first use."""
    if name == "check_service":
        return _check_service()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
