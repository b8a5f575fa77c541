"""Installed distributions: uv's JSON listing, enriched from ``.dist-info`` metadata read directly.

Built to stay fast at 10,000 packages: metadata headers are parsed by hand (not with
``email``), requirement names are taken with a regex, and each distinct marker is evaluated
once. A corrupt or partial ``.dist-info`` becomes a problem on that package, never a crash.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core import process
from envtui.core.env.categories import categorize
from envtui.core.env.environment import Environment
from envtui.core.env.metadata import first, homepage, license_of, parse_metadata, read_text
from envtui.core.env.names import LEADING_NAME, canonical_name, leading_name
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv

_CHECK_LINE = re.compile(
    r"The package `(?P<pkg>[^`]+)` requires `(?P<req>[^`]+)`, but (?:it's not installed|`(?P<have>[^`]+)` is installed)"
)


@dataclass(slots=True)
class Package:
    """One installed distribution, as the table, details pane and CLI show it.

    Slotted: 10,000 of them are built on every listing and kept for the session.
    """

    name: str
    """The name as uv shows it: normalised (``pydantic-core``, ``jinja2``), whatever the metadata spells."""
    version: str
    summary: str = ""
    requires: list[str] = field(default_factory=list)
    """``Requires-Dist`` strings, as the metadata states them."""
    dependencies: list[str] = field(default_factory=list)
    """Canonical names of installed packages this one needs here (markers evaluated, extras off)."""
    required_by: list[str] = field(default_factory=list)
    """Names of installed packages that need this one."""
    top_level: bool = True
    """Nothing installed requires it: the user (or a requirements file) asked for it."""
    category: str = ""
    installer: str = ""
    license: str = ""
    homepage: str = ""
    location: str = ""
    editable: bool = False
    editable_location: str = ""
    classifiers: list[str] = field(default_factory=list)
    dist_info: str = ""
    problems: list[str] = field(default_factory=list)
    """What is wrong with this package's metadata; empty when it is sound."""
    key: str = field(init=False, repr=False, compare=False)
    """The canonical (PEP 503) name, used as the row key everywhere."""

    def __post_init__(self) -> None:
        self.key = canonical_name(self.name)
        self.name = self.key  # one spelling everywhere: table, details, CLI, JSON, as in uv's own output

    @property
    def import_names(self) -> list[str]:
        """Top-level import names (read on demand: most views never need them): ``top_level.txt``,
        else what ``RECORD`` installs at the top of site-packages (most build backends today write
        no ``top_level.txt``)."""
        if not self.dist_info:
            return []
        text = read_text(Path(self.dist_info) / "top_level.txt") or ""
        named = [line.strip() for line in text.splitlines() if line.strip()]
        return named or top_level_names(read_text(Path(self.dist_info) / "RECORD") or "")

    def to_json(self) -> dict:
        """The public JSON shape of ``envtui list --json`` (a contract: keep the keys)."""
        return {
            "name": self.name,
            "version": self.version,
            "summary": self.summary,
            "requires": list(self.requires),
            "required_by": list(self.required_by),
            "top_level": self.top_level,
            "category": self.category,
            "installer": self.installer,
            "location": self.location,
            "editable": self.editable,
            "problems": list(self.problems),
        }


def top_level_names(record: str) -> list[str]:
    """The importable names a ``RECORD`` installs at the top of site-packages: a package
    directory holding Python files, a module, an extension module (``name.cpython-311-….so``).
    Its metadata, ``.data``, ``__pycache__``, ``.pth`` files and paths outside are not."""
    names: set[str] = set()
    for line in record.splitlines():
        path = line.rsplit(",", 2)[0].strip('"')
        first, sep, rest = path.partition("/")
        if first.endswith((".dist-info", ".egg-info", ".data")) or first in ("", "..", "__pycache__"):
            continue
        if sep:
            if rest.endswith((".py", ".so", ".pyd")):
                names.add(first)
        elif first.endswith(".py"):
            names.add(first[:-3])
        elif first.endswith((".so", ".pyd")):
            names.add(first.split(".", 1)[0])
    return sorted(name for name in names if name.isidentifier())


@dataclass
class Inventory:
    """Everything installed in one environment, keyed by canonical name."""

    env: Environment
    packages: dict[str, Package]
    problems: list[str] = field(default_factory=list)
    """Problems with the listing as a whole (e.g. uv could not list and the scan stood in)."""

    def sorted(self) -> list[Package]:
        """Packages by name, case-insensitively."""
        return sorted(self.packages.values(), key=lambda p: p.key)

    def get(self, name: str) -> Package | None:
        """A package by any spelling of its name."""
        return self.packages.get(canonical_name(name))

    def __len__(self) -> int:
        return len(self.packages)

    def suggest(self, name: str) -> str | None:
        """The installed name closest to one that is not installed (``reqests`` -> ``requests``), or None."""
        import difflib

        key = canonical_name(name)
        if key in self.packages:
            return None
        close = difflib.get_close_matches(key, list(self.packages), n=1, cutoff=0.7)
        return close[0] if close else None

    def did_you_mean(self, names: Iterable[str]) -> str | None:
        """``did you mean requests?`` for names that are not installed and look like one that is."""
        guesses = list(dict.fromkeys(g for g in map(self.suggest, names) if g))
        return f"did you mean {', '.join(guesses)}?" if guesses else None


@dataclass(frozen=True)
class DependencyIssue:
    """One incompatibility reported by ``uv pip check``."""

    package: str
    requirement: str
    installed: str | None
    """The installed version of the required package, or None when it is missing."""

    @property
    def required(self) -> str:
        """The name of the package that is missing or at the wrong version."""
        return leading_name(self.requirement) or self.requirement

    def __str__(self) -> str:
        if self.installed is None:
            return f"{self.package} requires {self.requirement}, which is not installed"
        return f"{self.package} requires {self.requirement}, but {self.installed} is installed"


def read_dist_info(directory: str | Path, location: str) -> Package:
    """A Package from one ``.dist-info`` (or ``.egg-info``) directory; damage becomes problems.

    Paths are plain strings here: pathlib's overhead shows at 10,000 packages.
    """
    directory = os.fspath(directory)
    base = os.path.basename(directory)
    stem = base.rsplit(".", 1)[0]
    guess_name, _, guess_version = stem.partition("-")
    meta_name = "PKG-INFO" if base.endswith(".egg-info") else "METADATA"
    problems: list[str] = []
    text = read_text(f"{directory}/{meta_name}", header_only=True)
    fields: dict[str, list[str]] = {}
    if text is None:
        problems.append(f"{base} has no readable {meta_name}")
    else:
        fields = parse_metadata(text)
    name, version = first(fields, "name"), first(fields, "version")
    if text is not None:
        for value, field_name in ((name, "Name"), (version, "Version")):
            if not value:
                problems.append(f"{base}/{meta_name} lacks a {field_name} field")
    installer = (read_text(f"{directory}/INSTALLER") or "").strip()
    return Package(
        name=name or guess_name,
        version=version or guess_version or "?",
        summary=first(fields, "summary"),
        requires=fields.get("requires-dist") or [],  # parse_metadata's own lists: no copies
        dependencies=[],
        required_by=[],
        license=license_of(fields),
        homepage=homepage(fields),
        installer=installer,
        location=location,
        classifiers=fields.get("classifier") or [],
        dist_info=directory,
        problems=problems,
    )


def _read_direct_url(package: Package) -> None:
    """Mark an editable install from its ``direct_url.json`` (PEP 610), when uv could not say."""
    text = read_text(Path(package.dist_info) / "direct_url.json") if package.dist_info else None
    if not text:
        return
    try:
        data = json.loads(text)
        if data.get("dir_info", {}).get("editable"):
            url = data.get("url", "")
            package.editable = True
            package.editable_location = url[7:] if url.startswith("file://") else url
    except (ValueError, AttributeError):
        package.problems.append(f"{Path(package.dist_info).name}/direct_url.json is not valid JSON")


def scan_site_packages(env: Environment) -> dict[str, Package]:
    """Every distribution whose metadata directory lies in the environment's site-packages."""
    found: dict[str, Package] = {}
    for site_path in env.site_packages:
        site = str(site_path)
        try:
            entries = os.scandir(site)
        except OSError:
            continue
        with entries:
            for entry in entries:
                name = entry.name
                if not (name.endswith(".dist-info") or name.endswith(".egg-info")):
                    continue
                if not entry.is_dir():
                    continue
                package = read_dist_info(entry.path, site)
                found.setdefault(package.key, package)
    return found


#: ``extra == "name"`` alone, the commonest marker by far: decided without packaging.
_ONLY_EXTRA = re.compile(r"""extra\s*==\s*(?:"([^"]*)"|'([^']*)')""")
#: A marker's quoted strings, and the variable names left outside them.
_QUOTED = re.compile(r""""[^"]*"|'[^']*'""")
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z_.]*")
_OPERATORS = frozenset({"and", "or", "in", "not", "extra"})


class _MarkerCache:
    """Evaluate each distinct (marker, extra) once against one interpreter's values.

    ``known`` are the values at hand; ``full`` gives them all (it may run the interpreter) and
    is called only when a marker names a variable ``known`` lacks. A marker that only names an
    extra is decided by comparing names, without importing ``packaging.markers``.
    """

    def __init__(self, known: Mapping[str, str], full: Callable[[], Mapping[str, str]] | None = None) -> None:
        self._known = dict(known)
        self._full = full
        self._seen: dict[tuple[str, str], bool | None] = {}

    def applies(self, marker: str, extra: str = "") -> bool | None:
        """True / False, or None when the marker is invalid; ``extra`` is the extra being asked for."""
        key = (marker, extra)
        if key not in self._seen:
            only_extra = _ONLY_EXTRA.fullmatch(marker)
            if only_extra:
                name = only_extra.group(1) if only_extra.group(1) is not None else only_extra.group(2)
                self._seen[key] = bool(extra) and canonical_name(name) == extra
            else:
                self._seen[key] = self._evaluate(marker, extra)
        return self._seen[key]

    def _evaluate(self, marker: str, extra: str) -> bool | None:
        from packaging.markers import Marker

        if self._full is not None:
            named = set(_VARIABLE.findall(_QUOTED.sub(" ", marker))) - _OPERATORS
            if not named <= self._known.keys():
                self._known = dict(self._full())
                self._full = None
        try:
            return Marker(marker).evaluate({**self._known, "extra": extra})
        except Exception:  # packaging raises several types here (InvalidMarker and others)
            return None


_EXTRAS = re.compile(r"\s*\[([^\]]*)\]")


def link_dependencies(
    packages: Mapping[str, Package],
    markers: Mapping[str, str],
    *,
    all_markers: Callable[[], Mapping[str, str]] | None = None,
) -> None:
    """Fill ``dependencies``, ``required_by`` and ``top_level`` across the installed set.

    ``markers`` are the interpreter's marker values; when some are unknown, ``all_markers``
    gives every one of them, and is called only if a requirement's marker names a missing one.

    A requirement's extras count: when an installed package asks for ``markdown-it-py[linkify]``,
    what markdown-it-py's ``linkify`` extra needs is a dependency of markdown-it-py here, so it
    is neither top-level nor removed without a warning.
    """
    cache = _MarkerCache(markers, all_markers)
    dependents: dict[str, list[str]] = {}
    wanted_extras: dict[str, set[str]] = {}

    # The same requirement strings recur across packages: each is taken apart once.
    parsed: dict[str, tuple[str, str, frozenset[str]] | None] = {}

    def parse(requirement: str) -> tuple[str, str, frozenset[str]] | None:
        """(canonical name, marker, extras asked for), or None when it names nothing."""
        spec, _, marker = requirement.partition(";")
        match = LEADING_NAME.match(spec)
        if match is None:
            return None
        asked = _EXTRAS.match(spec, match.end())
        extras = frozenset(canonical_name(e.strip()) for e in asked.group(1).split(",") if e.strip()) if asked else None
        return canonical_name(match.group(1)), marker.strip(), extras or frozenset()

    def follow(package: Package, requirement: str, extra: str) -> None:
        if requirement in parsed:
            found = parsed[requirement]
        else:
            found = parsed[requirement] = parse(requirement)
        if found is None:
            if not extra:
                package.problems.append(f"unparseable requirement in metadata: {requirement}")
            return
        dep, marker, extras = found
        if extra and "extra" not in marker:
            return  # already counted with extras off
        if marker:
            applies = cache.applies(marker, extra)
            if applies is None:
                if not extra:
                    package.problems.append(f"invalid marker in metadata: {requirement}")
                return
            if not applies:
                return
        if dep == package.key:
            return
        if extras and dep in packages and extras - wanted_extras.get(dep, set()):
            wanted_extras.setdefault(dep, set()).update(extras)
            pending.append(dep)
        if dep not in package.dependencies:
            package.dependencies.append(dep)
            if dep in packages:
                dependents.setdefault(dep, []).append(package.name)

    pending: list[str] = []
    for package in packages.values():
        package.dependencies = []
        for requirement in package.requires:
            follow(package, requirement, "")
    done: set[tuple[str, str]] = set()
    while pending:  # the extras installed packages ask for, and the extras those ask for
        key = pending.pop()
        package = packages[key]
        for extra in sorted(wanted_extras[key]):
            if (key, extra) in done:
                continue
            done.add((key, extra))
            for requirement in package.requires:
                follow(package, requirement, extra)
    for key, package in packages.items():
        names = dependents.get(key, [])
        package.required_by = sorted(names, key=str.lower)
        package.top_level = not names


def _start_uv_list(env: Environment, uv: Uv) -> subprocess.Popen[bytes]:
    try:
        return process.spawn(uv.pip("list", env.python, "--format", "json", "--quiet"))
    except EnvtuiError as exc:
        raise EnvtuiError(f"cannot run uv at {uv.binary}", cause=exc.cause) from exc


def list_packages(
    env: Environment,
    uv: Uv | None = None,
    *,
    category_overrides: Mapping[str, str] | None = None,
) -> Inventory:
    """The environment's inventory: uv says what is installed, the metadata says the rest.

    uv runs while the metadata is read. If uv cannot list (for example because a dist-info is
    corrupt), the scan alone stands in and the listing carries a problem saying so.
    """
    uv = uv or Uv()
    proc = _start_uv_list(env, uv)
    try:
        scanned = scan_site_packages(env)
    except BaseException:
        process.stop(proc, 0.0)
        raise
    result = process.follow(proc, None, collect=True)
    inventory_problems: list[str] = []
    packages: dict[str, Package] = {}
    listed: list[dict] | None = None
    if result.ok:
        try:
            listed = json.loads(result.stdout or "[]")
        except ValueError:
            inventory_problems.append("uv pip list printed invalid JSON; metadata scan used instead")
    else:
        detail = process.last_line(result.stderr) or f"exit status {result.returncode}"
        inventory_problems.append(f"uv pip list failed ({detail}); metadata scan used instead")
    if listed is None:
        packages = scanned
        for package in packages.values():
            _read_direct_url(package)
    else:
        for entry in listed:
            name: str = canonical_name(entry.get("name", ""))
            read = scanned.pop(name, None)
            if read is None:
                read = Package(name=entry.get("name", name), version=entry.get("version", "?"))
                read.problems.append("no .dist-info metadata found in site-packages")
            elif read.version != entry.get("version", read.version):
                read.problems.append(f"uv lists version {entry.get('version')}, metadata says {read.version}")
            location = entry.get("editable_project_location")
            if location:
                read.editable = True
                read.editable_location = location
            packages[name] = read
        for key, package in scanned.items():  # metadata dirs uv would not list
            package.problems.append("uv does not list it: its metadata may be incomplete")
            packages[key] = package
    # Markers the venv's layout answers need no run of its interpreter (python_version, the OS).
    link_dependencies(packages, env.known_markers, all_markers=lambda: env.markers)
    for key, package in packages.items():
        package.category = categorize(key, package.classifiers, category_overrides)
    return Inventory(env=env, packages=packages, problems=inventory_problems)


def fetch_outdated(env: Environment, uv: Uv | None = None) -> dict[str, str]:
    """Latest versions of outdated packages, by canonical name (asks the index: may be slow)."""
    uv = uv or Uv()
    result = uv.run(uv.pip("list", env.python, "--outdated", "--format", "json", "--quiet"))
    if not result.ok:
        raise EnvtuiError("could not check for newer versions", cause=result.last_error_line())
    try:
        rows = json.loads(result.stdout or "[]")
    except ValueError as exc:
        raise EnvtuiError("uv pip list --outdated printed invalid JSON") from exc
    return {canonical_name(row["name"]): row.get("latest_version", "") for row in rows}


def check_dependencies(env: Environment, uv: Uv | None = None) -> list[DependencyIssue]:
    """Incompatibilities found by ``uv pip check`` (empty when all is well)."""
    uv = uv or Uv()
    result = uv.run(uv.pip("check", env.python))
    issues = [
        DependencyIssue(m.group("pkg"), m.group("req"), m.group("have"))
        for m in _CHECK_LINE.finditer(result.stdout + "\n" + result.stderr)
    ]
    if not result.ok and not issues:
        raise EnvtuiError("uv pip check failed", cause=result.last_error_line())
    return issues


def walk(
    inventory: Inventory, roots: Iterable[str], *, reverse: bool = False
) -> Iterator[tuple[int, Package | None, str, bool]]:
    """Depth-first walk of the dependency graph: (depth, package or None, name, already shown).

    Forward follows ``dependencies``; reverse follows ``required_by``. A name that is not
    installed yields None. As ``uv pip tree`` does, a package whose subtree was already shown
    (earlier in the walk, or above itself in a cycle) yields ``already shown`` and is not
    expanded again; a package with nothing below it is simply repeated.
    """
    expanded: set[str] = set()

    def visit(name: str, depth: int) -> Iterator[tuple[int, Package | None, str, bool]]:
        package = inventory.get(name)
        if package is None:
            yield depth, None, name, False
            return
        children = package.required_by if reverse else package.dependencies
        repeated = bool(children) and package.key in expanded
        yield depth, package, package.name, repeated
        if repeated:
            return
        expanded.add(package.key)
        for child in sorted(children, key=str.lower):
            yield from visit(child, depth + 1)

    for root in roots:
        yield from visit(root, 0)
