"""The read-only CLI: list, info, tree, envs — outputs, JSON contract, exit codes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.factory import run_envtui, site_packages

LIST_KEYS = {
    "name",
    "version",
    "summary",
    "requires",
    "required_by",
    "top_level",
    "category",
    "installer",
    "location",
    "editable",
    "problems",
    "group",  # from uv.lock in a project; null in a plain venv
    "direct",
}


def test_version_and_help() -> None:
    from envtui import __version__

    assert run_envtui("--version").stdout.strip() == f"envtui {__version__}"
    helped = run_envtui("--help")
    assert helped.returncode == 0
    for command in ("list", "info", "tree", "envs"):
        assert command in helped.stdout


def test_list_json_contract(env_path: Path) -> None:
    result = run_envtui("list", "--venv", str(env_path), "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["name"] for r in rows] == ["alpha", "beta", "boom", "gamma"]
    assert all(set(r) == LIST_KEYS for r in rows)
    alpha = rows[0]
    assert alpha["version"] == "2.0" and alpha["requires"] == ["beta>=1.1"]
    assert alpha["required_by"] == ["gamma"] and alpha["top_level"] is False
    assert alpha["editable"] is False and alpha["problems"] == []
    assert alpha["installer"] == "uv" and alpha["location"] == str(site_packages(env_path))


def test_list_top_level_and_text(env_path: Path) -> None:
    rows = json.loads(run_envtui("list", "--venv", str(env_path), "--json", "--top-level").stdout)
    assert [r["name"] for r in rows] == ["boom", "gamma"]
    text = run_envtui("list", "--venv", str(env_path)).stdout
    assert "gamma" in text and "The third letter" in text and text.rstrip().endswith("4 packages")
    python = "{}.{}.{}".format(*sys.version_info[:3])
    assert text.splitlines()[0] == f"{env_path} · Python {python} · venv (uv)"


def test_list_outdated_uses_users_uv_settings(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0", "beta==1.1"])
    rows = json.loads(run_envtui("list", "--venv", str(venv), "--json", "--outdated").stdout)
    assert [(r["name"], r["version"], r["latest"]) for r in rows] == [("alpha", "1.0", "2.0")]


def test_info_text_and_json(env_path: Path) -> None:
    text = run_envtui("info", "alpha", "--venv", str(env_path))
    assert text.returncode == 0
    assert "Requires:    beta 1.1" in text.stdout and "Required by: gamma" in text.stdout
    data = json.loads(run_envtui("info", "ALPHA", "--venv", str(env_path), "--json").stdout)
    assert data["dependencies"] == [{"name": "beta", "installed": "1.1"}]
    assert data["classifiers"] == ["Framework :: FastAPI"] and data["category"] == "Core Web"
    missing = run_envtui("info", "nothere", "--venv", str(env_path))
    assert missing.returncode == 1 and missing.stderr.startswith("error: package not installed: nothere")


def test_tree_forward_reverse_json(env_path: Path) -> None:
    tree = run_envtui("tree", "--venv", str(env_path)).stdout.splitlines()
    assert tree == ["boom v1.0", "gamma v1.0", "└── alpha v2.0", "    └── beta v1.1"]
    reverse = run_envtui("tree", "beta", "--reverse", "--venv", str(env_path)).stdout.splitlines()
    assert reverse == ["beta v1.1", "└── alpha v2.0", "    └── gamma v1.0"]
    nested = json.loads(run_envtui("tree", "gamma", "--json", "--venv", str(env_path)).stdout)
    assert nested == [
        {
            "name": "gamma",
            "version": "1.0",
            "dependencies": [
                {
                    "name": "alpha",
                    "version": "2.0",
                    "dependencies": [{"name": "beta", "version": "1.1", "dependencies": []}],
                }
            ],
        }
    ]


def test_envs_lists_discovered(tmp_path: Path, venv_factory) -> None:
    venv_factory(name="one/.venv")
    venv_factory(name="two")
    data = json.loads(run_envtui("envs", str(tmp_path), "--json").stdout)
    assert [Path(e["path"]).relative_to(tmp_path.resolve()).as_posix() for e in data] == ["one/.venv", "two"]
    assert all(e["creator"] == "uv" and e["version"] and not e["broken"] for e in data)


def _broken_venv(base: Path, venv_factory) -> Path:
    venv = venv_factory(name="broken")
    (venv / "bin" / "python").unlink()
    os.symlink("/nonexistent/python9", venv / "bin" / "python")
    return venv


BAD_TARGETS = {
    "missing": lambda base, f: base / "does-not-exist",
    "file": lambda base, f: (base / "f.txt").write_text("x") or base / "f.txt",
    "not-a-venv": lambda base, f: (base / "plain").mkdir() or base / "plain",
    "broken-python": _broken_venv,
}


@pytest.mark.parametrize("bad", sorted(BAD_TARGETS))
@pytest.mark.parametrize(
    "command", [["list"], ["list", "--json"], ["info", "alpha"], ["tree"], ["tree", "alpha", "--reverse"]]
)
def test_bad_venv_is_one_line_exit_2(tmp_path: Path, venv_factory, bad: str, command: list[str]) -> None:
    target = BAD_TARGETS[bad](tmp_path, venv_factory)
    result = run_envtui(*command, "--venv", str(target))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith("error: ") and len(lines) <= 2
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--bogus"],
        ["info"],
        ["info", "not a name"],
        ["info", "../etc"],
        ["tree", "--venv"],
        ["envs", "/does/not/exist"],
        ["envs", "--depth", "-1"],
        ["envs", "--depth", "x"],
    ],
)
def test_bad_usage_is_one_line_exit_2(args: list[str]) -> None:
    result = run_envtui(*args)
    assert result.returncode == 2, result
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "hint"),
    [
        (["instal", "six"], "hint: did you mean install?"),
        (["snapshot"], "hint: did you mean snapshots?"),
        (["rollbak", "--dry-run"], "hint: did you mean rollback?"),
        (["frobnicate", "--dry-run"], None),
    ],
)
def test_a_mistyped_command_is_named_with_a_guess(tmp_path: Path, args: list[str], hint: str | None) -> None:
    result = run_envtui(*args, cwd=tmp_path)
    assert result.returncode == 2, result
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: unknown command: {args[0]}"
    assert (lines[-1] == hint) if hint else not any(line.startswith("hint:") for line in lines)


def test_a_word_that_is_a_path_still_opens_it_not_a_command_guess(tmp_path: Path) -> None:
    (tmp_path / "lsit").mkdir()
    result = run_envtui("lsit", "--bogus", cwd=tmp_path)
    assert result.returncode == 2 and "unknown command" not in result.stderr


def test_envs_on_a_file_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("")
    result = run_envtui("envs", str(tmp_path / "f"))
    assert result.returncode == 2 and result.stderr.startswith("error: not a directory")


def test_missing_uv_is_a_clear_error(env_path: Path) -> None:
    result = run_envtui("list", "--venv", str(env_path), env={"ENVTUI_UV": "/nonexistent/uv"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: ENVTUI_UV names no executable: /nonexistent/uv")


def test_broken_uv_is_a_clear_error(env_path: Path, tmp_path: Path) -> None:
    fake = tmp_path / "uv"
    fake.write_text("#!/bin/sh\necho 'uv: cannot start' >&2\nexit 3\n")
    fake.chmod(0o755)
    result = run_envtui("list", "--venv", str(env_path), "--json", env={"ENVTUI_UV": str(fake)})
    # The metadata scan stands in for a failing uv listing, and says so.
    assert result.returncode == 0
    assert "uv pip list failed (uv: cannot start)" in result.stderr
    assert [r["name"] for r in json.loads(result.stdout)] == ["alpha", "beta", "boom", "gamma"]


def test_find_uv_from_many_threads_at_once() -> None:
    """Workers look uv up concurrently; every one gets the same working binary."""
    from concurrent.futures import ThreadPoolExecutor

    from envtui.core import uv as uv_module

    uv_module._FOUND.clear()
    with ThreadPoolExecutor(max_workers=16) as pool:
        found = set(pool.map(lambda _: uv_module.find_uv(), range(64)))
    assert len(found) == 1
    assert uv_module.Uv(found.pop()).version().count(".") >= 1


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--venv", ""],
        ["info", "alpha", "--venv", " "],
        ["install", "--venv", "", "alpha", "--dry-run"],
        ["verify", "--venv", ""],
    ],
)
def test_an_empty_venv_path_is_bad_input_not_the_default(args: list[str]) -> None:
    """``--venv "$UNSET"`` must never fall back to whatever environment is around."""
    result = run_envtui(*args)
    assert result.returncode == 2
    assert result.stderr.startswith("error: empty path given for the environment")


def test_tree_marks_a_subtree_already_shown_as_uv_does(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    from tests.factory import WheelSpec, build_wheel, install_into, uv_bin, uv_env

    extra = tmp_path / "extra"
    build_wheel(extra, WheelSpec("top", "1.0", requires=["alpha", "gamma"], summary="Needs alpha twice"))
    venv = venv_factory()
    install_into(venv, wheelhouse, ["top"], "--find-links", str(extra))
    tree = run_envtui("tree", "--venv", str(venv)).stdout.splitlines()
    assert tree == [
        "top v1.0",
        "├── alpha v2.0",
        "│   └── beta v1.1",
        "└── gamma v1.0",
        "    └── alpha v2.0 (*)",
        "(*) Package tree already displayed",
    ]
    import subprocess

    uv_tree = subprocess.run(
        [uv_bin(), "pip", "tree", "--python", str(venv / "bin" / "python")],
        capture_output=True,
        text=True,
        env=uv_env(),
    ).stdout.splitlines()
    assert tree == uv_tree
    # A leaf met again is simply repeated; the reverse tree marks what it already showed too.
    reverse = run_envtui("tree", "beta", "--reverse", "--venv", str(venv)).stdout.splitlines()
    assert reverse == [
        "beta v1.1",
        "└── alpha v2.0",
        "    ├── gamma v1.0",
        "    │   └── top v1.0",
        "    └── top v1.0",
    ]
    data = json.loads(run_envtui("tree", "--json", "--venv", str(venv)).stdout)
    assert data[0]["dependencies"][1]["dependencies"] == [
        {"name": "alpha", "version": "2.0", "dependencies": [], "repeated": True}
    ]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["info", "gama"], 1),
        (["tree", "gama"], 1),
        (["tree", "gama", "--reverse"], 1),
        (["upgrade", "gama"], 2),
        (["upgrade", "--dry-run", "alpha", "gama"], 2),
        (["uninstall", "gama"], 0),
        (["uninstall", "--dry-run", "gama"], 0),
    ],
)
def test_a_name_not_installed_gets_did_you_mean(env_path: Path, command: list[str], code: int) -> None:
    result = run_envtui(*command, "--venv", str(env_path))
    assert result.returncode == code, result.stderr
    assert "did you mean gamma?" in result.stderr
    assert "gamma v1.0" not in result.stdout  # nothing was shown or done for the guess


def test_no_guess_when_nothing_is_close(env_path: Path) -> None:
    result = run_envtui("info", "nothere", "--venv", str(env_path))
    assert result.returncode == 1 and result.stderr.splitlines() == [
        "error: package not installed: nothere",
        f"  cause: in {env_path}",
    ]


def test_names_are_shown_normalised_as_uv_shows_them(tmp_path: Path, venv_factory, wheelhouse: Path) -> None:
    from tests.factory import WheelSpec, build_wheel, install_into

    extra = tmp_path / "extra"
    build_wheel(extra, WheelSpec("Two_Parts", "1.0", requires=["Beta"], summary="Spelt its own way"))
    build_wheel(extra, WheelSpec("Jinja.Like", "2.0", requires=["two.parts"], summary="Also"))
    venv = venv_factory()
    install_into(venv, wheelhouse, ["Jinja.Like"], "--find-links", str(extra))
    rows = json.loads(run_envtui("list", "--venv", str(venv), "--json").stdout)
    assert [(r["name"], r["required_by"]) for r in rows] == [
        ("beta", ["two-parts"]),
        ("jinja-like", []),
        ("two-parts", ["jinja-like"]),
    ]
    assert run_envtui("tree", "--venv", str(venv)).stdout.splitlines() == [
        "jinja-like v2.0",
        "└── two-parts v1.0",
        "    └── beta v1.1",
    ]
    info = run_envtui("info", "TWO_PARTS", "--venv", str(venv)).stdout
    assert "Name:        two-parts" in info and "Required by: jinja-like" in info


def test_venv_may_come_before_the_command(env_path: Path) -> None:
    """As uv takes its global options before the command: ``envtui --venv PATH list``."""
    after = run_envtui("list", "--venv", str(env_path), "--json")
    for before in (["--venv", str(env_path)], [f"--venv={env_path}"]):
        listed = run_envtui(*before, "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert json.loads(listed.stdout) == json.loads(after.stdout)
    missing = run_envtui("--venv", str(env_path / "nothing"), "list")
    assert missing.returncode == 2 and missing.stderr.startswith("error: no such file or directory")
    twice = run_envtui(str(env_path), "--venv", str(env_path))  # the TUI takes --venv too, but once
    assert twice.returncode == 2 and twice.stderr == "error: give the environment once: PATH or --venv PATH\n"
