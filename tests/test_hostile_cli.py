"""Every CLI command over the hostile corpus: nothing drives the terminal, leaks, loosens or crashes.

See tests/hostile.py for the corpus: hostile package metadata (real wheels and a tampered
dist-info) in a venv whose path holds escapes and markup, a service answering hostile JSON,
hook arguments with escapes, requirements files that include /dev/zero, a FIFO, themselves too
deep, and a secret planted in URLs.
"""

from __future__ import annotations

import base64
import json
import os
import shlex
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factory import run_envtui, uv_bin
from tests.hostile import SECRET, TITLE, World, assert_terminal_safe, hostile_world


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Iterator[World]:
    """The hostile corpus, built once for this module."""
    os.environ.setdefault("UV_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "uv-cache"))
    with hostile_world(tmp_path_factory.mktemp("hostile"), wheelhouse) as built:
        yield built


def run(world: World, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run envtui in the hostile project (its envtui.toml applies) and check what it printed."""
    started = time.monotonic()
    result = run_envtui(*args, cwd=world.project, timeout=timeout)
    assert result.returncode in (0, 1, 2), (args, result.returncode, result.stderr)
    for stream in (result.stdout, result.stderr):
        assert_terminal_safe(stream)
        assert SECRET not in stream, (args, stream)
        assert "Traceback" not in stream, (args, stream)
    result.seconds = time.monotonic() - started  # type: ignore[attr-defined]
    return result


def freeze(venv: Path) -> str:
    """What is installed, as uv says it, to tell that nothing changed."""
    return subprocess.run(
        [uv_bin(), "pip", "freeze", "--python", str(venv / "bin" / "python")], capture_output=True, text=True
    ).stdout


READ_COMMANDS = [
    ["list"],
    ["list", "--json"],
    ["list", "--top-level"],
    ["info", "hostile00"],
    ["info", "hostile09", "--json"],
    ["info", "hostile10"],
    ["tree"],
    ["tree", "--reverse"],
    ["tree", "hostile00", "--json"],
    ["verify"],
    ["verify", "--json"],
    ["trust"],
    ["trust", "--json"],
    ["jobs"],
    ["jobs", "--json"],
]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=[" ".join(a) for a in READ_COMMANDS])
def test_read_commands_print_only_safe_text(world: World, args: list[str]) -> None:
    result = run(world, *args)
    assert result.returncode in (0, 1), result.stderr
    if "--json" in args:
        json.loads(result.stdout)  # still one valid document


def test_list_json_is_lossless(world: World) -> None:
    rows = {row["name"]: row for row in json.loads(run(world, "list", "--json").stdout)}
    assert rows["hostile00"]["summary"] == f"\x1b]0;{TITLE}\x07 sets the window title"
    assert rows["hostile04"]["summary"].startswith("\x9b2J 8-bit CSI")
    assert any("\x1b]0;" in name for name in rows)  # the tampered name, as the metadata has it
    text = run(world, "list").stdout
    assert "\\x1b]0;PWNED-TITLE\\x07 sets the window title" in text  # shown literally
    assert "[link=https://evil.example/]HOME[/link]" in text


def test_envs_shows_a_hostile_path_literally(world: World) -> None:
    result = run(world, "envs", str(world.venv.parent.parent.parent), "--json")
    assert [e["path"] for e in json.loads(result.stdout)] == [str(world.venv)]
    text = run(world, "envs", str(world.venv.parent.parent.parent)).stdout
    assert "venv-\\x1b]0;PWNED-TITLE\\x07-[/]" in text and "\\x9b2J" in text


def test_verify_fails_each_hostile_answer_on_its_own(world: World) -> None:
    result = run(world, "verify", "--json")
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert "answer too deep" in checks["service deep"]["detail"]
    assert checks["service deep"]["status"] == "fail"
    assert "larger than 1 MiB" in checks["service huge"]["detail"]
    assert checks["service auth"]["status"] == "ok"
    assert checks["service auth"]["url"].startswith("http://user:****@")
    assert checks["service clip"]["status"] == "ok"  # a hostile version is only shown, safely
    assert checks["hooks"]["status"] == "warn"  # untrusted: the hooks would be skipped
    drift = [c for c in checks.values() if c["check"] == "drift"]
    assert drift and drift[0]["status"] == "fail" and "character device" in drift[0]["detail"]
    # The secret went to the service in a header, never into the request line or an error.
    assert any(a.startswith("Basic ") for a in world.authorizations)
    text = run(world, "verify").stdout
    assert "service title \\x1b]0;PWNED-TITLE\\x07" in text


def test_trust_shows_each_hook_as_its_arguments(world: World) -> None:
    text = run(world, "trust").stdout
    assert 'before-change: ["true", "\\x1b]0;PWNED-TITLE\\x07", "\\x1b[2K\\rrm -rf /", "[/]", "\\u202eevil"]' in text
    hooks = json.loads(run(world, "trust", "--json").stdout)["hooks"]
    assert hooks[0]["argv"][1] == f"\x1b]0;{TITLE}\x07"  # JSON keeps the exact argument
    run(world, "trust", "--revoke")


CHANGE_PREVIEWS = [
    ["install", "--dry-run", "alpha"],
    ["install", "--dry-run", "--json", "alpha"],
    ["upgrade", "--dry-run", "hostile00"],
    ["uninstall", "--dry-run", "hostile00"],
    ["uninstall", "--dry-run", "--json", "hostile10"],
    ["sync", "--dry-run", "SYNC"],
]


@pytest.mark.parametrize("args", CHANGE_PREVIEWS, ids=[" ".join(a) for a in CHANGE_PREVIEWS])
def test_change_previews_print_only_safe_text(world: World, offline_uv: Path, args: list[str]) -> None:
    if "SYNC" in args:
        sync = world.project / "sync.txt"
        sync.write_text("hostile00==1.0\n")
        args = [str(sync) if a == "SYNC" else a for a in args]
    before = freeze(world.venv)
    result = run(world, *args)
    assert result.returncode == 0, result.stderr
    assert freeze(world.venv) == before


def test_diff_shows_hostile_requirement_lines_literally(world: World) -> None:
    result = run(world, "diff", str(world.files["escapes"]))
    assert result.returncode == 2
    assert f"error: invalid requirement at {world.files['escapes']}:1" in result.stderr


HOSTILE_FILES = ["dev-zero", "fifo", "directory", "deep", "bomb", "huge"]


@pytest.mark.parametrize("name", HOSTILE_FILES)
def test_hostile_requirements_files_fail_at_once_with_one_error(world: World, offline_uv: Path, name: str) -> None:
    before = freeze(world.venv)
    path = str(world.files[name])
    for args in (["install", "-r", path], ["sync", path], ["diff", path], ["install", "--dry-run", "-r", path]):
        result = run(world, *args, timeout=60)
        assert result.returncode == 2, (args, result.stderr)
        assert result.seconds < 30, (args, result.seconds)  # type: ignore[attr-defined]
        lines = result.stderr.strip().splitlines()
        assert lines[0].startswith("error: ") and all(line.startswith("  cause: ") for line in lines[1:])
        assert len(lines) <= 2, result.stderr
    assert freeze(world.venv) == before


def test_a_local_directory_by_file_url_is_refused(world: World, tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "proj"\nversion = "0.1"\n')
    before = freeze(world.venv)
    result = run(world, "install", f"proj @ file://{project}")
    assert result.returncode == 2
    assert "use --editable PATH" in result.stderr
    assert freeze(world.venv) == before


def test_a_venv_or_config_named_like_an_option_is_a_path(world: World, venv_factory, offline_uv: Path) -> None:
    venv_factory(name="-x")  # a venv literally named "-x", in the test's tmp dir
    where = Path(venv_factory(name="other")).parent
    result = run_envtui("install", "--dry-run", "--venv=-x", "alpha", cwd=where)
    assert result.returncode == 0, result.stderr
    assert "would install" in result.stdout
    result = run_envtui("list", "--venv=-x", cwd=where)
    assert result.returncode == 0 and str(where / "-x") in result.stdout
    result = run_envtui("list", "--venv=-x", "--config=-nope", cwd=where)
    assert result.returncode == 2
    assert f"config file not found: {where / '-nope'}" in result.stderr


def test_change_jobs_keep_no_secret_and_private_state(
    world: World, venv_factory, offline_uv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UV_OFFLINE")  # uv downloads the wheel from the local server (no index)
    venv = venv_factory()
    wheel_url = world.base_url.replace("http://", f"http://user:{SECRET}@") + "/files/alpha-1.0-py3-none-any.whl"
    state = Path(os.environ["ENVTUI_STATE_DIR"])
    umask = f"umask 022 && exec {shlex.quote(sys.executable)} -m envtui"

    def sh(*args: str) -> subprocess.CompletedProcess[str]:
        command = umask + " " + " ".join(shlex.quote(a) for a in args)
        result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, timeout=120)
        for stream in (result.stdout, result.stderr):
            assert_terminal_safe(stream)
            assert SECRET not in stream
        return result

    installed = sh("install", "--venv", str(venv), f"alpha @ {wheel_url}")
    assert installed.returncode == 0, installed.stderr
    assert "(from http://user:****@127.0.0.1" in installed.stderr
    assert "alpha @ http://127.0.0.1" in freeze(venv)
    token = base64.b64encode(f"user:{SECRET}".encode()).decode()
    assert f"Basic {token}" in world.authorizations  # uv got the real URL, credentials and all
    failed = sh("install", "--venv", str(venv), "-r", str(world.files["secret-index"]))
    assert failed.returncode == 1
    listing = sh("jobs", "--venv", str(venv))
    assert listing.returncode == 0 and "install alpha @ http://user:****@" in listing.stdout
    records = json.loads(sh("jobs", "--all", "--json").stdout)
    job_id = next(r["id"] for r in records if r["description"].startswith("install alpha @"))
    shown = sh("jobs", job_id)
    assert shown.returncode == 0 and "user:****@" in shown.stdout

    grep = subprocess.run(["grep", "-r", SECRET, str(state)], capture_output=True, text=True)
    assert grep.returncode == 1, grep.stdout  # grep -r finds no planted secret
    loose = subprocess.run(
        ["find", str(state), "(", "-type", "f", "-perm", "/077", ")", "-o", "(", "-type", "d", "-perm", "/077", ")"],
        capture_output=True,
        text=True,
    )
    assert loose.stdout == "", loose.stdout  # nothing looser than 0600 / 0700
    assert (state / "jobs").is_dir() and (state / "locks").is_dir()
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in state.rglob("*")}
    assert modes and all(mode in (0o600, 0o700) for mode in modes.values()), modes


def test_hooks_with_hostile_arguments_run_and_print_safely(world: World, venv_factory, offline_uv: Path) -> None:
    venv = venv_factory()
    assert run(world, "trust").returncode == 0
    try:
        result = run(world, "install", "--venv", str(venv), "alpha")
    finally:
        run(world, "trust", "--revoke")
    assert result.returncode == 0, result.stderr
    assert "before-change hook: $ true" in result.stderr
    assert "\\x1b]0;PWNED-TITLE\\x07" in result.stderr
    assert "health after the change: fail" in result.stderr  # the hostile services, re-checked


def test_bad_job_records_are_skipped_with_a_warning(world: World) -> None:
    jobs = Path(os.environ["ENVTUI_STATE_DIR"]) / "jobs"
    jobs.mkdir(parents=True)
    good = {"id": "20250101-000000-0001111", "kind": "install", "env": "/x", "command": ["uv"], "status": "succeeded"}
    (jobs / f"{good['id']}.json").write_text(json.dumps(good))
    bad = {
        "20250101-000000-0002222": json.dumps({**good, "id": "20250101-000000-0002222", "started": "yesterday"}),
        "20250101-000000-0003333": "{not json",
        "20250101-000000-0004444": "[" * 100_000 + "]" * 100_000,
        "20250101-000000-0005555": json.dumps({**good, "command": "uv pip install"}),
        "20250101-000000-0006666": json.dumps({**good, "id": "../../elsewhere"}),
    }
    for job_id, text in bad.items():
        (jobs / f"{job_id}.json").write_text(text)
    os.mkfifo(jobs / "20250101-000000-0007777.json")
    result = run(world, "jobs", "--all")
    assert result.returncode == 0, result.stderr
    assert good["id"] in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: skipped")]
    assert len(warnings) == 6, result.stderr
    listed = json.loads(run(world, "jobs", "--all", "--json").stdout)
    assert [r["id"] for r in listed] == [good["id"]]
    one = run(world, "jobs", "20250101-000000-0002222")
    assert one.returncode == 1 and "cannot read the record" in one.stderr
    assert run(world, "jobs", "../../etc/passwd").returncode == 2
