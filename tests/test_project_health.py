"""Health in a uv project: the "lock" and "environment vs lock" checks, in the core and in ``envtui verify``."""

from __future__ import annotations

import json
import os
import time

from envtui.core.env.environment import resolve_environment
from envtui.core.health import checks as health
from tests.factory import install_into, run_envtui, run_uv


def _report(path, groups=(health.LOCK, health.LOCK_ENV)):
    env = resolve_environment(path / ".venv", probe=False)
    return health.run_checks(env, groups=list(groups))


def test_a_synced_project_passes_both_checks(project_factory) -> None:
    path = project_factory(["gamma"], dev=["pytest-fixture-thing"])
    report = _report(path)
    assert [(f.name, f.status, f.detail) for f in report.findings] == [
        ("lock", "ok", "uv.lock is up to date with pyproject.toml"),
        ("environment vs lock", "ok", "the environment matches uv.lock"),
    ]


def test_a_plain_venv_has_no_project_checks(venv_factory) -> None:
    venv = venv_factory(["alpha==1.0"])
    report = health.run_checks(resolve_environment(venv), groups=[health.LOCK, health.LOCK_ENV])
    assert report.findings == () and report.groups == (health.LOCK, health.LOCK_ENV)


def test_drift_from_the_lock_is_named_package_by_package(project_factory, wheelhouse) -> None:
    path = project_factory(["gamma"], dev=["pytest-fixture-thing"])
    install_into(path / ".venv", wheelhouse, ["delta"])
    install_into(path / ".venv", wheelhouse, ["alpha==1.0"], "--reinstall")  # gamma's lock has alpha 2.0
    run_uv(path, wheelhouse, "pip", "uninstall", "--python", str(path / ".venv/bin/python"), "pytest-fixture-thing")
    by_name = {f.name: f for f in _report(path).findings}
    delta = by_name["environment vs lock delta"]
    assert delta.status == "warn" and delta.package == "delta"
    assert delta.detail == "delta 1.0 is not in uv.lock: would be removed by `uv sync`"
    alpha = by_name["environment vs lock alpha"]
    assert alpha.status == "fail", "the main dependencies need alpha 2.0"
    assert alpha.detail == "alpha is 1.0, uv.lock pins 2.0: `uv sync` would change it"
    dev = by_name["environment vs lock pytest-fixture-thing"]
    assert dev.status == "warn" and dev.data["group"] == "dev", "a missing dev group only warns"
    assert "`uv sync` would install it" in dev.detail


def test_a_stale_lock_warns(project_factory) -> None:
    path = project_factory(["alpha==1.0"])
    pyproject = path / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"alpha==1.0"', '"alpha==1.0", "delta"'))
    (finding,) = _report(path, [health.LOCK]).findings
    assert finding.status == "warn" and finding.check == "lock"
    assert finding.detail == "uv.lock is out of date with pyproject.toml: `uv lock` would change it"
    assert finding.data["up_to_date"] is False


def test_verify_json_warns_naming_a_package_the_lock_does_not_name(project_factory, wheelhouse) -> None:
    path = project_factory(["alpha==1.0"])
    install_into(path / ".venv", wheelhouse, ["delta"])
    result = run_envtui("verify", "--venv", str(path), "--json")
    assert result.returncode == 0, result.stderr  # a warning is not a failure
    data = json.loads(result.stdout)
    named = [c for c in data["checks"] if c.get("package") == "delta"]
    assert named and named[0]["status"] == "warn" and named[0]["check"] == "environment vs lock"
    assert "would be removed by `uv sync`" in named[0]["detail"]
    lock = next(c for c in data["checks"] if c["name"] == "lock")
    assert lock["status"] == "ok" and lock["project"] == "proj"


def test_a_packaged_project_rebuilt_by_uv_is_not_drift(project_factory) -> None:
    """Touching pyproject.toml makes ``uv sync`` rebuild the project itself: that is no difference."""
    path = project_factory(["gamma"], package=True)
    assert "proj" in (path / ".venv").joinpath("lib").glob("*/site-packages/_proj.pth").__next__().name
    os.utime(path / "pyproject.toml", (time.time() + 5, time.time() + 5))
    assert [(f.name, f.status) for f in _report(path).findings] == [("lock", "ok"), ("environment vs lock", "ok")]
    result = run_envtui("verify", "--venv", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    preview = json.loads(run_envtui("sync", "--venv", str(path), "--dry-run", "--json").stdout)
    assert (preview["added"], preview["removed"], preview["changed"]) == ([], [], [])
