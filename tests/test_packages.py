"""Listing installed packages: uv's listing enriched from metadata, fast and robust."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from envtui.core.env.environment import resolve_environment
from envtui.core.env.metadata import parse_metadata
from envtui.core.env.packages import check_dependencies, list_packages, walk
from tests.factory import WheelSpec, build_wheel, install_into, make_synthetic_venv, make_venv, site_packages


def test_inventory_of_a_real_venv(env_path: Path) -> None:
    inventory = list_packages(resolve_environment(env_path))
    assert sorted(inventory.packages) == ["alpha", "beta", "boom", "gamma"]
    alpha, beta, gamma = (inventory.get(n) for n in ("alpha", "beta", "gamma"))
    assert alpha.version == "2.0" and beta.version == "1.1"
    assert alpha.required_by == ["gamma"] and not alpha.top_level
    assert beta.required_by == ["alpha"]
    # delta is behind an extra and beta behind a false marker: neither counts for gamma.
    assert gamma.dependencies == ["alpha"]
    assert gamma.top_level and gamma.category == "Database"
    assert alpha.category == "Core Web"
    assert gamma.installer == "uv" and gamma.summary == "The third letter"
    assert gamma.requires == ["alpha>=1.0", 'delta; extra == "more"', 'beta; python_version < "3"']
    assert all(p.problems == [] for p in inventory.packages.values())
    assert inventory.problems == []
    assert gamma.import_names == ["gamma"]


def test_import_names_come_from_record_when_there_is_no_top_level_txt(tmp_path: Path) -> None:
    """As hatchling, flit, pdm and uv_build build them: no top_level.txt (fastapi's wheel, for one)."""
    files = {
        "modern_pkg/__init__.py": "",
        "modern_pkg/sub/__init__.py": "",
        "_modern_speedups.py": "",
        "modern-pkg.pth": "",
        "modern_pkg-1.0.data/scripts/modern": "#!python\n",
    }
    build_wheel(tmp_path / "wheels", WheelSpec("modern-pkg", "1.0", files=files, top_level_txt=False))
    venv = make_venv(tmp_path / "venv", tmp_path / "wheels", ["modern-pkg"])
    package = list_packages(resolve_environment(venv)).get("modern-pkg")
    assert package is not None and package.import_names == ["_modern_speedups", "modern_pkg"]


def test_corrupt_dist_info_is_reported_not_fatal(env_path: Path) -> None:
    site = site_packages(env_path)
    (site / "beta-1.1.dist-info" / "METADATA").unlink()
    partial = site / "ghost-0.1.dist-info"
    partial.mkdir()
    (partial / "METADATA").write_text("Metadata-Version: 2.1\nSummary: no name\n\n")
    inventory = list_packages(resolve_environment(env_path))
    beta = inventory.get("beta")
    assert beta is not None and any("no readable METADATA" in p for p in beta.problems)
    ghost = inventory.get("ghost")
    assert ghost is not None and any("lacks a Name" in p for p in ghost.problems)
    assert inventory.get("gamma").problems == []


def test_editable_install_is_marked(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    project = tmp_path / "localpkg"
    (project / "localpkg").mkdir(parents=True)
    (project / "localpkg" / "__init__.py").write_text("")
    (project / "setup.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "localpkg"\nversion = "0.3"\n'
        '[build-system]\nrequires = []\nbuild-backend = "backend"\nbackend-path = ["."]\n'
    )
    # A minimal PEP 660 backend in the project itself, so no build dependency is downloaded.
    (project / "backend.py").write_text(
        "import base64, hashlib, os, zipfile\n"
        "def _whl(d, editable):\n"
        "    name = 'localpkg-0.3-py3-none-any.whl'\n"
        "    files = {'localpkg-0.3.dist-info/METADATA': 'Metadata-Version: 2.1\\nName: localpkg\\nVersion: 0.3\\n\\n',\n"  # noqa: E501
        "             'localpkg-0.3.dist-info/WHEEL': 'Wheel-Version: 1.0\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n'}\n"  # noqa: E501
        "    if editable: files['localpkg.pth'] = os.path.dirname(os.path.abspath(__file__)) + '\\n'\n"
        "    rec = [f'{p},,' for p in files] + ['localpkg-0.3.dist-info/RECORD,,']\n"
        "    files['localpkg-0.3.dist-info/RECORD'] = '\\n'.join(rec) + '\\n'\n"
        "    with zipfile.ZipFile(os.path.join(d, name), 'w') as z:\n"
        "        [z.writestr(p, t) for p, t in files.items()]\n"
        "    return name\n"
        "def build_wheel(d, c=None, m=None): return _whl(d, False)\n"
        "def build_editable(d, c=None, m=None): return _whl(d, True)\n"
        "def get_requires_for_build_editable(c=None): return []\n"
        "def get_requires_for_build_wheel(c=None): return []\n"
    )
    venv = venv_factory()
    install_into(venv, wheelhouse, [], "--editable", str(project))
    package = list_packages(resolve_environment(venv)).get("localpkg")
    assert package is not None and package.editable
    assert Path(package.editable_location).resolve() == project.resolve()


def test_check_dependencies_names_both_packages(env_path: Path) -> None:
    env = resolve_environment(env_path)
    assert check_dependencies(env) == []
    shutil.rmtree(site_packages(env_path) / "beta-1.1.dist-info")
    issues = check_dependencies(env)
    assert [(i.package, i.required, i.installed) for i in issues] == [("alpha", "beta", None)]
    assert "alpha requires beta>=1.1" in str(issues[0])


def test_walk_forward_and_reverse(env_path: Path) -> None:
    inventory = list_packages(resolve_environment(env_path))
    forward = [(d, n) for d, _, n, _ in walk(inventory, ["gamma"])]
    assert forward == [(0, "gamma"), (1, "alpha"), (2, "beta")]
    reverse = [(d, n) for d, _, n, _ in walk(inventory, ["beta"], reverse=True)]
    assert reverse == [(0, "beta"), (1, "alpha"), (2, "gamma")]


def test_parse_metadata_handles_continuations_and_repeats() -> None:
    fields = parse_metadata(
        "Name: x\nVersion: 1\nLicense: line one\n        line two\nClassifier: a\nClassifier: b\n\nbody: not a field\n"
    )
    assert fields["license"] == ["line one\nline two"]
    assert fields["classifier"] == ["a", "b"]
    assert "body" not in fields


def test_large_synthetic_venv_lists_quickly(tmp_path: Path) -> None:
    venv = make_synthetic_venv(tmp_path / "big", 2000)
    env = resolve_environment(venv)
    started = time.perf_counter()
    inventory = list_packages(env)
    elapsed = time.perf_counter() - started
    assert len(inventory) == 2000
    assert inventory.problems == []
    assert inventory.get("synth00000").required_by  # the graph is linked
    # Generous bound for a loaded CI machine; the real comparison with pip is in benchmarks/.
    assert elapsed < 5.0


def test_a_requested_extra_makes_its_dependencies_required(venv_factory, wheelhouse: Path, tmp_path: Path) -> None:
    """epsilon asks for gamma[more]; gamma's 'more' extra needs delta: delta is not top-level."""
    from tests.factory import WheelSpec, build_wheel

    extra_house = tmp_path / "more-wheels"
    build_wheel(extra_house, WheelSpec("epsilon", "1.0", requires=["gamma[more]>=1"]))
    venv = venv_factory()
    install_into(venv, wheelhouse, ["epsilon"], "--find-links", str(extra_house))
    inventory = list_packages(resolve_environment(venv))
    delta, gamma = inventory.get("delta"), inventory.get("gamma")
    assert delta is not None and delta.required_by == ["gamma"] and not delta.top_level
    assert gamma.dependencies == ["alpha", "delta"]
    assert [p.name for p in inventory.sorted() if p.top_level] == ["epsilon"]
    assert all(p.problems == [] for p in inventory.packages.values())


def test_canonical_name_is_packagings() -> None:
    from packaging.utils import canonicalize_name

    from envtui.core.env.names import canonical_name

    for name in ("Django", "zope.interface", "Foo__Bar", "a-_.b", "markdown_it_py", "X", "ruamel.yaml.clib"):
        assert canonical_name(name) == canonicalize_name(name)


def test_markers_the_layout_knows_need_no_interpreter(env_path: Path, monkeypatch) -> None:
    """python_version and the OS's markers come from pyvenv.cfg and the host; the interpreter is
    asked only for a marker that names something else (platform_machine here)."""
    from envtui.core.env.packages import Package, link_dependencies

    fast, probed = resolve_environment(env_path, probe=False), resolve_environment(env_path)
    known = fast.known_markers
    assert {"python_version", "python_full_version", "sys_platform", "os_name"} <= known.keys()
    assert "platform_machine" not in known
    assert all(probed.markers[key] == value for key, value in known.items())

    def packages(marker: str) -> dict[str, Package]:
        app = Package("app", "1", requires=[f"lib; {marker}", 'extra-only; extra == "test"'])
        return {"app": app, "lib": Package("lib", "1"), "extra-only": Package("extra-only", "1")}

    asked: list[bool] = []

    def everything() -> dict[str, str]:
        asked.append(True)
        return probed.markers

    found = packages(f'python_version >= "{known["python_version"]}" and sys_platform != "nonesuch"')
    link_dependencies(found, known, all_markers=everything)
    assert found["app"].dependencies == ["lib"] and asked == []
    found = packages(f'platform_machine == "{probed.markers["platform_machine"]}"')
    link_dependencies(found, known, all_markers=everything)
    assert found["app"].dependencies == ["lib"] and asked == [True]


def test_list_imports_no_packaging_when_no_marker_needs_it(venv_factory) -> None:
    """``packaging.utils`` drags in ``packaging.tags`` (sysconfig, logging, platform probing): a
    listing whose requirements carry no marker, or only extras, does without it."""
    import subprocess
    import sys

    venv = venv_factory(["alpha"])
    code = (
        "import sys\nfrom envtui.cli import main\n"
        f"assert main(['list', '--json', '--venv', {str(venv)!r}]) == 0\n"
        "print(sorted(m for m in sys.modules if m.startswith('packaging')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout


def test_a_long_metadata_header_is_read_whole(tmp_path: Path, venv_factory) -> None:
    """Only the header of METADATA is read, however long the header itself is."""
    venv = venv_factory([])
    info = site_packages(venv) / "wide-1.0.dist-info"
    info.mkdir()
    classifiers = "".join(f"Classifier: Topic :: Thing {i} :: " + "x" * 60 + "\n" for i in range(2000))
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: wide\nVersion: 1.0\n{classifiers}Requires-Dist: beta\n"
        "Summary: last in the header\n\n" + "A long description.\n" * 50_000
    )
    package = list_packages(resolve_environment(venv)).get("wide")
    assert package is not None and package.summary == "last in the header"
    assert package.requires == ["beta"] and len(package.classifiers) == 2000
