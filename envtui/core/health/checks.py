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

``run_checks`` runs them all concurrently in threads, so the slowest check (usually a dead
service) sets the time, and returns a ``HealthReport``. Standard library only, no Textual.
"""

from __future__ import annotations

import ipaddress
import json
import os
import shlex
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from envtui import __version__
from envtui.core import process
from envtui.core.config import Config, Service
from envtui.core.env.environment import Environment, read_pyvenv_cfg, venv_python
from envtui.core.errors import EnvtuiError

OK = "ok"
WARN = "warn"
FAIL = "fail"
_RANK = {OK: 0, WARN: 1, FAIL: 2}

INTERPRETER = "interpreter"
DEPENDENCIES = "dependencies"
IMPORTS = "imports"
DRIFT = "drift"
SERVICES = "services"
METADATA = "metadata"
OUTDATED = "outdated"
HOOKS = "hooks"
CONFIG = "config"
"""Not a check: the finding a face adds when the configuration itself could not be read."""

#: Every check, in the order reports list them.
GROUPS: tuple[str, ...] = (INTERPRETER, DEPENDENCIES, IMPORTS, DRIFT, SERVICES, METADATA, OUTDATED, HOOKS)
#: What runs unless the caller says otherwise: ``outdated`` asks the package index, so it is opt-in.
DEFAULT_GROUPS: tuple[str, ...] = tuple(g for g in GROUPS if g != OUTDATED)

#: Installer tooling a pinned file normally leaves out (pip-compile calls them "unsafe").
_TOOLING = frozenset({"pip", "setuptools", "wheel", "distribute"})
_OK_STATUSES = frozenset({"ok", "healthy", "pass", "passed", "up"})
_WARN_STATUSES = frozenset({"warn", "warning", "degraded"})
_BODY_LIMIT = 1 << 20

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

_VERSION_PROBE = "import platform, sys; print(platform.python_version()); print(sys.prefix)"


def worst(statuses: Iterable[str]) -> str:
    """The worst of some statuses (``ok`` for none)."""
    return max(statuses, key=_RANK.__getitem__, default=OK)


@dataclass(frozen=True)
class Finding:
    """One result of one check."""

    check: str
    """Which check produced it (one of ``GROUPS``)."""
    name: str
    """Unique within a report, e.g. ``import fastapi``, ``service backend``, ``dependency alpha -> beta``."""
    status: str
    """``ok``, ``warn`` or ``fail``."""
    detail: str
    """One line saying what was found."""
    long: str = ""
    """More, when there is more to say (a traceback's tail, every sub-problem)."""
    package: str | None = None
    """Canonical name of the installed package concerned, when there is one."""
    data: Mapping[str, Any] = field(default_factory=dict)
    """Extra machine-readable facts (latency, versions, URLs); merged into the JSON."""
    checked_at: float = field(default_factory=time.time)
    """When the check finished (seconds since the epoch)."""

    def to_json(self) -> dict[str, Any]:
        """The JSON shape of ``envtui verify --json``: name, status, detail, then the rest."""
        out: dict[str, Any] = {"name": self.name, "status": self.status, "detail": self.detail, "check": self.check}
        if self.long:
            out["details"] = self.long
        if self.package:
            out["package"] = self.package
        for key, value in self.data.items():
            out.setdefault(key, value)
        out["checked_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.checked_at))
        return out


@dataclass(frozen=True)
class HealthReport:
    """The findings of one run of some or all checks."""

    findings: tuple[Finding, ...]
    groups: tuple[str, ...]
    """The checks that ran (a group that ran and found nothing to say has no findings)."""
    started: float = 0.0
    finished: float = 0.0

    @property
    def status(self) -> str:
        """The worst status: what the header badge shows."""
        return worst(f.status for f in self.findings)

    @property
    def ok(self) -> bool:
        """Nothing failed (warnings allowed): ``envtui verify`` exits 0."""
        return self.status != FAIL

    @property
    def duration(self) -> float:
        """Seconds the run took."""
        return max(self.finished - self.started, 0.0)

    def counts(self) -> dict[str, int]:
        """How many findings have each status."""
        counts = {OK: 0, WARN: 0, FAIL: 0}
        for finding in self.findings:
            counts[finding.status] += 1
        return counts

    def failing(self) -> list[Finding]:
        """The findings that are not ok, worst first."""
        bad = [f for f in self.findings if f.status != OK]
        return sorted(bad, key=lambda f: -_RANK[f.status])

    def merged(self, newer: HealthReport) -> HealthReport:
        """This report with the groups ``newer`` ran replaced by its findings (e.g. a services refresh)."""
        kept = [f for f in self.findings if f.check not in newer.groups]
        findings = _ordered(kept + list(newer.findings))
        groups = tuple(g for g in GROUPS if g in self.groups or g in newer.groups)
        return HealthReport(
            findings, groups, min(self.started, newer.started) or newer.started, max(self.finished, newer.finished)
        )

    def to_json(self) -> dict[str, Any]:
        """``{"ok": bool, "status": ..., "checks": [...]}``."""
        return {"ok": self.ok, "status": self.status, "checks": [f.to_json() for f in self.findings]}


def _ordered(findings: list[Finding]) -> tuple[Finding, ...]:
    """Group order, first-come order within a group, names made unique."""
    order = {g: i for i, g in enumerate((CONFIG, *GROUPS))}
    ranked = sorted(enumerate(findings), key=lambda pair: (order.get(pair[1].check, len(order)), pair[0]))
    seen: dict[str, int] = {}
    result = []
    for _, finding in ranked:
        count = seen.get(finding.name, 0) + 1
        seen[finding.name] = count
        result.append(finding if count == 1 else replace(finding, name=f"{finding.name} ({count})"))
    return tuple(result)


# --------------------------------------------------------------------------- running a probe


@dataclass(frozen=True)
class _Ran:
    returncode: int | None
    """None when it was stopped at the timeout."""
    stdout: str
    stderr: str
    seconds: float


def _run_bounded(argv: list[str], timeout: float) -> _Ran:
    """Run a probe with a hard timeout (its whole process group is killed then: nothing lingers)."""
    try:
        result = process.run(argv, timeout=timeout)
    except process.TimedOut as exc:
        return _Ran(None, exc.result.stdout, exc.result.stderr, exc.result.duration)
    except EnvtuiError as exc:
        return _Ran(-1, "", exc.cause or exc.message, 0.0)
    return _Ran(result.returncode, result.stdout, result.stderr, result.duration)


def _tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


# --------------------------------------------------------------------------- interpreter


def _base_pythons(home: Path, version: str) -> list[Path]:
    major_minor = ".".join(version.split(".")[:2])
    names = [f"python{major_minor}", "python3", "python"] if major_minor else ["python3", "python"]
    return [home / name for name in names]


def _check_pyvenv(root: Path, running: str | None) -> tuple[list[str], list[str], dict[str, str]]:
    """Problems (fail) and doubts (warn) about a venv's pyvenv.cfg and base interpreter."""
    problems: list[str] = []
    doubts: list[str] = []
    cfg_path = root / "pyvenv.cfg"
    if not cfg_path.is_file():
        return [f"{cfg_path} is missing"], doubts, {}
    try:
        cfg = read_pyvenv_cfg(cfg_path)
    except EnvtuiError as exc:
        return [f"{cfg_path} cannot be read: {exc.cause or exc.message}"], doubts, {}
    home = cfg.get("home")
    stated = cfg.get("version_info") or cfg.get("version") or ""
    if not home:
        problems.append("pyvenv.cfg has no 'home' line (the base interpreter is unknown)")
    elif not Path(home).is_dir():
        problems.append(f"the base interpreter's directory {home} no longer exists (Python removed or upgraded?)")
    elif not any(p.exists() for p in _base_pythons(Path(home), stated or (running or ""))):
        problems.append(f"no python{'.'.join(stated.split('.')[:2]) or ''} left in the base directory {home}")
    if stated and running:
        if stated.split(".")[:2] != running.split(".")[:2]:
            problems.append(f"pyvenv.cfg says Python {stated}, but the interpreter is {running}")
        elif stated.split(".")[:3] != running.split(".")[:3]:
            doubts.append(f"pyvenv.cfg says Python {stated}, the interpreter is now {running} (base Python updated)")
    return problems, doubts, cfg


def check_interpreter(env: Environment) -> Finding:
    """The interpreter runs and reports its version; for a venv, pyvenv.cfg and the base interpreter."""
    python = Path(env.python)
    if not python.exists():
        link = f" (a broken link to {os.readlink(python)})" if python.is_symlink() else ""
        return broken_interpreter(env.path, f"the interpreter {python} is missing{link}")
    ran = _run_bounded([str(python), "-I", "-c", _VERSION_PROBE], 30)
    if ran.returncode != 0:
        why = "did not answer within 30 s" if ran.returncode is None else process.last_line(ran.stderr, ran.stdout)
        return Finding(INTERPRETER, "interpreter", FAIL, f"{python} does not run: {why}", long=_tail(ran.stderr))
    lines = ran.stdout.split()
    version = lines[0] if lines else "?"
    data = {"python": str(python), "version": version}
    if not env.is_venv:
        return Finding(INTERPRETER, "interpreter", OK, f"Python {version} at {python} (not a venv)", data=data)
    problems, doubts, cfg = _check_pyvenv(env.path, version)
    if cfg.get("home"):
        data["base"] = cfg["home"]
    status = FAIL if problems else WARN if doubts else OK
    said = problems + doubts
    detail = said[0] if said else f"Python {version} at {python}"
    return Finding(INTERPRETER, "interpreter", status, detail, long="\n".join(said) if len(said) > 1 else "", data=data)


def broken_interpreter(root: Path, why: str) -> Finding:
    """The finding for a venv whose interpreter cannot even start, explaining the likely reason."""
    problems, _, cfg = _check_pyvenv(Path(root), None)
    detail = problems[0] if problems and "base interpreter" in problems[0] else why
    long = "\n".join(dict.fromkeys([why, *problems]))
    return Finding(
        INTERPRETER,
        "interpreter",
        FAIL,
        detail,
        long=long if long != detail else "",
        data={"python": str(venv_python(Path(root))), "base": cfg.get("home", "")},
    )


# --------------------------------------------------------------------------- dependencies


def check_dependencies(env: Environment, uv: Any = None) -> list[Finding]:
    """``uv pip check``: one finding per incompatibility, naming both packages."""
    from envtui.core.env.packages import check_dependencies as pip_check

    try:
        issues = pip_check(env, uv)
    except EnvtuiError as exc:
        detail = f"{exc.message}: {exc.cause}" if exc.cause else exc.message
        return [Finding(DEPENDENCIES, "dependencies", FAIL, detail)]
    return dependency_findings(issues)


def dependency_findings(issues: Iterable[Any]) -> list[Finding]:
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
    ran = _run_bounded([os.path.abspath(env.python), "-I", "-c", _IMPORT_PROBE, module], timeout)
    if ran.returncode is None:
        return Finding(
            IMPORTS,
            name,
            FAIL,
            f"import {module} did not finish within {timeout:g} s (it hangs)",
            long=_tail(ran.stderr),
            data={"module": module, "timeout": timeout},
        )
    if ran.returncode != 0:
        return Finding(
            IMPORTS,
            name,
            FAIL,
            process.last_line(ran.stderr, ran.stdout) or f"exit status {ran.returncode}",
            long=_tail(ran.stderr),
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


def _import_owner(module: str, inventory: Any) -> str | None:
    """The installed package that provides a top-level module, when it can be told."""
    if inventory is None:
        return None
    root = module.split(".")[0]
    for candidate in (root, root.replace("_", "-")):
        key = canonicalize_name(candidate)
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


# --------------------------------------------------------------------------- services


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _fetch(service: Service) -> dict[str, Any]:
    """One GET; returns what happened (never raises)."""
    handlers: list[Any] = [urllib.request.ProxyHandler({})] if _is_loopback(service.url) else []
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        service.url,
        headers={"User-Agent": f"envtui/{__version__} health check", "Accept": "application/json, */*;q=0.5"},
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=service.timeout) as response:
            body = response.read(_BODY_LIMIT)
            return {
                "code": response.status,
                "reason": response.reason,
                "body": body,
                "type": response.headers.get("Content-Type", ""),
                "seconds": time.perf_counter() - started,
            }
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(_BODY_LIMIT)
        except Exception:
            body = b""
        return {
            "code": exc.code,
            "reason": exc.reason,
            "body": body,
            "type": exc.headers.get("Content-Type", "") if exc.headers else "",
            "seconds": time.perf_counter() - started,
        }
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return {"error": f"no answer within {service.timeout:g} s", "timeout": True}
        if isinstance(reason, ConnectionRefusedError):
            return {"error": "connection refused"}
        text = getattr(reason, "strerror", None) or str(reason)
        return {"error": str(text)}
    except TimeoutError:
        return {"error": f"no answer within {service.timeout:g} s", "timeout": True}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__}


def _judge(service: Service, got: dict[str, Any]) -> Finding:
    name = f"service {service.name}"
    data: dict[str, Any] = {"url": service.url}
    if "error" in got:
        return Finding(SERVICES, name, FAIL, f"{service.url}: {got['error']}", data=data)
    code, seconds, body = got["code"], got["seconds"], got["body"]
    latency = f"{seconds * 1000:.0f} ms"
    data.update(http_status=code, latency_ms=round(seconds * 1000, 1))
    payload: Any = None
    bad_json = ""
    text = body.decode("utf-8", "replace").strip()
    if "json" in got["type"].lower() or text[:1] in ("{", "["):
        try:
            payload = json.loads(text)
        except ValueError as exc:
            bad_json = f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    version = payload.get("version") if isinstance(payload, dict) else None
    if isinstance(version, (str, int, float)) and not isinstance(version, bool):
        data["version"] = str(version)
    suffix = f" in {latency}" + (f", version {data['version']}" if "version" in data else "")
    long = _tail(text, 10) if text else ""
    if not 200 <= code < 300:
        said = ""
        if isinstance(payload, dict) and "status" in payload:
            said = f", status {payload['status']!r}"
        return Finding(SERVICES, name, FAIL, f"HTTP {code} {got['reason']}{said}{suffix}", long=long, data=data)
    if bad_json:
        return Finding(SERVICES, name, FAIL, f"HTTP {code}, but {bad_json}{suffix}", long=long, data=data)
    if isinstance(payload, dict) and "status" in payload:
        status_value = payload["status"]
        data["status"] = status_value
        said = (
            str(status_value).strip().lower()
            if not isinstance(status_value, bool)
            else ("ok" if status_value else "false")
        )
        if said in _OK_STATUSES:
            return Finding(SERVICES, name, OK, f"status {status_value!r}{suffix}", data=data)
        if said in _WARN_STATUSES:
            return Finding(SERVICES, name, WARN, f"status {status_value!r}{suffix}", long=long, data=data)
        return Finding(SERVICES, name, FAIL, f"status {status_value!r}{suffix}", long=long, data=data)
    return Finding(SERVICES, name, OK, f"HTTP {code} {got['reason']}{suffix}", data=data)


def check_service(service: Service, *, settle: float = 0.0) -> Finding:
    """GET the service's URL, bounded by its timeout; with ``settle``, retry a failure for that long."""
    deadline = time.monotonic() + settle
    while True:
        box: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda box=box: box.update(_fetch(service)), daemon=True, name=f"envtui-health-{service.name}"
        )
        worker.start()
        worker.join(service.timeout + 0.25)
        if worker.is_alive() or not box:
            box = {"error": f"no answer within {service.timeout:g} s", "timeout": True}
        finding = _judge(service, box)
        if finding.status == OK or time.monotonic() >= deadline:
            return finding
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))


# --------------------------------------------------------------------------- metadata, outdated, hooks


def check_metadata(inventory: Any) -> list[Finding]:
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


def check_outdated(latest: Mapping[str, str], inventory: Any = None) -> list[Finding]:
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
    long = "\n".join(f"{phase}-change: {shlex.join(cmd)}" for phase, cmd in commands)
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
    uv: Any = None,
    settle: float = 0.0,
    inventory: Any = None,
    dependency_issues: Iterable[Any] | None = None,
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
        import_futures = [pool.submit(check_import, env, module, config.import_timeout) for module in imports]
        service_futures = [pool.submit(check_service, service, settle=settle) for service in services]

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
    return HealthReport(_ordered(findings), chosen, started, time.time())


def _inventory(env: Environment, uv: Any) -> tuple[Any, str | None]:
    from envtui.core.env.packages import list_packages

    try:
        return list_packages(env, uv), None
    except EnvtuiError as exc:
        return None, f"{exc.message}: {exc.cause}" if exc.cause else exc.message


def _latest(env: Environment, uv: Any) -> tuple[dict[str, str], str | None]:
    from envtui.core.env.packages import fetch_outdated

    try:
        return fetch_outdated(env, uv), None
    except EnvtuiError as exc:
        return {}, f"newer versions are not known: {exc.cause or exc.message}"
