"""Run the benchmark: throwaway venvs under one temporary directory, removed whatever happens.

Every venv is a copy of one template made with ``python -m venv`` and the pip it seeds (the
wheels bundled with ensurepip), so making venvs is never timed. Each run measures, alternating which
tool goes first so a change in machine load hits both alike: a cold install (fresh venv, empty
cache), a warm install (fresh venv, the cache the cold install filled), resolution only, then
each category's requirements installed alone, cold. Only the tool's own process is timed.

Ctrl+C (KeyboardInterrupt) or the ``stop`` callback ends the running tool's whole process
group, removes the directory and returns what was measured so far, marked interrupted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core import process
from envtui.core.bench import plan as bench_plan
from envtui.core.bench.results import COLD, PIP, RESOLVE, UV, WARM, BenchReport, Row
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv

#: The progress callback is told about a running step at most this often (seconds).
TICK = 0.5
#: Last lines of a failing tool's output kept for the error message.
ERROR_TAIL = 12


@dataclass(frozen=True)
class Progress:
    """Where a benchmark is: shown while it runs (it takes minutes on real projects)."""

    step: int
    """The step running (or just finished), from 1; 0 while preparing."""
    total: int
    label: str
    elapsed: float
    """Seconds the step has run so far, or took when ``done``."""
    done: bool = False
    report: BenchReport | None = field(default=None, compare=False, repr=False)
    """The report so far; read it only in the callback (the benchmark's thread writes to it)."""


ProgressCallback = Callable[[Progress], None]


class ToolFailed(EnvtuiError):
    """pip or uv failed on the requirements: the comparison cannot go on."""


def _load() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def _count_installed(venv: Path) -> int:
    """Distributions in the venv's site-packages."""
    return sum(1 for _ in venv.glob("lib/python*/site-packages/*.dist-info")) + sum(
        1 for _ in venv.glob("Lib/site-packages/*.dist-info")
    )


def _link_or_copy(source: str, target: str) -> None:
    """Hard-link a template file (instant; the tools replace files, they never write into them)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _remove(path: Path) -> None:
    """Remove a directory tree; a second ctrl+c must not leave half of it behind."""
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        shutil.rmtree(path, ignore_errors=True)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)


class _Bench:
    """One benchmark in progress: its directory, its counters, its report."""

    def __init__(
        self,
        options: bench_plan.BenchOptions,
        uv: Uv,
        report: BenchReport,
        root: Path,
        on_progress: ProgressCallback | None,
        stop: Callable[[], bool] | None,
    ) -> None:
        self.options = options
        self.uv = uv
        self.report = report
        self.root = root
        self.on_progress = on_progress
        self.stop = stop
        self.env = bench_plan.tool_env(os.environ, root / "tmp")
        self.index = options.index_args()
        self.template = root / "template"
        self.step = 0
        self.total = 0
        self.serial = 0

    # ------------------------------------------------------------------ plumbing

    def _tell(self, label: str, elapsed: float, done: bool = False) -> None:
        if self.on_progress is not None:
            self.on_progress(Progress(self.step, self.total, label, elapsed, done, self.report))

    def _run(self, label: str, argv: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> float:
        """Run one command, telling progress while it runs; its wall time, or ToolFailed."""
        self.serial += 1
        log = self.root / "logs" / f"{self.serial:04d}.log"
        started = time.perf_counter()
        last_tick = started

        def poll() -> bool:
            nonlocal last_tick
            now = time.perf_counter()
            if now - last_tick >= TICK:
                last_tick = now
                self._tell(label, now - started)
            return bool(self.stop and self.stop())

        with open(log, "wb") as out:
            result = process.run_group(
                argv, output=out.fileno(), env=env or self.env, cwd=str(cwd or self.plan.cwd), stop=poll
            )
        if not result.ok:
            tail = log.read_text("utf-8", "replace").strip().splitlines()[-ERROR_TAIL:]
            last = next((line.strip() for line in reversed(tail) if line.strip()), f"exit status {result.returncode}")
            raise ToolFailed(f"{label} failed (exit status {result.returncode})", cause=last)
        return result.duration

    def _fresh_venv(self, name: str) -> Path:
        """A copy of the template venv (copying is quick; ``python -m venv`` takes seconds)."""
        target = self.root / "venvs" / name
        shutil.copytree(self.template, target, symlinks=True, copy_function=_link_or_copy)
        return target

    def _prepare(self) -> None:
        """The template venv, the versions, the requirements files."""
        for sub in ("tmp", "logs", "venvs", "caches"):
            (self.root / sub).mkdir()
        self._tell(f"preparing: {self.options.python} -m venv", 0.0)
        self._make_template()
        python = bench_plan.venv_python(self.template)
        # pip's configuration files are off; what they say about the network is passed on.
        user_env = {k: v for k, v in self.env.items() if not k.startswith("PIP_")}
        listed = process.run([str(python), "-m", "pip", "config", "list"], env=user_env, timeout=120)
        if listed.ok:
            found = bench_plan.pip_network_settings(listed.stdout)
            self.env.update({key: value for key, value in found.items() if key not in self.env})
        pip = process.run([str(python), "-m", "pip", "--version"], env=self.env, timeout=120)
        self.report.pip_version = pip.stdout.split()[1] if pip.ok and len(pip.stdout.split()) > 1 else "?"
        version = process.run([str(python), "-c", "import platform; print(platform.python_version())"], timeout=60)
        self.report.python = version.stdout.strip()
        self.report.uv_version = self.uv.version()
        self.base_installed = _count_installed(self.template)
        self.requirements = self.root / "requirements.txt"
        self.requirements.write_text("\n".join(self.plan.lines) + "\n", encoding="utf-8")
        self.category_files: dict[str, Path] = {}
        for index, (category, entries) in enumerate(self.groups.items()):
            path = self.root / f"category-{index}.txt"
            path.write_text("\n".join([*self.plan.options, *(e.text for e in entries)]) + "\n", encoding="utf-8")
            self.category_files[category] = path
            self.report.categories[category] = Row(category, category, requirements=len(entries))

    def _make_template(self) -> None:
        """A venv holding the pip ``python -m venv`` would put in it: the wheels bundled with ensurepip.

        ``python -m venv`` installs them with pip itself, which takes seconds; here uv installs
        the same wheels, compiled as ensurepip compiles them. Without bundled wheels (some Linux
        distributions remove them) ensurepip runs as ``python -m venv`` would run it.
        """
        python = str(bench_plan.venv_python(self.template))
        self._run("python -m venv", [str(self.options.python), "-m", "venv", "--without-pip", str(self.template)])
        found = process.run(
            [
                python,
                "-c",
                "import ensurepip, os; print(os.path.join(os.path.dirname(ensurepip.__file__), '_bundled'))",
            ],
            env=self.env,
            timeout=120,
        )
        bundled = Path(found.stdout.strip()) if found.ok else None
        wheels = sorted(bundled.glob("*.whl")) if bundled and bundled.is_dir() else []
        if not wheels:
            self.report.pip_source = "ensurepip"
            self._run("python -m ensurepip", [python, "-m", "ensurepip", "--default-pip"])
            return
        self.report.pip_source = "ensurepip's bundled wheels"
        names = [wheel.name.split("-", 1)[0] for wheel in wheels]
        argv = self.uv.pip("install", python, "--no-config", "--no-index", "--find-links", str(bundled))
        argv += ["--compile-bytecode", "--", *names]
        self._run("seeding pip", argv, env={**self.env, "UV_CACHE_DIR": str(self.root / "caches" / "template")})

    # ------------------------------------------------------------------ measuring

    def measure(self) -> None:
        """Every run, every phase, both tools."""
        self.plan = bench_plan.plan_requirements(self.options.requirements)
        self.groups = bench_plan.group_by_category(self.plan.entries, self.options.category_overrides)
        runs = self.options.runs
        self.total = runs * (6 + 2 * len(self.groups))
        self._prepare()
        for run in range(runs):
            order = (PIP, UV) if run % 2 == 0 else (UV, PIP)
            caches = {tool: self.root / "caches" / f"{tool}-{run}" for tool in order}
            suffix = f"run {run + 1}/{runs}"
            self._phase(COLD, order, caches, self.requirements, suffix, f"{run}-cold", count=True)
            self._phase(WARM, order, caches, self.requirements, suffix, f"{run}-warm", count=True)
            self._resolve(order, caches, suffix, run)
            for cache in caches.values():
                shutil.rmtree(cache, ignore_errors=True)
            for index, (category, path) in enumerate(self.category_files.items()):
                fresh = {tool: self.root / "caches" / f"{tool}-{run}-{index}" for tool in order}
                self._phase(category, order, fresh, path, suffix, f"{run}-cat{index}", count=True)
                for cache in fresh.values():
                    shutil.rmtree(cache, ignore_errors=True)
            self.report.completed_runs = run + 1

    def _row(self, key: str) -> Row:
        return self.report.phases.get(key) or self.report.categories[key]

    def _phase(
        self,
        key: str,
        order: tuple[str, ...],
        caches: dict[str, Path],
        requirements: Path,
        suffix: str,
        name: str,
        *,
        count: bool = False,
    ) -> None:
        """Install ``requirements`` into a fresh venv with each tool, using (and filling) ``caches``."""
        row = self._row(key)
        for tool in order:
            self.step += 1
            venv = self._fresh_venv(f"{name}-{tool}")
            label = f"{row.label.lower() if key in self.report.phases else row.label} · {tool} · {suffix}"
            if tool == PIP:
                argv = bench_plan.pip_install(venv, requirements, caches[tool], self.index)
                seconds = self._run(label, argv)
            else:
                argv = bench_plan.uv_install(self.uv.binary, venv, requirements, self.index)
                seconds = self._run(label, argv, env={**self.env, "UV_CACHE_DIR": str(caches[tool])})
                if count:
                    row.packages = _count_installed(venv) - self.base_installed
            row.add(tool, seconds)
            self._tell(label, seconds, done=True)
            shutil.rmtree(venv, ignore_errors=True)

    def _resolve(self, order: tuple[str, ...], caches: dict[str, Path], suffix: str, run: int) -> None:
        """Resolution only, with the caches the installs filled."""
        row = self.report.phases[RESOLVE]
        for tool in order:
            self.step += 1
            label = f"resolution · {tool} · {suffix}"
            output = self.root / f"resolved-{run}-{tool}"
            if tool == PIP:
                argv = bench_plan.pip_resolve(self.template, self.requirements, caches[tool], self.index, output)
                seconds = self._run(label, argv)
                try:
                    row.packages = row.packages or len(json.loads(output.read_text("utf-8"))["install"])
                except (OSError, ValueError, KeyError, TypeError):
                    pass
            else:
                argv = bench_plan.uv_resolve(self.uv.binary, self.template, self.requirements, self.index, output)
                seconds = self._run(label, argv, env={**self.env, "UV_CACHE_DIR": str(caches[tool])})
                pinned = [line for line in output.read_text("utf-8").splitlines() if "==" in line]
                row.packages = len(pinned)
            row.add(tool, seconds)
            self._tell(label, seconds, done=True)


def run_bench(
    options: bench_plan.BenchOptions,
    *,
    uv: Uv | None = None,
    on_progress: ProgressCallback | None = None,
    stop: Callable[[], bool] | None = None,
) -> BenchReport:
    """Compare pip and uv on the options' requirements; the temporary directory never outlives this.

    Bad input (no requirements, an unreadable file, ``runs`` below 1) raises UsageError before
    anything runs. A tool that fails ends the benchmark with ``report.error`` set; ctrl+c or
    ``stop`` ends it with ``report.interrupted`` set. Either way the report holds every run
    that finished.
    """
    if options.runs < 1:
        from envtui.core.errors import UsageError

        raise UsageError(f"--runs must be at least 1, not {options.runs}")
    bench_plan.plan_requirements(options.requirements)  # bad input fails before any directory exists
    uv = uv or Uv()
    report = BenchReport(
        requirements=[str(p) for p in options.requirements],
        runs=options.runs,
        index_args=options.index_args(),
        cpus=os.cpu_count(),
        load_before=_load(),
    )
    root = Path(tempfile.mkdtemp(prefix="envtui-bench-", dir=options.temp_parent))
    try:
        _Bench(options, uv, report, root, on_progress, stop).measure()
    except (KeyboardInterrupt, process.Stopped):
        report.interrupted = True
    except EnvtuiError as exc:
        report.error = f"{exc.message}: {exc.cause}" if exc.cause else exc.message
    finally:
        _remove(root)
        report.load_after = _load()
    return report
