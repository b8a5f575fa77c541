"""Health checks on real venvs: a healthy env passes, then each way of breaking it is found and named."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from envtui.core.config import Config, Service
from envtui.core.env.environment import resolve_environment
from envtui.core.health import checks as health
from tests.factory import WheelSpec, build_wheel, install_into, site_packages
from tests.health_server import health_server, refused_url


def by_name(report: health.HealthReport) -> dict[str, health.Finding]:
    return {finding.name: finding for finding in report.findings}


def not_ok(report: health.HealthReport) -> dict[str, str]:
    return {f.name: f.status for f in report.findings if f.status != health.OK}


@pytest.fixture
def healthy(venv_factory, tmp_path: Path) -> tuple[Path, Config]:
    """gamma (with alpha 2.0 and beta 1.1), pinned in a requirements file, imports configured."""
    venv = venv_factory(["gamma"], name="healthy")
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("alpha==2.0\nbeta==1.1\ngamma==1.0\n")
    config = Config(requirements=(requirements,), imports=("alpha", "gamma"), import_timeout=10)
    return venv, config


def test_a_healthy_environment_passes(healthy) -> None:
    venv, config = healthy
    with health_server() as base:
        config = Config(**{**config.__dict__, "services": (Service("backend", f"{base}/ok", 2.0),)})
        report = health.run_checks(resolve_environment(venv), config)
    assert report.ok and report.status == health.OK, not_ok(report)
    found = by_name(report)
    assert {
        "interpreter",
        "dependencies",
        "import alpha",
        "import gamma",
        "drift",
        "service backend",
        "metadata",
    } <= set(found)
    assert found["interpreter"].detail.startswith("Python 3.")
    assert found["import alpha"].package == "alpha" and "version 2.0" in found["import alpha"].detail
    assert found["service backend"].data["version"] == "1.0.0"
    assert "version 1.0.0" in found["service backend"].detail and " ms" in found["service backend"].detail
    assert report.to_json()["ok"] is True
    assert all({"name", "status", "detail"} <= set(c) for c in report.to_json()["checks"])


def test_missing_dependency_names_both_packages(healthy) -> None:
    venv, config = healthy
    shutil.rmtree(site_packages(venv) / "beta-1.1.dist-info")
    report = health.run_checks(resolve_environment(venv), config)
    assert not report.ok
    finding = by_name(report)["dependency alpha -> beta"]
    assert finding.status == health.FAIL and finding.package == "alpha"
    assert "alpha requires beta>=1.1" in finding.detail and "not installed" in finding.detail
    # The pinned requirements file notices too.
    assert by_name(report)["drift beta"].status == health.FAIL


def test_an_import_that_raises_fails_with_the_last_line(venv_factory) -> None:
    venv = venv_factory(["alpha", "boom"])
    report = health.run_checks(resolve_environment(venv), Config(imports=("alpha", "boom", "nothere")))
    found = by_name(report)
    assert found["import alpha"].status == health.OK
    assert found["import boom"].status == health.FAIL
    assert found["import boom"].detail == "RuntimeError: boom is broken"
    assert found["import boom"].package == "boom"
    assert "Traceback" in found["import boom"].long
    assert found["import nothere"].detail == "ModuleNotFoundError: No module named 'nothere'"
    assert found["import nothere"].package is None


def test_imports_run_isolated_in_the_environment(venv_factory, tmp_path: Path, monkeypatch) -> None:
    """A module on PYTHONPATH or in the current directory does not count: the env must have it."""
    (tmp_path / "sneaky.py").write_text("")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    venv = venv_factory(["alpha"])
    report = health.run_checks(resolve_environment(venv), Config(imports=("sneaky",)))
    assert by_name(report)["import sneaky"].status == health.FAIL


def test_a_hanging_import_fails_within_its_timeout(venv_factory, tmp_path: Path) -> None:
    wheels = tmp_path / "sleepy-wheels"
    build_wheel(wheels, WheelSpec("sleepy", "1.0", files={"sleepy/__init__.py": "import time\ntime.sleep(600)\n"}))
    venv = venv_factory(["alpha"])
    install_into(venv, wheels, ["sleepy"])
    started = time.monotonic()
    report = health.run_checks(resolve_environment(venv), Config(imports=("sleepy", "alpha"), import_timeout=1.5))
    elapsed = time.monotonic() - started
    finding = by_name(report)["import sleepy"]
    assert finding.status == health.FAIL and "did not finish within 1.5 s" in finding.detail
    assert finding.package == "sleepy"
    assert by_name(report)["import alpha"].status == health.OK
    assert elapsed < 8, elapsed


def test_a_pin_that_differs_is_drift(healthy, tmp_path: Path) -> None:
    venv, _ = healthy
    pinned = tmp_path / "pinned.txt"
    pinned.write_text("alpha==1.0\nbeta==1.1\n")
    report = health.run_checks(resolve_environment(venv), Config(requirements=(pinned,)))
    found = by_name(report)
    assert found["drift alpha"].status == health.FAIL and found["drift alpha"].package == "alpha"
    assert "alpha 2.0 does not satisfy alpha==1.0" in found["drift alpha"].detail
    # A complete (pinned throughout) file: what it does not name is extra, a warning.
    assert found["drift gamma"].status == health.WARN and found["drift gamma"].data["kind"] == "extra"


def test_extras_count_only_for_complete_files(healthy, tmp_path: Path) -> None:
    venv, _ = healthy
    loose = tmp_path / "loose.txt"
    loose.write_text("alpha>=1\ndelta\n")
    report = health.run_checks(resolve_environment(venv), Config(requirements=(loose,)))
    assert not_ok(report) == {"drift delta": health.FAIL}
    assert "delta is not installed" in by_name(report)["drift delta"].detail


def test_an_unreadable_requirements_file_is_a_failed_check(healthy, tmp_path: Path) -> None:
    venv, _ = healthy
    report = health.run_checks(resolve_environment(venv), Config(requirements=(tmp_path / "gone.txt",)))
    assert not_ok(report) == {"requirements gone.txt": health.FAIL}


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/ok", health.OK, "status 'ok'"),
        ("/healthy", health.OK, "status 'Healthy'"),
        ("/text", health.OK, "HTTP 200 OK"),
        ("/degraded", health.WARN, "status 'degraded'"),
        ("/down", health.FAIL, "status 'down'"),
        ("/500", health.FAIL, "HTTP 500"),
        ("/badjson", health.FAIL, "not valid JSON"),
        ("/nowhere", health.FAIL, "HTTP 404"),
    ],
)
def test_service_answers(path: str, status: str, words: str) -> None:
    with health_server() as base:
        finding = health.check_service(Service("backend", base + path, 2.0))
    assert (finding.status, finding.name) == (status, "service backend")
    assert words in finding.detail


def test_a_service_that_never_answers_fails_within_its_timeout() -> None:
    with health_server() as base:
        started = time.monotonic()
        finding = health.check_service(Service("stuck", f"{base}/hang", 1.0))
        elapsed = time.monotonic() - started
    assert finding.status == health.FAIL and "no answer within 1 s" in finding.detail
    assert elapsed < 2.5, elapsed


def test_a_refused_connection_fails_at_once() -> None:
    url = refused_url()
    started = time.monotonic()
    finding = health.check_service(Service("gone", url, 3.0))
    assert finding.status == health.FAIL and finding.detail == f"{url}: connection refused"
    assert time.monotonic() - started < 2


def test_checks_run_concurrently(venv_factory) -> None:
    """Two dead services and a hanging import cost about one timeout, not their sum."""
    venv = venv_factory(["alpha"])
    with health_server() as base:
        config = Config(
            services=(
                Service("a", f"{base}/hang", 2.0),
                Service("b", f"{base}/hang", 2.0),
                Service("c", refused_url(), 2.0),
            )
        )
        started = time.monotonic()
        report = health.run_checks(resolve_environment(venv), config)
        elapsed = time.monotonic() - started
    assert not_ok(report) == {"service a": "fail", "service b": "fail", "service c": "fail"}
    assert elapsed < 3.8, elapsed


def test_a_corrupt_dist_info_is_a_metadata_warning(venv_factory) -> None:
    venv = venv_factory(["gamma"])
    (site_packages(venv) / "gamma-1.0.dist-info" / "METADATA").unlink()
    report = health.run_checks(resolve_environment(venv), Config(), groups=[health.METADATA])
    warned = [f for f in report.findings if f.package == "gamma"]
    assert warned and warned[0].status == health.WARN and warned[0].check == health.METADATA


def test_a_missing_base_interpreter_is_found(venv_factory) -> None:
    venv = venv_factory()
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace("home = ", "home = /gone/after/upgrade/bin\nold_home = "))
    finding = health.check_interpreter(resolve_environment(venv))
    assert finding.status == health.FAIL
    assert "/gone/after/upgrade/bin no longer exists" in finding.detail


def test_a_pyvenv_cfg_for_another_python_is_found(venv_factory) -> None:
    venv = venv_factory()
    cfg = venv / "pyvenv.cfg"
    lines = [line for line in cfg.read_text().splitlines() if not line.startswith(("version", "version_info"))]
    cfg.write_text("\n".join([*lines, "version_info = 2.7.18"]) + "\n")
    finding = health.check_interpreter(resolve_environment(venv))
    assert finding.status == health.FAIL and "pyvenv.cfg says Python 2.7.18" in finding.detail


def test_a_dangling_interpreter_explains_itself(venv_factory) -> None:
    venv = venv_factory()
    python = venv / "bin" / "python"
    python.unlink()
    os.symlink("/gone/python3.99", python)
    finding = health.broken_interpreter(venv, "its interpreter is missing")
    assert finding.status == health.FAIL


def test_outdated_is_a_warning_only() -> None:
    [finding] = health.check_outdated({"alpha": "3.0"})
    assert finding.status == health.WARN and "alpha -> 3.0" in finding.detail
    assert health.check_outdated({})[0].status == health.OK


def test_a_refresh_of_one_group_replaces_only_that_group(venv_factory) -> None:
    venv = venv_factory(["alpha"])
    env = resolve_environment(venv)
    with health_server() as base:
        config = Config(services=(Service("backend", f"{base}/down", 2.0),))
        full = health.run_checks(env, config)
        assert full.status == health.FAIL
        fixed = Config(services=(Service("backend", f"{base}/ok", 2.0),))
        services_only = health.run_checks(env, fixed, groups=[health.SERVICES])
    assert services_only.groups == (health.SERVICES,)
    merged = full.merged(services_only)
    assert merged.status == health.OK
    assert [f.name for f in merged.findings] == [f.name for f in full.findings]
