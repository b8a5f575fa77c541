"""Resolve what the user points at to a validated Python environment, and discover venvs.

A target may be a venv directory, a project directory holding ``.venv``, or a python
executable. With no target: ``$VIRTUAL_ENV``, else ``./.venv`` (or a parent's), else the
interpreter envtui itself runs in. When ``$VIRTUAL_ENV`` names the environment envtui itself
runs in (envtui installed in a venv, that venv activated) and a project ``.venv`` is found,
the project's wins: changing envtui's own dependencies is never what opening a project meant.
An interpreter that is not a venv (a system or pyenv Python) is read-only unless the user
passes ``--system``, as uv requires.

Resolving runs the interpreter once (a probe: its layout and marker values). A change job
only needs to know where the venv and its python are, and uv checks the interpreter itself,
so ``resolve_environment(..., probe=False)`` reads a venv directory's layout and
``pyvenv.cfg`` instead, and probes only when they do not say enough (or when something later
asks for ``markers``).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from envtui.core import process
from envtui.core.errors import EnvtuiError, UsageError

#: Runs inside the target interpreter (with -I) to learn its layout and PEP 508 marker values.
_PROBE = r"""
import json, os, platform, sys, sysconfig
paths = sysconfig.get_paths()
impl = sys.implementation
iver = "{0.major}.{0.minor}.{0.micro}".format(impl.version)
if impl.version.releaselevel != "final":
    iver += impl.version.releaselevel[0] + str(impl.version.serial)
print(json.dumps({
    "version": platform.python_version(),
    "prefix": sys.prefix,
    "base_prefix": sys.base_prefix,
    "executable": sys.executable,
    "purelib": paths["purelib"],
    "platlib": paths["platlib"],
    "markers": {
        "implementation_name": impl.name,
        "implementation_version": iver,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    },
}))
"""

_SKIP_DIRS = frozenset(
    {
        "node_modules",
        ".git",
        "__pycache__",
        ".hg",
        ".svn",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "dist-packages",
    }
)


@dataclass(frozen=True)
class Environment:
    """A Python environment envtui can show and, when writable, change."""

    path: Path
    """The venv root (or, for a system interpreter, its prefix)."""
    python: Path
    """The interpreter to pass to ``uv --python``."""
    version: str
    """The interpreter's Python version, e.g. ``3.11.7``."""
    is_venv: bool
    """Whether this is a virtual environment (has ``pyvenv.cfg``)."""
    creator: str
    """What made it: ``uv``, ``virtualenv``, ``venv`` (stdlib, pip-based) or ``system``."""
    site_packages: tuple[Path, ...]
    """Where its distributions live (purelib and platlib, deduplicated)."""
    probed_markers: dict[str, str] | None = field(default=None, compare=False, hash=False, repr=False)
    """The marker values as probed; None until asked for when resolved with ``probe=False``."""
    pyvenv: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    """The parsed ``pyvenv.cfg`` (empty for a system interpreter)."""
    system_allowed: bool = False
    """A non-venv interpreter may be changed only when the user said ``--system``."""
    note: str = field(default="", compare=False, hash=False)
    """Why this environment was chosen, when the default rule did something to say (else empty)."""

    @property
    def own(self) -> bool:
        """Whether this is the environment envtui itself runs in (changing it changes envtui)."""
        return is_own_environment(self.path)

    @property
    def markers(self) -> dict[str, str]:
        """PEP 508 marker values of this interpreter, to evaluate requirement markers."""
        if self.probed_markers is None:  # resolved without the probe: run it now, once
            object.__setattr__(self, "probed_markers", _probe(self.python)["markers"])
        return self.probed_markers  # type: ignore[return-value]

    @property
    def known_markers(self) -> dict[str, str]:
        """The marker values known without running the interpreter (all of them once probed).

        A venv resolved from its layout knows its Python version (``pyvenv.cfg``) and runs on
        this host, so the operating system's values are this process's; the implementation is
        known only when ``pyvenv.cfg`` names it. ``platform_machine`` is never assumed: an
        emulated interpreter (Rosetta) differs from the host there.
        """
        if self.probed_markers is not None:
            return self.probed_markers
        uname = os.uname()
        known = {
            "os_name": os.name,
            "sys_platform": sys.platform,
            "platform_system": uname.sysname,
            "platform_release": uname.release,
            "platform_version": uname.version,
            "python_full_version": self.version,
            "python_version": ".".join(self.version.split(".")[:2]),
        }
        if self.pyvenv.get("implementation", "").lower() == "cpython":
            known.update(
                implementation_name="cpython",
                platform_python_implementation="CPython",
                implementation_version=self.version,
            )
        return known

    @property
    def writable(self) -> bool:
        """Whether change jobs may run against it."""
        return self.is_venv or self.system_allowed

    def require_writable(self) -> None:
        """Refuse to change it unless it is writable: a UsageError (exit 2) saying why."""
        if not self.writable:
            raise UsageError(
                f"not a virtual environment: {self.path}",
                cause="envtui changes a system interpreter only with --system",
            )

    @property
    def label(self) -> str:
        """A short description for headers and listings."""
        kind = f"venv ({self.creator})" if self.is_venv else "system interpreter, read-only"
        if not self.is_venv and self.system_allowed:
            kind = "system interpreter"
        return f"{self.path} · Python {self.version} · {kind}" + (f" · {OWN_ENVIRONMENT}" if self.own else "")

    def uv_flags(self) -> list[str]:
        """Extra flags uv needs to change this environment."""
        return [] if self.is_venv else ["--system"]


def read_pyvenv_cfg(path: Path) -> dict[str, str]:
    """Parse ``pyvenv.cfg`` (``key = value`` lines); unreadable is a UsageError."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise UsageError(f"cannot read {path}", cause=exc.strerror) from exc
    values: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            values[key.strip().lower()] = value.strip()
    return values


def venv_python(root: Path) -> Path:
    """The interpreter path inside a venv root."""
    if os.name == "nt":  # pragma: no cover - envtui targets POSIX servers first
        return root / "Scripts" / "python.exe"
    return root / "bin" / "python"


def _creator(cfg: dict[str, str]) -> str:
    if "uv" in cfg:
        return "uv"
    if "virtualenv" in cfg:
        return "virtualenv"
    return "venv"


def _find_project_venv(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        candidate = directory / ".venv"
        if (candidate / "pyvenv.cfg").is_file():
            return candidate
    return None


#: How envtui names the environment it runs in, wherever it shows it (header, CLI).
OWN_ENVIRONMENT = "envtui's own environment"


def is_own_environment(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is the prefix of the interpreter envtui runs in."""
    try:
        return Path(path).resolve() == Path(sys.prefix).resolve()
    except OSError:
        return False


def default_choice(cwd: Path | None = None) -> tuple[Path, str]:
    """What envtui opens when the user names nothing, and a note when that needs saying."""
    active = os.environ.get("VIRTUAL_ENV")
    found = _find_project_venv((cwd or Path.cwd()).resolve())
    if active:
        if found is not None and is_own_environment(active) and not is_own_environment(found):
            return found, f"$VIRTUAL_ENV is {OWN_ENVIRONMENT}: opened the project's {found} instead"
        return Path(active), ""
    if found is not None:
        return found, ""
    return Path(sys.executable), ""


def resolve_environment(
    target: str | os.PathLike[str] | None = None,
    *,
    allow_system: bool = False,
    cwd: Path | None = None,
    probe: bool = True,
) -> Environment:
    """Turn a user's target into a validated Environment, or raise UsageError saying why.

    With ``probe=False`` (for a change job) a venv directory is taken from its layout and
    ``pyvenv.cfg`` without running its interpreter, when they name the version and the
    site-packages directory exists; anything else is probed as usual. The checks that make
    a bad target a UsageError (missing, not a venv, interpreter missing or not executable)
    are the same either way; whether the interpreter actually runs is then for uv to find.
    """
    if target is not None and not str(target).strip():
        # An empty path (``--venv "$UNSET"``) must not quietly mean "the default environment".
        raise UsageError("empty path given for the environment", cause="name a venv, a project or a python")
    note = ""
    if target is None:
        given, note = default_choice(cwd)
    else:
        given = Path(target).expanduser()
    if not given.is_absolute():
        # Made absolute: a relative path such as "-x" must never reach uv where an option could go.
        given = (cwd or Path.cwd()) / given
    if not given.exists() and not given.is_symlink():
        raise UsageError(f"no such file or directory: {given}")
    root: Path | None = None
    if given.is_dir():
        if (given / "pyvenv.cfg").is_file():
            root = given
        elif (given / ".venv" / "pyvenv.cfg").is_file():
            root = given / ".venv"
        else:
            raise UsageError(
                f"not a virtual environment: {given}",
                cause="no pyvenv.cfg in it, and no .venv inside it",
            )
        python = venv_python(root)
        if not python.exists():
            dangling = f" (a broken link to {os.readlink(python)})" if python.is_symlink() else ""
            raise UsageError(
                f"broken virtual environment: {root}",
                cause=f"its interpreter {python} is missing{dangling}",
            )
        if not probe:
            if not os.access(python, os.X_OK):
                raise UsageError(
                    f"broken virtual environment: {root}", cause=f"its interpreter {python} cannot be executed"
                )
            env = _from_layout(root, python)
            if env is not None:
                return replace(env, note=note) if note else env
    else:
        python = given
        if not os.access(python, os.X_OK):
            raise UsageError(
                f"not a virtual environment or a python executable: {given}",
                cause="it is a file that cannot be executed",
            )
    info = _probe(python)
    prefix = Path(info["prefix"])
    cfg_path = (root or prefix) / "pyvenv.cfg"
    is_venv = root is not None or cfg_path.is_file()
    cfg = read_pyvenv_cfg(cfg_path) if is_venv else {}
    site = tuple(dict.fromkeys(Path(info[key]) for key in ("purelib", "platlib")))
    return Environment(
        path=root or prefix,
        python=python if root is not None else Path(info["executable"] or python),
        version=info["version"],
        is_venv=is_venv,
        creator=_creator(cfg) if is_venv else "system",
        site_packages=site,
        probed_markers=info["markers"],
        pyvenv=cfg,
        system_allowed=allow_system and not is_venv,
        note=note,
    )


def _from_layout(root: Path, python: Path) -> Environment | None:
    """A venv read from its ``pyvenv.cfg`` and directories, without running it; None if they are unclear."""
    if os.name == "nt":  # pragma: no cover - another layout
        return None
    cfg = read_pyvenv_cfg(root / "pyvenv.cfg")
    # uv: ``version_info = 3.11.7``; venv: ``version = 3.11.7``; virtualenv: ``3.11.7.final.0``
    parts = (cfg.get("version_info") or cfg.get("version") or "").split(".")
    if len(parts) < 3 or not all(p.isdigit() for p in parts[:3]) or parts[3:4] not in ([], ["final"]):
        return None  # a pre-release or an unknown spelling: let the interpreter say
    version = ".".join(parts[:3])
    implementation = cfg.get("implementation", "cpython").lower()
    if implementation not in ("cpython", ""):
        return None  # PyPy and others lay out site-packages their own way: ask the interpreter
    site = root / "lib" / f"python{parts[0]}.{parts[1]}" / "site-packages"
    if not site.is_dir():
        return None
    return Environment(
        path=root,
        python=python,
        version=version,
        is_venv=True,
        creator=_creator(cfg),
        site_packages=(site,),
        pyvenv=cfg,
    )


def _probe(python: Path) -> dict:
    """Run the interpreter once: it must start and describe itself."""
    try:
        result = process.run([str(python), "-I", "-c", _PROBE], timeout=30)
    except EnvtuiError as exc:
        raise UsageError(f"interpreter does not run: {python}", cause=exc.cause or exc.message) from exc
    if not result.ok:
        raise UsageError(f"interpreter does not run: {python}", cause=result.last_error_line())
    try:
        return json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise UsageError(f"not a python interpreter: {python}", cause="it did not answer like one") from exc


def discover_environments(root: str | os.PathLike[str], max_depth: int = 4) -> list[Path]:
    """Venv roots under ``root`` (itself included), at most ``max_depth`` levels down.

    Skips VCS and tool caches and ``node_modules``, and does not look inside a venv it found.
    """
    start = Path(root).expanduser()
    if not start.is_dir():
        raise UsageError(f"not a directory: {start}")
    found: list[Path] = []
    stack: list[tuple[Path, int]] = [(start, 0)]
    while stack:
        directory, depth = stack.pop()
        if (directory / "pyvenv.cfg").is_file():
            found.append(directory)
            continue
        if depth >= max_depth:
            continue
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        for entry in entries:
            if entry.name in _SKIP_DIRS:
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), depth + 1))
            except OSError:
                continue
    return sorted(found)
