"""A plain, non-editable install of the built wheel finds its stylesheets and runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import packaging
import platformdirs
import pytest

from tests.factory import make_venv, site_packages, uv_bin, uv_env

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline with the test environment's hatchling."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            uv_bin(),
            "build",
            "--wheel",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--out-dir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        env=uv_env(),
    )
    return next(out.glob("envtui-*.whl"))


def test_wheel_ships_styles(built_wheel: Path) -> None:
    import zipfile

    names = zipfile.ZipFile(built_wheel).namelist()
    assert "envtui/styles/app.tcss" in names
    assert any(n.endswith("entry_points.txt") for n in names)


def test_plain_install_finds_styles_and_runs(built_wheel: Path, tmp_path: Path, env_path: Path) -> None:
    venv = make_venv(tmp_path / "fresh")
    subprocess.run(
        [
            uv_bin(),
            "pip",
            "install",
            "--python",
            str(venv / "bin" / "python"),
            "--no-deps",
            "--no-index",
            "--",
            str(built_wheel),
        ],
        check=True,
        capture_output=True,
        env=uv_env(),
    )
    # The runtime dependencies come from this test environment, appended after the venv's own
    # site-packages so that the freshly installed envtui is the one imported.
    dep_dirs = {str(Path(m.__file__).resolve().parent.parent) for m in (packaging, platformdirs)}
    (site_packages(venv) / "zz_test_deps.pth").write_text("\n".join(sorted(dep_dirs)) + "\n")
    python = str(venv / "bin" / "python")
    probe = subprocess.run(
        [
            python,
            "-c",
            "import envtui; from envtui.core.locations import styles_dir; print(envtui.__file__); print(styles_dir())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.splitlines()
    assert Path(probe[0]).is_relative_to(venv)
    assert Path(probe[1]) == site_packages(venv) / "envtui" / "styles"
    assert (Path(probe[1]) / "app.tcss").is_file()
    version = subprocess.run([str(venv / "bin" / "envtui"), "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("envtui ")
    listed = subprocess.run(
        [str(venv / "bin" / "envtui"), "list", "--venv", str(env_path)],
        capture_output=True,
        text=True,
        env=uv_env(),
        cwd=tmp_path,
    )
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.rstrip().endswith("4 packages")


def test_source_checkout_finds_styles() -> None:
    from envtui.core.locations import styles_dir

    assert (styles_dir() / "app.tcss").is_file()
