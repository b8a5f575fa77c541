"""What a benchmark runs: the requirements, the command lines of both tools, their environment.

Fairness is decided here. Both tools get the same index options, always spelled out
(``--index-url``, PyPI's unless told otherwise; ``--find-links``; ``--no-index``), and none of
the user's ``PIP_*`` or ``UV_*`` variables except those the network needs (certificates,
proxies, timeouts), so a mirror or cache set for one tool only cannot tilt the result. Neither
reads its configuration files (pip: ``PIP_CONFIG_FILE`` is the null device; uv: ``--no-config``)
except for the network settings in pip's (a proxy's certificate is often kept there), which are
passed on as ``PIP_*`` variables: a ``find-links`` or ``extra-index-url`` there would otherwise
give pip a local mirror that uv does not get. Each tool
otherwise runs with its defaults, as a user would type it (pip compiles bytecode as it installs,
uv does not).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core.env.categories import CATEGORIES, categorize
from envtui.core.env.requirements import RequirementEntry, RequirementSet, read_requirements
from envtui.core.errors import UsageError

#: The index both tools use when no index option is given.
DEFAULT_INDEX = "https://pypi.org/simple"
#: Variables of the user's shell that would steer the interpreter rather than the tools.
_DROPPED = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "PYTHONHOME", "PYTHONUSERBASE")
#: The tools' own variables that are kept: how to reach the network, not what to install.
_NETWORK = frozenset(
    {
        "PIP_CERT",
        "PIP_CLIENT_CERT",
        "PIP_PROXY",
        "PIP_TRUSTED_HOST",
        "PIP_DEFAULT_TIMEOUT",
        "PIP_TIMEOUT",
        "PIP_RETRIES",
        "PIP_KEYRING_PROVIDER",
        "UV_NATIVE_TLS",
        "UV_HTTP_TIMEOUT",
        "UV_HTTP_RETRIES",
        "UV_INSECURE_HOST",
        "UV_KEYRING_PROVIDER",
    }
)


@dataclass(frozen=True)
class BenchOptions:
    """What the user asked to compare."""

    requirements: tuple[Path, ...]
    """Requirements files (or ``pyproject.toml``) to install, all together."""
    python: Path
    """The interpreter the throwaway venvs are made from (``python -m venv``)."""
    runs: int = 3
    index_url: str | None = None
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    category_overrides: Mapping[str, str] = field(default_factory=dict)
    temp_parent: Path | None = None
    """Where the temporary directory goes (default: the system's, ``$TMPDIR``)."""

    def index_args(self) -> list[str]:
        """The index options, spelled the same for pip and uv (PyPI unless told otherwise)."""
        args: list[str] = []
        if self.index_url or not self.no_index:
            args += ["--index-url", self.index_url or DEFAULT_INDEX]
        for location in self.find_links:
            args += ["--find-links", location]
        if self.no_index:
            args.append("--no-index")
        return args


@dataclass
class RequirementsPlan:
    """The requirements as one file both tools read, and their entries for the category rows."""

    lines: list[str]
    """The combined file: ``-r FILE`` for requirements files, the requirements of a pyproject."""
    entries: list[RequirementEntry]
    options: list[str]
    """Options lines of the files (``--index-url …``), repeated in each category's file."""
    cwd: Path
    """Where the tools run: the first file's directory, so relative paths in it work."""


def plan_requirements(paths: Sequence[Path]) -> RequirementsPlan:
    """Read the files (a file that cannot be read, or a requirement that cannot be parsed, is a UsageError)."""
    if not paths:
        raise UsageError(
            "no requirements to benchmark",
            cause="name a requirements file, or set 'requirements' in envtui.toml",
        )
    wanted = RequirementSet()
    lines: list[str] = []
    for path in paths:
        if not path.is_file():
            raise UsageError(f"no such requirements file: {path}")
        found = read_requirements(path)
        wanted.extend(found)
        if path.name == "pyproject.toml":
            lines += [entry.text for entry in found.entries]
        else:
            lines.append(f"-r {path.resolve()}")
    if wanted.errors:
        first = wanted.errors[0]
        raise UsageError(f"invalid requirement at {first.source}:{first.line}", cause=first.message)
    entries = [entry for entry in wanted.entries if not entry.constraint]
    if not entries:
        raise UsageError("no requirements to benchmark", cause=f"{paths[0]} names no package")
    return RequirementsPlan(lines, entries, list(dict.fromkeys(wanted.options)), paths[0].resolve().parent)


def group_by_category(
    entries: Sequence[RequirementEntry], overrides: Mapping[str, str] | None = None
) -> dict[str, list[RequirementEntry]]:
    """The requirements by category, in the reference's order; empty when they all share one."""
    groups: dict[str, list[RequirementEntry]] = {}
    for entry in entries:
        key = entry.key
        category = categorize(key, (), overrides) if key else "Utilities"
        groups.setdefault(category, []).append(entry)
    if len(groups) < 2:
        return {}
    order = {name: index for index, name in enumerate(CATEGORIES)}
    return dict(sorted(groups.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))


def pip_network_settings(config_list: str) -> dict[str, str]:
    """The network settings in ``pip config list`` output (``global.cert='/ca.pem'``) as ``PIP_*`` variables."""
    import ast

    settings: dict[str, str] = {}
    for line in config_list.splitlines():
        key, sep, value = line.partition("=")
        name = "PIP_" + key.rsplit(".", 1)[-1].strip().upper().replace("-", "_")
        if not sep or name not in _NETWORK:
            continue
        try:
            settings[name] = str(ast.literal_eval(value.strip()))
        except (ValueError, SyntaxError):
            continue
    return settings


def tool_env(base: Mapping[str, str], temp: Path) -> dict[str, str]:
    """The environment both tools run in: only their network settings kept, temp files under ``temp``."""
    env = {
        key: value
        for key, value in base.items()
        if (key in _NETWORK or not key.startswith(("PIP_", "UV_"))) and key not in _DROPPED
    }
    env.update(
        TMPDIR=str(temp),  # whatever a killed tool leaves behind is removed with the rest
        PIP_DISABLE_PIP_VERSION_CHECK="1",
        PIP_NO_INPUT="1",
        PIP_CONFIG_FILE=os.devnull,
        UV_NO_PROGRESS="1",
    )
    return env


def venv_python(venv: Path) -> Path:
    """A venv's interpreter."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def pip_install(venv: Path, requirements: Path, cache: Path, index: Sequence[str]) -> list[str]:
    """pip installing the requirements into ``venv`` with its own cache directory."""
    python = str(venv_python(venv))
    return [python, "-m", "pip", "install", "--cache-dir", str(cache), *index, "-r", str(requirements)]


def uv_install(uv: str, venv: Path, requirements: Path, index: Sequence[str]) -> list[str]:
    """uv installing the requirements into ``venv`` (its cache comes from ``UV_CACHE_DIR``)."""
    python = str(venv_python(venv))
    return [uv, "pip", "install", "--no-config", "--python", python, *index, "-r", str(requirements)]


def pip_resolve(venv: Path, requirements: Path, cache: Path, index: Sequence[str], report: Path) -> list[str]:
    """pip resolving only: ``install --dry-run --report`` (ignoring what the venv holds)."""
    python = str(venv_python(venv))
    return [
        python,
        "-m",
        "pip",
        "install",
        "--dry-run",
        "--ignore-installed",
        "--report",
        str(report),
        "--cache-dir",
        str(cache),
        *index,
        "-r",
        str(requirements),
    ]


def uv_resolve(uv: str, venv: Path, requirements: Path, index: Sequence[str], output: Path) -> list[str]:
    """uv resolving only: ``uv pip compile`` for the venv's interpreter."""
    python = str(venv_python(venv))
    return [
        uv,
        "pip",
        "compile",
        "--no-config",
        "--python",
        python,
        "--no-header",
        "--output-file",
        str(output),
        *index,
        str(requirements),
    ]
