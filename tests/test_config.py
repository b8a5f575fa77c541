"""Configuration: where it is found, what each key means, and how a bad file is reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from envtui.core.config import Config, find_config, load_config
from envtui.core.errors import UsageError
from tests.factory import run_envtui

ROOT = Path(__file__).resolve().parent.parent


def run_in(cwd: Path, *args: str):
    """Run the CLI from another directory (the source tree on the path, as an install would be)."""
    return run_envtui(*args, cwd=cwd, env={"PYTHONPATH": str(ROOT)})


FULL = """\
venv = ".venv"
requirements = ["requirements.txt", "deps/dev.txt"]
imports = ["fastapi", "uvicorn", "motor.motor_asyncio"]
import-timeout = 5
service-interval = 15

[[services]]
name = "backend"
url = "http://127.0.0.1:8001/api/health"
timeout = 2.0

[[services]]
url = "https://example.invalid/health"

[hooks]
before-change = ["supervisorctl", "stop", "backend"]
after-change = [["supervisorctl", "start", "backend"], ["sleep", "1"]]

[categories]
My_Internal_Lib = "Core Web"
"""


def test_every_key(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text(FULL)
    config = load_config(tmp_path / "envtui.toml")
    assert config.path == (tmp_path / "envtui.toml").resolve() and config.table == ""
    assert config.venv == tmp_path.resolve() / ".venv"
    assert config.requirements == (tmp_path.resolve() / "requirements.txt", tmp_path.resolve() / "deps/dev.txt")
    assert config.imports == ("fastapi", "uvicorn", "motor.motor_asyncio")
    assert (config.import_timeout, config.service_interval) == (5.0, 15.0)
    backend, other = config.services
    assert (backend.name, backend.url, backend.timeout) == ("backend", "http://127.0.0.1:8001/api/health", 2.0)
    assert other.timeout == 3.0 and other.name == other.url
    assert config.hooks.before_change == (("supervisorctl", "stop", "backend"),)
    assert config.hooks.after_change == (("supervisorctl", "start", "backend"), ("sleep", "1"))
    assert dict(config.categories) == {"my-internal-lib": "Core Web"}
    assert len(config.digest) == 64


def test_no_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(cwd=tmp_path)
    assert config == Config() or (config.path is None and not config.hooks and not config.services)


def test_found_in_a_parent_directory(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('imports = ["json"]\n')
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert load_config(cwd=deep).imports == ("json",)


def test_pyproject_tool_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.envtui]\nvenv = "env"\nimports = ["os"]\n')
    config = load_config(cwd=tmp_path)
    assert config.table == "tool.envtui" and config.venv == tmp_path.resolve() / "env"
    assert "[tool.envtui]" in config.label


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('imports = ["os"]\n')
    inner = tmp_path / "pkg"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[project]\nname = "pkg"\n')
    assert find_config(inner) == tmp_path.resolve() / "envtui.toml"


def test_envtui_toml_wins_in_the_same_directory_and_the_nearest_wins(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('imports = ["outer"]\n')
    inner = tmp_path / "svc"
    inner.mkdir()
    (inner / "pyproject.toml").write_text('[tool.envtui]\nimports = ["inner"]\n')
    assert load_config(cwd=inner).imports == ("inner",)
    (inner / "envtui.toml").write_text('imports = ["own"]\n')
    assert load_config(cwd=inner).imports == ("own",)


def test_a_directory_given_as_config(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('imports = ["os"]\n')
    assert load_config(str(tmp_path)).imports == ("os",)


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        ('venv = ".venv"\nimprots = ["x"]\n', ":2: improts: unknown key", "expected one of"),
        ("venv = 3\n", ":1: venv: must be a non-empty string", "integer"),
        ('imports = "fastapi uvicorn"\n', ":1: imports: not a module name", "fastapi uvicorn"),
        ("imports = [1, 2]\n", ":1: imports: must be a list of non-empty strings", "array"),
        ('[[services]]\nname = "b"\nurl = "http://x/"\ntimeout = "2"\n', ":4: services[1].timeout", "string"),
        ('[[services]]\nname = "b"\nurl = "http://x/"\nport = 80\n', ":4: services[1].port: unknown key", ""),
        ('[[services]]\nname = "b"\n', "services[1].url: is required", ""),
        ('[[services]]\nurl = "ftp://x"\n', "services[1].url: must be an http:// or https:// URL", ""),
        (
            '[[services]]\nurl = "http://x/"\ntimeout = 0\n',
            "services[1].timeout: must be a number of seconds above 0",
            "",
        ),
        (
            '[hooks]\nbefore-change = "supervisorctl stop backend"\n',
            ":2: hooks.before-change: must be an argument list",
            "",
        ),
        ('[hooks]\nbefore_change = ["x"]\n', ":2: hooks.before_change: unknown key", ""),
        ("[categories]\nalpha = 1\n", ":2: categories.alpha: must be a category name", ""),
        ('services = "http://x"\n', "services: must be an array of tables", ""),
    ],
)
def test_bad_keys_name_the_file_and_key(tmp_path: Path, text: str, where: str, words: str) -> None:
    file = tmp_path / "envtui.toml"
    file.write_text(text)
    with pytest.raises(UsageError) as caught:
        load_config(cwd=tmp_path)
    assert caught.value.exit_code == 2
    assert str(file.resolve()) in caught.value.message and where in caught.value.message
    assert words in caught.value.message


def test_keys_in_pyproject_are_named_with_their_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.envtui]\nvenv = ".venv"\nvnev = "x"\n')
    with pytest.raises(UsageError, match=r"pyproject.toml:3: tool\.envtui\.vnev: unknown key"):
        load_config(cwd=tmp_path)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text("venv = 1\nfoo = 2\n[hooks]\nafter-change = 3\n")
    with pytest.raises(UsageError) as caught:
        load_config(cwd=tmp_path)
    assert ":1: venv" in caught.value.message
    assert "line 2: foo" in caught.value.cause and "line 4: hooks.after-change" in caught.value.cause


def test_malformed_toml_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text('venv = ".venv"\nimports = [\n"a",\n"b"\n[hooks]\n')
    with pytest.raises(UsageError) as caught:
        load_config(cwd=tmp_path)
    assert "envtui.toml:5: malformed TOML" in caught.value.message


def test_a_missing_explicit_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="config file not found"):
        load_config(tmp_path / "nope.toml")


def test_an_explicit_pyproject_without_the_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    with pytest.raises(UsageError, match=r"no \[tool.envtui\] table"):
        load_config(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("venv = [\n", ()),
        ("venv = 3\n", ()),
        ("", ("--config", "missing.toml")),
    ],
)
def test_verify_exits_2_on_bad_config_without_a_traceback(tmp_path: Path, text: str, args: tuple) -> None:
    (tmp_path / "envtui.toml").write_text(text)
    result = run_in(tmp_path, "verify", *args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert ("envtui.toml" in result.stderr) or ("missing.toml" in result.stderr)


def test_category_overrides_reach_list_and_info(tmp_path: Path, env_path: Path) -> None:
    (tmp_path / "envtui.toml").write_text(f'venv = "{env_path}"\n[categories]\nBoom = "Auth"\n')
    rows = json.loads(run_in(tmp_path, "list", "--json").stdout)
    assert {r["name"]: r["category"] for r in rows}["boom"] == "Auth"
    info = run_envtui("info", "boom", "--json", "--config", str(tmp_path / "envtui.toml"))
    assert json.loads(info.stdout)["category"] == "Auth"
    plain = json.loads(run_envtui("list", "--json", "--venv", str(env_path)).stdout)
    assert {r["name"]: r["category"] for r in plain}["boom"] != "Auth"
