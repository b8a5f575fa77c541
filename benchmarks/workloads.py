"""What the benchmarks measure on, built from nothing in one directory.

- ``install/``: envtui installed from this checkout with ``uv pip install --compile-bytecode``
  (its console script is what a user runs), with pip beside it for the comparisons. Offline, or
  when no index answers, envtui is installed the same way but its dependencies are shared from
  the interpreter running the benchmark (through a ``.pth`` file) and compiled with
  ``compileall``; ``install_mode`` says which.
- ``venv-60``, ``venv-2000``, ``venv-10000``: real venvs of synthetic distributions, each with up
  to three ``Requires-Dist`` on the others, a one-line summary and an importable module, and a
  few with a requirement that is not installed.
- ``wheels/``: a local wheelhouse: ``benchapp`` needing 39 others (40 wheels to install at once)
  and ``extraNN`` wheels with no dependencies, for jobs that must change something.
- ``flood/``: a project whose (trusted) before-change hook prints as many lines as asked: a
  job's output at full speed, through the real engine, into the real log pane.
"""

from __future__ import annotations

import compileall
import importlib.metadata
import json
import os
import re
import shutil
import site
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks._common import ROOT, clean_env
from tests.factory import WheelSpec, build_wheelhouse, make_synthetic_venv, make_venv, site_packages

#: Sizes of the synthetic venvs.
SMALL, MEDIUM, LARGE = 60, 2000, 10000
#: The packages ``benchapp`` pulls in, and the standalone ones jobs install one by one.
DEPENDENCIES, EXTRAS = 39, 40

FLOOD_SCRIPT = '''\
"""Print the lines a benchmark asks for (flood.json), as fast as a child process can."""
import json, sys, time
from pathlib import Path

params = json.loads((Path(__file__).parent / "flood.json").read_text())
Path(params["started"]).write_text(repr(time.perf_counter()))
write = sys.stdout.write
line = " (12.3 MiB) ............................................\\n"
for start in range(0, params["lines"], 1000):
    write("".join(f"Downloading package-{i}{line}" for i in range(start, min(start + 1000, params["lines"]))))
write(params["marker"] + "\\n")
sys.stdout.flush()
time.sleep(params["hold"])
'''

FLOOR_APP = '''\
"""A bare Textual app that paints one line: the floor for start-up."""
from textual.app import App
from textual.widgets import Static


class Floor(App[None]):
    def compose(self):
        yield Static("textual floor: first paint")


Floor().run()
'''


KEY_FLOOR_APP = '''\
"""A bare Textual app echoing keys into an Input, with their count: the floor for a keystroke."""
from textual.app import App
from textual.widgets import Input, Static


class KeyFloor(App[None]):
    def compose(self):
        yield Input(placeholder="key floor")
        yield Static("typed 0", id="count")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#count", Static).update(f"typed {len(event.value)}")


KeyFloor().run()
'''


@dataclass
class Workloads:
    """Paths and facts about everything built."""

    work: Path
    python: Path
    """The installed interpreter (envtui, pip and the Textual floor all run on it)."""
    envtui: Path
    """The console script."""
    install_mode: str
    uv: str
    venvs: dict[int, Path] = field(default_factory=dict)
    wheelhouse: Path = Path()
    flood_venv: Path = Path()
    flood_project: Path = Path()
    install_venv: Path = Path()
    project: Path = Path()
    """A directory with an ordinary ``pyproject.toml`` and no envtui configuration: where commands run."""
    floor_app: Path = Path()
    key_floor_app: Path = Path()
    env: dict[str, str] = field(default_factory=dict)
    """The environment measured commands run in (offline uv, private state and cache)."""
    versions: dict[str, str] = field(default_factory=dict)

    def flood(self, lines: int, hold: float, marker: str) -> Path:
        """Set what the next job's hook prints: ``lines`` lines, then ``marker``, then a pause of
        ``hold`` seconds; returns the file it stamps with ``time.perf_counter()`` as it starts."""
        started = self.work / "flood-started"
        started.unlink(missing_ok=True)
        (self.flood_project / "flood.json").write_text(
            json.dumps({"lines": lines, "hold": hold, "started": str(started), "marker": marker})
        )
        return started


def build(work: Path, *, offline: bool, log=print) -> Workloads:
    """Build (or reuse, where they are already complete) every workload under ``work``."""
    from envtui.core.uv import find_uv

    work.mkdir(parents=True, exist_ok=True)
    uv = find_uv()
    log("installing envtui from this checkout (uv pip install --compile-bytecode)…")
    with ThreadPoolExecutor(max_workers=1) as pool:
        # uv builds, installs and compiles in child processes meanwhile: the second core is busy too.
        installing = pool.submit(install, work / "install", uv, offline=offline)
        venvs = {}
        for count in (SMALL, MEDIUM, LARGE):
            path = venvs[count] = work / f"venv-{count}"
            if not (path / "done").is_file():
                log(f"writing a venv of {count:,} synthetic distributions…")
                shutil.rmtree(path, ignore_errors=True)
                make_synthetic_venv(path, count, modules=True, unmet=max(1, count // 400))
                (path / "done").write_text("")
        wheels = wheelhouse(work / "wheels")
        flood_venv = _venv_with(work / "venv-flood", wheels, ["benchapp"])
        install_venv = _venv_with(work / "venv-install", wheels, [])
        python, mode = installing.result()
    env = clean_env(
        {
            "ENVTUI_STATE_DIR": str(work / "state"),
            "UV_CACHE_DIR": str(work / "uv-cache"),
            "UV_OFFLINE": "1",
            "UV_FIND_LINKS": str(work / "wheels"),
        }
    )
    if not (python.parent / "uv").is_file():  # dependencies shared: the uv package's binary is elsewhere
        env["ENVTUI_UV"] = uv
    loads = Workloads(work=work, python=python, envtui=python.parent / "envtui", install_mode=mode, uv=uv, env=env)
    loads.venvs.update(venvs)
    loads.wheelhouse, loads.flood_venv, loads.install_venv = wheels, flood_venv, install_venv
    # Jobs install the extras one by one: none may be there already, or the job changes nothing.
    extras = [f"extra{i:02d}" for i in range(EXTRAS)]
    subprocess.run(
        [uv, "pip", "uninstall", "--python", str(loads.flood_venv / "bin" / "python"), "--", *extras],
        env=env,
        capture_output=True,
        check=False,
    )
    loads.project = work / "project"
    loads.project.mkdir(exist_ok=True)
    (loads.project / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "0.1"\n')
    loads.floor_app = work / "textual_floor.py"
    loads.floor_app.write_text(FLOOR_APP)
    loads.key_floor_app = work / "textual_key_floor.py"
    loads.key_floor_app.write_text(KEY_FLOOR_APP)
    loads.flood_project = work / "flood"
    flood_project(loads.flood_project, python, loads)
    loads.versions = versions(python, uv)
    return loads


def install(venv: Path, uv: str, *, offline: bool) -> tuple[Path, str]:
    """envtui and pip installed with compiled bytecode; returns the interpreter and how it was done.

    envtui's wheel is built from this checkout with the running interpreter's build backend (so
    building needs no index), then installed with ``uv pip install --compile-bytecode``.
    """
    python = venv / "bin" / "python"
    if not (venv / "pyvenv.cfg").is_file():
        subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    user_env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    dist = venv.parent / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    subprocess.run(
        [uv, "build", "--quiet", "--wheel", "--no-build-isolation", "--python", sys.executable, "--out-dir", str(dist)],
        cwd=ROOT,
        env=user_env,
        check=True,
        capture_output=True,
    )
    wheel = str(next(dist.glob("envtui-*.whl")))
    command = [uv, "pip", "install", "--quiet", "--python", str(python), "--compile-bytecode"]
    command += ["--reinstall-package", "envtui"]
    shared = site_packages(venv) / "_benchmark_shared.pth"
    attempts = [["--offline"]] + ([] if offline else [[]])
    for extra in attempts:
        if shared.exists():
            break  # an earlier run shared its packages: keep doing so
        done = subprocess.run([*command, *extra, wheel, "pip"], env=user_env, capture_output=True, check=False)
        if done.returncode == 0:
            return python, "uv pip install --compile-bytecode"
    # No index and no cache: share the running interpreter's packages, compiled.
    shared.write_text("\n".join(site.getsitepackages()) + "\n")
    bundled = sorted((Path(sys.base_prefix) / "lib").glob("python3*/ensurepip/_bundled/pip-*.whl"))
    subprocess.run(
        [*command, "--offline", "--no-deps", wheel, *[str(w) for w in bundled[-1:]]],
        env=user_env,
        check=True,
        capture_output=True,
    )
    for directory in _dependency_dirs("envtui"):
        compileall.compile_dir(str(directory), quiet=1, workers=0)
    return python, "envtui: uv pip install --compile-bytecode; dependencies shared (offline), compileall"


def _dependency_dirs(name: str) -> list[Path]:
    """The top-level package directories of ``name``'s dependencies, recursively."""
    seen: set[str] = set()
    todo = [name]
    dirs: set[Path] = set()
    while todo:
        current = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if current in seen:
            continue
        seen.add(current)
        try:
            dist = importlib.metadata.distribution(current)
        except importlib.metadata.PackageNotFoundError:
            continue
        for requirement in dist.requires or []:
            if "extra ==" not in requirement:
                match = re.match(r"[A-Za-z0-9._-]+", requirement)
                if match:
                    todo.append(match.group(0))
        if current == name:
            continue
        for file in dist.files or []:
            if file.suffix == ".py" and ".." not in file.parts:
                top = Path(str(dist.locate_file(file.parts[0])))
                dirs.add(top if top.is_dir() else top.parent)
    return sorted(dirs)


def wheelhouse(directory: Path) -> Path:
    """``benchapp`` with its 39 dependencies, and the standalone ``extraNN`` wheels."""
    if (directory / "done").is_file():
        return directory
    deps = [f"benchdep{i:02d}" for i in range(1, DEPENDENCIES + 1)]
    specs = [WheelSpec("benchapp", "1.0", requires=deps, summary="Needs 39 others")]
    specs += [WheelSpec(name, "1.0", summary=f"Dependency {name}") for name in deps]
    specs += [WheelSpec(f"extra{i:02d}", "1.0", summary="Installed by a job") for i in range(EXTRAS)]
    build_wheelhouse(directory, specs)
    (directory / "done").write_text("")
    return directory


def _venv_with(path: Path, wheels: Path, install: list[str]) -> Path:
    if not (path / "done").is_file():
        shutil.rmtree(path, ignore_errors=True)
        make_venv(path, wheels, install)
        (path / "done").write_text("")
    return path


def flood_project(directory: Path, python: Path, loads: Workloads) -> None:
    """A project whose trusted before-change hook floods the job log."""
    directory.mkdir(exist_ok=True)
    (directory / "flood.py").write_text(FLOOD_SCRIPT)
    config = directory / "envtui.toml"
    config.write_text(
        f"venv = {json.dumps(str(loads.flood_venv))}\n"
        "[hooks]\n"
        f"before-change = [{json.dumps(str(python))}, {json.dumps(str(directory / 'flood.py'))}]\n"
    )
    subprocess.run([str(loads.envtui), "trust", str(config)], env=loads.env, check=True, capture_output=True)
    loads.flood(0, 0, "flood-end")


def versions(python: Path, uv: str) -> dict[str, str]:
    """Versions of what is measured."""
    code = (
        "import sys, importlib.metadata as m\n"
        "print(sys.version.split()[0])\n"
        "for name in ('envtui', 'textual', 'rich', 'pip'):\n"
        "    print(m.version(name))\n"
    )
    out = subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.split()
    uv_version = subprocess.run([uv, "--version"], capture_output=True, text=True, check=True).stdout.split()[1]
    return dict(zip(("python", "envtui", "textual", "rich", "pip"), out, strict=False)) | {"uv": uv_version}
