"""``envtui verify`` and ``envtui trust`` as a script or CI job runs them: output, JSON, exit codes."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.factory import run_envtui
from tests.health_server import health_server, refused_url
from tests.test_config import run_in


def test_a_healthy_environment_exits_0(env_path: Path) -> None:
    result = run_envtui("verify", "--venv", str(env_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "interpreter" in result.stdout and "dependencies" in result.stdout
    assert "0 fail" in result.stdout.splitlines()[-1]


def test_json_shape(env_path: Path) -> None:
    result = run_envtui("verify", "--venv", str(env_path), "--json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["checks"]
    for check in data["checks"]:
        assert {"name", "status", "detail"} <= set(check)
        assert check["status"] in ("ok", "warn", "fail")


def test_a_failing_check_exits_1_and_is_named(env_path: Path, tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text(f'venv = "{env_path}"\nimports = ["alpha", "boom"]\n')
    result = run_in(tmp_path, "verify", "--json")
    assert result.returncode == 1, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is False
    boom = next(c for c in data["checks"] if c["name"] == "import boom")
    assert boom["status"] == "fail" and boom["detail"] == "RuntimeError: boom is broken"
    assert boom["package"] == "boom"
    text = run_in(tmp_path, "verify")
    assert text.returncode == 1 and "FAIL" in text.stdout and "RuntimeError: boom is broken" in text.stdout


def test_venv_option_wins_over_the_config(env_path: Path, venv_factory, tmp_path: Path) -> None:
    other = venv_factory(["alpha"], name="other")
    (tmp_path / "envtui.toml").write_text(f'venv = "{env_path}"\nimports = ["boom"]\n')
    assert run_in(tmp_path, "verify").returncode == 1
    result = run_in(tmp_path, "verify", "--venv", str(other), "--json")
    interpreter = json.loads(result.stdout)["checks"][0]
    assert interpreter["python"].startswith(str(other))


def test_warnings_alone_exit_0(env_path: Path, tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text(f'venv = "{env_path}"\n[hooks]\nafter-change = ["true"]\n')
    result = run_in(tmp_path, "verify", "--json")
    assert result.returncode == 0, result.stdout
    hooks = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "hooks")
    assert hooks["status"] == "warn" and "not trusted" in hooks["detail"]


def test_a_dead_service_finishes_in_about_its_timeout(env_path: Path, tmp_path: Path) -> None:
    with health_server() as base:
        (tmp_path / "envtui.toml").write_text(
            f'venv = "{env_path}"\n'
            f'[[services]]\nname = "stuck"\nurl = "{base}/hang"\ntimeout = 2\n'
            f'[[services]]\nname = "gone"\nurl = "{refused_url()}"\ntimeout = 2\n'
            f'[[services]]\nname = "backend"\nurl = "{base}/ok"\n'
        )
        started = time.monotonic()
        result = run_in(tmp_path, "verify", "--json")
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    statuses = {c["name"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    assert statuses["service stuck"] == "fail" and statuses["service gone"] == "fail"
    assert statuses["service backend"] == "ok"
    assert elapsed < 6, elapsed  # 2 s timeout plus interpreter start-up, never a hang


def test_a_venv_whose_interpreter_is_gone_fails_not_usage(venv_factory) -> None:
    venv = venv_factory()
    python = venv / "bin" / "python"
    python.unlink()
    os.symlink("/gone/after/upgrade/python3", python)
    result = run_envtui("verify", "--venv", str(venv), "--json")
    assert result.returncode == 1, result.stderr
    [check] = json.loads(result.stdout)["checks"]
    assert check["name"] == "interpreter" and check["status"] == "fail"


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    missing = run_envtui("verify", "--venv", str(tmp_path / "nothing"))
    assert missing.returncode == 2 and missing.stderr.startswith("error: ")
    not_a_venv = run_envtui("verify", "--venv", str(tmp_path))
    assert not_a_venv.returncode == 2


def test_trust_prints_what_will_run(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('[hooks]\nbefore-change = ["supervisorctl", "stop", "backend"]\n')
    result = run_in(tmp_path, "trust")
    assert result.returncode == 0, result.stderr
    assert "trusted:" in result.stdout and 'before-change: ["supervisorctl", "stop", "backend"]' in result.stdout
    data = json.loads(run_in(tmp_path, "trust", "--json", "envtui.toml").stdout)
    assert data["trusted"] is True and data["hooks"][0]["argv"][0] == "supervisorctl"
    revoked = run_in(tmp_path, "trust", "--revoke")
    assert revoked.returncode == 0 and "no longer trusted" in revoked.stdout


def test_trust_without_a_config_or_with_a_bad_one_exits_2(tmp_path: Path) -> None:
    assert run_in(tmp_path, "trust").returncode == 2
    (tmp_path / "envtui.toml").write_text("[hooks]\nbefore-change = 1\n")
    result = run_in(tmp_path, "trust")
    assert result.returncode == 2 and "hooks.before-change" in result.stderr


def test_a_relative_venv_path_works(venv_factory, tmp_path: Path) -> None:
    venv_factory(["alpha"], name="relvenv")
    (tmp_path / "envtui.toml").write_text('imports = ["alpha"]\n')
    result = run_in(tmp_path, "verify", "--venv", "relvenv", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    statuses = {c["name"]: c["status"] for c in json.loads(result.stdout)["checks"]}
    assert statuses["import alpha"] == "ok"


def test_outdated_is_a_warning_and_asked_for_only_on_request(venv_factory, offline_uv: Path) -> None:
    venv = venv_factory(["alpha==1.0"])
    plain = json.loads(run_envtui("verify", "--venv", str(venv), "--json").stdout)
    assert "outdated" not in {c["name"] for c in plain["checks"]}
    result = run_envtui("verify", "--venv", str(venv), "--outdated", "--json")
    assert result.returncode == 0, result.stderr
    outdated = next(c for c in json.loads(result.stdout)["checks"] if c["name"] == "outdated")
    assert outdated["status"] == "warn" and "alpha 1.0 -> 2.0" in outdated["detail"]


def test_verify_does_not_import_textual(env_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys, io, contextlib\n"
        "from envtui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['verify', '--json', '--venv', {str(env_path)!r}]) == 0\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
