"""Shared fixtures: a local wheelhouse of tiny wheels and real venvs made by real uv."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from tests.factory import WheelSpec, build_wheel, build_wheelhouse, make_project, make_venv
from tests.slow_index import SlowIndex

#: The fixture world. alpha 2.0 needs beta>=1.1; gamma needs alpha; boom raises on import;
#: clash 1.0 needs beta<1.1 (a conflict with alpha 2.0).
SPECS = [
    WheelSpec("alpha", "1.0", summary="The first letter", classifiers=["Framework :: FastAPI"]),
    WheelSpec("alpha", "2.0", requires=["beta>=1.1"], summary="The first letter", classifiers=["Framework :: FastAPI"]),
    WheelSpec("beta", "1.0", summary="The second letter"),
    WheelSpec("beta", "1.1", summary="The second letter"),
    WheelSpec(
        "gamma",
        "1.0",
        requires=["alpha>=1.0", 'delta; extra == "more"', 'beta; python_version < "3"'],
        summary="The third letter",
        classifiers=["Topic :: Database"],
    ),
    WheelSpec("delta", "1.0", summary="An optional extra"),
    WheelSpec(
        "boom", "1.0", summary="Raises on import", files={"boom/__init__.py": "raise RuntimeError('boom is broken')\n"}
    ),
    WheelSpec("clash", "1.0", requires=["beta<1.1"], summary="Needs an old beta"),
    WheelSpec("pytest-fixture-thing", "0.1", summary="Looks like a dev tool"),
]


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A find-links directory holding every fixture wheel."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"), SPECS)


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep envtui's state (job history, trust) and uv's cache out of the user's home.

    Each test also starts in an empty working directory of its own: envtui looks for venvs and
    configuration from there, and the checkout it runs in may hold a ``.venv`` of its own.
    """
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.setenv("ENVTUI_STATE_DIR", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "uv-cache"))
    monkeypatch.setenv("UV_NO_PROGRESS", "1")
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    monkeypatch.delenv("ENVTUI_UV", raising=False)


@pytest.fixture
def offline_uv(wheelhouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point uv at the wheelhouse through the user's own uv settings, as a real user would."""
    monkeypatch.setenv("UV_NO_INDEX", "1")
    # uv 0.13 ignores UV_NO_INDEX for ``uv pip``: without UV_OFFLINE it would still ask PyPI.
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_FIND_LINKS", str(wheelhouse))
    return wheelhouse


@pytest.fixture
def own_wheelhouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A wheelhouse this test may delete wheels from (uv reads it through the user's settings)."""
    wheels = build_wheelhouse(tmp_path / "own-wheels", SPECS)
    monkeypatch.setenv("UV_NO_INDEX", "1")
    monkeypatch.setenv("UV_OFFLINE", "1")
    monkeypatch.setenv("UV_FIND_LINKS", str(wheels))
    return wheels


VenvFactory = Callable[..., Path]


@pytest.fixture
def venv_factory(tmp_path: Path, wheelhouse: Path) -> VenvFactory:
    """Make a real venv (via uv) with the given fixture packages installed."""
    counter = iter(range(1000))

    def make(install: Sequence[str] = (), name: str | None = None) -> Path:
        path = tmp_path / (name or f"venv{next(counter)}")
        return make_venv(path, wheelhouse, install)

    return make


ProjectFactory = Callable[..., Path]


@pytest.fixture
def project_factory(tmp_path: Path, wheelhouse: Path, offline_uv: Path) -> ProjectFactory:
    """Make a real uv project (pyproject.toml, uv.lock, .venv) with ``uv init`` and ``uv add``, offline.

    ``make(["gamma"], dev=[...], groups={...}, optional={...}, dirname=...)``; returns its directory.
    """
    counter = iter(range(1000))

    def make(dependencies: Sequence[str] = (), *, dirname: str | None = None, **sections) -> Path:
        return make_project(tmp_path / (dirname or f"project{next(counter)}"), wheelhouse, dependencies, **sections)

    return make


@pytest.fixture
def env_path(venv_factory: VenvFactory) -> Path:
    """A venv with gamma (so alpha 2.0 and beta 1.1 too) and boom installed."""
    return venv_factory(["gamma", "boom"], name="env")


@pytest.fixture
def slow_index(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """A local index (``UV_INDEX_URL``) serving ``slowpkg`` 1.0, whose download stalls until released."""
    wheel = build_wheel(tmp_path_factory.mktemp("slow-wheels"), WheelSpec("slowpkg", "1.0", summary="Downloads slowly"))
    with SlowIndex([wheel]) as index:
        monkeypatch.delenv("UV_OFFLINE", raising=False)
        monkeypatch.delenv("UV_NO_INDEX", raising=False)
        monkeypatch.delenv("UV_FIND_LINKS", raising=False)
        monkeypatch.setenv("UV_INDEX_URL", index.url)
        monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path_factory.mktemp("slow-cache")))
        yield index


@pytest.fixture
def slow_world(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """``make(delay)``: a slow index (``UV_INDEX_URL``) serving slowa 1.0 (needs slowb) and slowb 1.0."""
    wheels_dir = tmp_path_factory.mktemp("prefetch-wheels")
    wheels = [
        build_wheel(wheels_dir, WheelSpec("slowa", "1.0", requires=["slowb"], summary="Downloads slowly")),
        build_wheel(wheels_dir, WheelSpec("slowb", "1.0", summary="Downloads slowly too")),
    ]
    opened: list[SlowIndex] = []

    def make(delay: float) -> SlowIndex:
        index = SlowIndex(wheels, delay=delay).__enter__()
        opened.append(index)
        for name in ("UV_OFFLINE", "UV_NO_INDEX", "UV_FIND_LINKS"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("UV_INDEX_URL", index.url)
        monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path_factory.mktemp("prefetch-cache")))
        return index

    yield make
    for index in opened:
        index.__exit__(None, None, None)
