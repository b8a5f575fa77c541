"""Does the interpreter run, and is the venv around it sane? The ``interpreter`` health check.

Also how every check runs a probe in the environment's own python: bounded by a timeout, its
whole process group killed at the end of it, so a hanging probe is a finding, never a hang.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from envtui.core import process
from envtui.core.env.environment import Environment, read_pyvenv_cfg, venv_python
from envtui.core.errors import EnvtuiError
from envtui.core.health.report import FAIL, INTERPRETER, OK, WARN, Finding, tail

_VERSION_PROBE = "import platform, sys; print(platform.python_version()); print(sys.prefix)"


# --------------------------------------------------------------------------- running a probe


@dataclass(frozen=True)
class Probe:
    returncode: int | None
    """None when it was stopped at the timeout."""
    stdout: str
    stderr: str
    seconds: float


def run_probe(argv: list[str], timeout: float) -> Probe:
    """Run a probe with a hard timeout (its whole process group is killed then: nothing lingers)."""
    try:
        result = process.run(argv, timeout=timeout)
    except process.TimedOut as exc:
        return Probe(None, exc.result.stdout, exc.result.stderr, exc.result.duration)
    except EnvtuiError as exc:
        return Probe(-1, "", exc.cause or exc.message, 0.0)
    return Probe(result.returncode, result.stdout, result.stderr, result.duration)


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
    ran = run_probe([str(python), "-I", "-c", _VERSION_PROBE], 30)
    if ran.returncode != 0:
        why = "did not answer within 30 s" if ran.returncode is None else process.last_line(ran.stderr, ran.stdout)
        return Finding(INTERPRETER, "interpreter", FAIL, f"{python} does not run: {why}", long=tail(ran.stderr))
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
