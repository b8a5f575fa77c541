"""What a benchmark measured: samples per tool and phase, their medians, and the speedup.

The numbers are kept exactly as measured (seconds, unrounded); the speedup is the ratio of the
two medians, so ``speedup == pip / uv`` holds for every row of the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PIP, UV = "pip", "uv"
TOOLS: tuple[str, ...] = (PIP, UV)

COLD, WARM, RESOLVE = "cold_install", "warm_install", "resolution"
#: The phases in the order they run and are shown.
PHASES: tuple[str, ...] = (COLD, WARM, RESOLVE)
PHASE_LABELS: dict[str, str] = {
    COLD: "Cold install",
    WARM: "Warm install",
    RESOLVE: "Resolution",
}
PHASE_NOTES: dict[str, str] = {
    COLD: "fresh venv, empty cache",
    WARM: "fresh venv, cache kept",
    RESOLVE: "pip install --dry-run --report vs uv pip compile, cache kept",
}


@dataclass
class Samples:
    """Wall-clock seconds of each run of one tool in one row."""

    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        """The median run (the mean of the middle two for an even count); None before any run."""
        import statistics  # here: it brings fractions and decimal, which opening the TUI does not need

        return statistics.median(self.seconds) if self.seconds else None

    @property
    def low(self) -> float | None:
        """The fastest run."""
        return min(self.seconds) if self.seconds else None

    @property
    def high(self) -> float | None:
        """The slowest run."""
        return max(self.seconds) if self.seconds else None


@dataclass
class Row:
    """One line of the table: a phase, or a category's cold install."""

    key: str
    """``cold_install``, ``warm_install``, ``resolution``, or a category's name."""
    label: str
    samples: dict[str, Samples] = field(default_factory=lambda: {tool: Samples() for tool in TOOLS})
    packages: int | None = None
    """Packages installed (or resolved) by the row's command, as uv counted them."""
    requirements: int | None = None
    """For a category row: how many of the file's requirements fall in the category."""

    def add(self, tool: str, seconds: float) -> None:
        """Record one run."""
        self.samples[tool].seconds.append(seconds)

    @property
    def speedup(self) -> float | None:
        """pip's median over uv's; None until both have run."""
        pip, uv = self.samples[PIP].median, self.samples[UV].median
        if pip is None or not uv:
            return None
        return pip / uv

    def to_json(self) -> dict:
        """``pip``, ``uv`` (median seconds) and ``speedup``, with the spread and every sample."""
        data: dict[str, object] = {"label": self.label}
        for tool in TOOLS:
            data[tool] = self.samples[tool].median
        data["speedup"] = self.speedup
        for tool in TOOLS:
            samples = self.samples[tool]
            data[f"{tool}_min"] = samples.low
            data[f"{tool}_max"] = samples.high
            data[f"{tool}_runs"] = list(samples.seconds)
        data["packages"] = self.packages
        if self.requirements is not None:
            data["requirements"] = self.requirements
        return data


@dataclass
class BenchReport:
    """Everything one ``envtui bench`` measured, complete or cut short."""

    requirements: list[str]
    runs: int
    python: str = ""
    pip_version: str = ""
    pip_source: str = ""
    """Where the venvs' pip came from: the wheels bundled with the interpreter's ensurepip."""
    uv_version: str = ""
    index_args: list[str] = field(default_factory=list)
    cpus: int | None = None
    load_before: tuple[float, float, float] | None = None
    load_after: tuple[float, float, float] | None = None
    phases: dict[str, Row] = field(default_factory=lambda: {key: Row(key, PHASE_LABELS[key]) for key in PHASES})
    categories: dict[str, Row] = field(default_factory=dict)
    """Per-category cold installs, in the reference's category order; empty when categories are not known."""
    completed_runs: int = 0
    interrupted: bool = False
    """Whether ctrl+c (or a cancel) stopped it before every run finished."""
    error: str | None = None
    """Why it stopped, when a tool failed."""

    def rows(self) -> list[tuple[Row, bool]]:
        """Every row in table order, each with whether it is a category row (shown indented)."""
        result: list[tuple[Row, bool]] = [(self.phases[COLD], False)]
        result += [(row, True) for row in self.categories.values()]
        result += [(self.phases[WARM], False), (self.phases[RESOLVE], False)]
        return result

    def to_json(self) -> dict:
        """The report as JSON: ``phases`` and ``categories`` hold rows with ``pip``, ``uv``, ``speedup``."""
        return {
            "requirements": self.requirements,
            "runs": self.runs,
            "completed_runs": self.completed_runs,
            "interrupted": self.interrupted,
            "error": self.error,
            "python": self.python,
            "pip_version": self.pip_version,
            "pip_source": self.pip_source,
            "uv_version": self.uv_version,
            "index": self.index_args,
            "machine": {
                "cpus": self.cpus,
                "load_before": list(self.load_before) if self.load_before else None,
                "load_after": list(self.load_after) if self.load_after else None,
            },
            "phases": {key: row.to_json() for key, row in self.phases.items()},
            "categories": {key: row.to_json() for key, row in self.categories.items()},
        }


def format_seconds(value: float | None) -> str:
    """``0.123 s``, ``1.23 s``, ``12.3 s``, ``123 s``; ``-`` when not measured."""
    if value is None:
        return "-"
    if value < 1:
        return f"{value:.3f} s"
    if value < 10:
        return f"{value:.2f} s"
    if value < 100:
        return f"{value:.1f} s"
    return f"{value:.0f} s"


def format_samples(samples: Samples) -> str:
    """The median with the range of the runs: ``1.23 s (1.20–1.31)``."""
    median = format_seconds(samples.median)
    if len(samples.seconds) < 2:
        return median
    return f"{median} ({format_seconds(samples.low)[:-2]}–{format_seconds(samples.high)[:-2]})"


def format_speedup(value: float | None) -> str:
    """``12.3x`` (or ``-``)."""
    if value is None:
        return "-"
    return f"{value:.1f}x" if value < 100 else f"{value:.0f}x"


def table_rows(report: BenchReport) -> list[list[str]]:
    """The table's cells (phase, packages, pip, uv, speedup) for any face to render."""
    cells = []
    for row, nested in report.rows():
        label = ("  " + row.label) if nested else row.label
        count = row.requirements if nested else row.packages  # a category: its requirements, as the reference counted
        packages = "-" if count is None else str(count)
        cells.append(
            [
                label,
                packages,
                format_samples(row.samples[PIP]),
                format_samples(row.samples[UV]),
                format_speedup(row.speedup),
            ]
        )
    return cells
