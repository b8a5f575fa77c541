"""Build tiny valid wheels and real venvs for tests and benchmarks, with no network.

``build_wheel`` writes a spec-conforming wheel (METADATA, WHEEL, RECORD with hashes) with
``zipfile``; ``make_venv`` creates a venv with the real uv and installs from a local wheelhouse
with ``--no-index --find-links``; ``make_synthetic_venv`` writes thousands of ``.dist-info``
directories straight into a real venv for speed work.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from packaging.utils import canonicalize_name


def uv_bin() -> str:
    """The uv the project itself would use."""
    from envtui.core.uv import find_uv

    return find_uv()


@dataclass
class WheelSpec:
    """What one fixture wheel contains."""

    name: str
    version: str
    requires: Sequence[str] = ()
    summary: str = ""
    classifiers: Sequence[str] = ()
    files: Mapping[str, str] = field(default_factory=dict)
    """Extra files (path in the wheel -> text); by default one module named after the package."""
    extra_metadata: Sequence[str] = ()
    top_level_txt: bool = True
    """Whether the wheel carries ``top_level.txt`` (setuptools writes it; most backends today do not)."""


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def metadata_text(spec: WheelSpec) -> str:
    """The METADATA file of a spec."""
    lines = ["Metadata-Version: 2.1", f"Name: {spec.name}", f"Version: {spec.version}"]
    if spec.summary:
        lines.append(f"Summary: {spec.summary}")
    lines += [f"Classifier: {c}" for c in spec.classifiers]
    lines += [f"Requires-Dist: {r}" for r in spec.requires]
    lines += list(spec.extra_metadata)
    return "\n".join(lines) + "\n\n"


def build_wheel(directory: Path, spec: WheelSpec) -> Path:
    """Write ``spec`` as a wheel into ``directory`` and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    dist = canonicalize_name(spec.name).replace("-", "_")
    module = spec.files or {f"{dist}/__init__.py": f'__version__ = "{spec.version}"\n'}
    info = f"{dist}-{spec.version}.dist-info"
    contents: dict[str, bytes] = {path: text.encode() for path, text in module.items()}
    contents[f"{info}/METADATA"] = metadata_text(spec).encode()
    contents[f"{info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: envtui-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    )
    top = sorted({p.split("/", 1)[0].removesuffix(".py") for p in module if not p.endswith(".pth")})
    if spec.top_level_txt:
        contents[f"{info}/top_level.txt"] = ("\n".join(top) + "\n").encode()
    record = [_record_line(path, data) for path, data in contents.items()] + [f"{info}/RECORD,,"]
    contents[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    target = directory / f"{dist}-{spec.version}-py3-none-any.whl"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in contents.items():
            archive.writestr(path, data)
    return target


def build_wheelhouse(directory: Path, specs: Iterable[WheelSpec]) -> Path:
    """Build every spec into one find-links directory."""
    for spec in specs:
        build_wheel(directory, spec)
    return directory


def uv_env() -> dict[str, str]:
    """The environment for uv in tests: offline, quiet, the user's settings otherwise kept."""
    env = dict(os.environ)
    env.setdefault("UV_NO_PROGRESS", "1")
    env["UV_OFFLINE"] = "1"
    return env


def make_venv(
    path: Path, wheelhouse: Path | None = None, install: Sequence[str] = (), python: str | None = None
) -> Path:
    """Create a venv with the real uv; install ``install`` from ``wheelhouse`` with no index."""
    subprocess.run(
        [uv_bin(), "venv", "--quiet", "--python", python or sys.executable, str(path)],
        check=True,
        env=uv_env(),
        capture_output=True,
    )
    if install:
        assert wheelhouse is not None
        install_into(path, wheelhouse, install)
    return path


def install_into(venv: Path, wheelhouse: Path, specs: Sequence[str], *extra: str) -> None:
    """``uv pip install --no-index --find-links WHEELHOUSE -- SPECS`` into ``venv``."""
    result = subprocess.run(
        [
            uv_bin(),
            "pip",
            "install",
            "--python",
            str(venv / "bin" / "python"),
            "--no-index",
            "--find-links",
            str(wheelhouse),
            *extra,
            "--",
            *specs,
        ],
        env=uv_env(),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"uv pip install failed: {result.stderr}")


def project_uv_env(wheelhouse: Path) -> dict[str, str]:
    """uv's environment for project commands in tests: offline, the wheelhouse as the only index."""
    env = uv_env()
    env.update(UV_NO_INDEX="1", UV_FIND_LINKS=str(wheelhouse))
    env.pop("VIRTUAL_ENV", None)
    return env


def make_project(
    path: Path,
    wheelhouse: Path,
    dependencies: Sequence[str] = (),
    *,
    dev: Sequence[str] = (),
    groups: Mapping[str, Sequence[str]] | None = None,
    optional: Mapping[str, Sequence[str]] | None = None,
    name: str = "proj",
    package: bool = False,
) -> Path:
    """A real uv project at ``path`` (pyproject.toml, uv.lock, .venv) made by ``uv init`` and ``uv add``.

    Offline, from the wheelhouse; a virtual project (no build system), so nothing is built, unless
    ``package``: then the project is itself installed (editable), built by a backend in its tree.
    """
    env = project_uv_env(wheelhouse)

    def uv(*args: str) -> None:
        result = subprocess.run([uv_bin(), *args], cwd=path, env=env, capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"uv {args[0]} failed: {result.stderr}")

    path.mkdir(parents=True, exist_ok=True)
    uv("init", "--bare", "--no-workspace", "--name", name, "--python", sys.executable, ".")
    if package:
        (path / "_build").mkdir()
        shutil.copy(Path(__file__).parent / "fixtures" / "in_tree_backend.py", path / "_build" / "backend.py")
        (path / "src" / name).mkdir(parents=True)
        (path / "src" / name / "__init__.py").write_text("")
        with (path / "pyproject.toml").open("a") as pyproject:
            pyproject.write('\n[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["_build"]\n')
    uv("venv", "--quiet", "--python", sys.executable, ".venv")
    sections: list[tuple[list[str], Sequence[str]]] = [([], dependencies), (["--dev"], dev)]
    sections += [(["--group", group], specs) for group, specs in (groups or {}).items()]
    sections += [(["--optional", extra], specs) for extra, specs in (optional or {}).items()]
    for flags, specs in sections:
        if specs:
            uv("add", *flags, "--", *specs)
    if not (path / "uv.lock").exists():
        uv("lock")
    if package:
        uv("sync")  # the project itself, installed editable
    return path


def run_uv(project: Path, wheelhouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``uv ARGS`` in a project directory, offline from the wheelhouse (as its owner would)."""
    return subprocess.run(
        [uv_bin(), *args], cwd=project, env=project_uv_env(wheelhouse), capture_output=True, text=True
    )


def site_packages(venv: Path) -> Path:
    """The venv's site-packages directory."""
    return next((venv / "lib").glob("python*/site-packages"))


def _write(path: str, text: str) -> None:
    """Write a new small file (the synthetic venvs write tens of thousands: no ``open()`` per file)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def make_synthetic_venv(
    path: Path, count: int, *, seed_requires: int = 3, modules: bool = False, unmet: int = 0
) -> Path:
    """A real (uv-made) venv holding ``count`` synthetic distributions written directly.

    Each package ``synthNNNNN`` requires up to ``seed_requires`` lower-numbered ones, so the
    graph has depth, dependents and top-level packages like a real environment. With
    ``modules`` each also installs an importable module of its name (listed in its RECORD and
    ``top_level.txt``); ``unmet`` packages, spread evenly, require one that is not installed.
    """
    make_venv(path)
    site = site_packages(path)
    categories = (
        "Topic :: Database",
        "Framework :: FastAPI",
        "Topic :: Software Development :: Testing",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
        "Topic :: Utilities",
    )
    broken = {round((k + 0.5) * count / unmet) for k in range(unmet)} if unmet else set()
    wheel = "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    for i in range(count):
        name = f"synth{i:05d}"
        version = f"1.{i % 7}.0"
        info_name = f"{name}-{version}.dist-info"
        info = os.path.join(site, info_name)
        os.mkdir(info)
        requires = [f"synth{(i * 7 + k * 13) % i:05d}>=1.0" for k in range(seed_requires)] if i > 10 else []
        if i in broken:
            requires.append(f"missing{i:05d}>=1.0")
        spec = WheelSpec(
            name,
            version,
            requires=sorted(set(requires)),
            summary=f"Synthetic package number {i} for speed tests",
            classifiers=[categories[i % len(categories)], "License :: OSI Approved :: MIT License"],
            extra_metadata=['Requires-Dist: pytest; extra == "test"'],
        )
        _write(os.path.join(info, "METADATA"), metadata_text(spec))
        _write(os.path.join(info, "INSTALLER"), "uv\n")
        record = f"{info_name}/METADATA,,\n"
        if modules:
            _write(os.path.join(site, f"{name}.py"), f'__version__ = "{version}"\n')
            _write(os.path.join(info, "top_level.txt"), f"{name}\n")
            record += f"{name}.py,,\n{info_name}/top_level.txt,,\n"
        _write(os.path.join(info, "RECORD"), record)
        _write(os.path.join(info, "WHEEL"), wheel)
    return path


def run_envtui(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the CLI as a user would (``python -m envtui``), capturing output."""
    return subprocess.run(
        [sys.executable, "-m", "envtui", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )
