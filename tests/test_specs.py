"""User-given specs are checked before anything reaches uv; the uv command line is an argument list."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.core.env.specs import validate_editable, validate_name, validate_spec
from envtui.core.errors import UsageError
from envtui.core.jobs.change import ChangeRequest, build_argv
from envtui.core.jobs.preview import parse_dry_run
from envtui.core.uv import Uv

#: Every kind of bad spec the issue names, and a few more of each kind.
BAD_SPECS = [
    "",
    "   ",
    "--index-url=https://evil.example/simple",
    "-r/etc/passwd",
    "-e.",
    "alpha; rm -rf /",
    "alpha; python_version > '3' && rm",
    "a==1 b",
    "alpha beta",
    "./alpha",
    "../alpha",
    "..",
    "/etc/passwd",
    "alpha/../beta",
    "~/project",
    "x @ file:///tmp/../etc/x.whl",
    "x @ file:relative/x.whl",
    "x @ javascript:alert(1)",
    "alpha\nbeta",
]

GOOD_SPECS = [
    ("alpha", "alpha"),
    ("alpha==1.0", "alpha==1.0"),
    ("alpha[extra]>=2", "alpha[extra]>=2"),
    ("alpha (>=1.0)", "alpha>=1.0"),
    ("name @ https://example.com/name-1.0-py3-none-any.whl", "name @ https://example.com/name-1.0-py3-none-any.whl"),
    ("beta==1.1; python_version >= '3'", 'beta==1.1; python_version >= "3"'),
]


@pytest.mark.parametrize("spec", BAD_SPECS)
def test_bad_specs_are_refused_with_a_usage_error(spec: str) -> None:
    with pytest.raises(UsageError) as caught:
        validate_spec(spec)
    assert caught.value.exit_code == 2
    assert "\n" not in caught.value.message


@pytest.mark.parametrize(("spec", "normal"), GOOD_SPECS)
def test_good_specs_are_accepted_and_normalised(spec: str, normal: str) -> None:
    assert str(validate_spec(spec)) == normal


def test_the_refusal_says_why() -> None:
    with pytest.raises(UsageError, match="not a valid requirement") as caught:
        validate_spec("alpha; rm -rf /")
    assert "marker" in (caught.value.cause or "")
    with pytest.raises(UsageError) as caught:
        validate_spec("a==1 b")
    assert "one spec per argument" in (caught.value.cause or "")
    with pytest.raises(UsageError) as caught:
        validate_spec("-r/etc/passwd")
    assert "starts with '-'" in (caught.value.cause or "")


@pytest.mark.parametrize("name", ["", "-x", "alpha==1.0", "alpha beta", "../x", "alpha[x]"])
def test_upgrade_and_uninstall_take_bare_names(name: str) -> None:
    with pytest.raises(UsageError):
        validate_name(name)
    assert validate_name("pytest-fixture-thing") == "pytest-fixture-thing"


def test_editable_needs_an_explicit_existing_project(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        validate_editable(tmp_path / "missing")
    with pytest.raises(UsageError, match="not a Python project"):
        validate_editable(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    assert validate_editable(tmp_path) == tmp_path.resolve()


def test_requests_refuse_to_be_empty(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="nothing to install"):
        ChangeRequest.install([])
    with pytest.raises(UsageError, match="no such requirements file"):
        ChangeRequest.install(requirements=[str(tmp_path / "nope.txt")])
    with pytest.raises(UsageError):
        ChangeRequest.uninstall([])


def test_argv_puts_specs_after_double_dash_and_files_as_absolute_paths(
    env_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = resolve_environment(env_path)
    uv = Uv("uv")
    (tmp_path / "req.txt").write_text("alpha\n")
    (tmp_path / "proj").mkdir()
    (tmp_path / "proj" / "pyproject.toml").write_text("[project]\nname='proj'\nversion='0'\n")
    monkeypatch.chdir(tmp_path)
    request = ChangeRequest.install(["beta==1.1"], requirements=["req.txt"], editables=["proj"])
    argv = build_argv(uv, env, request, dry_run=True)
    assert argv[:5] == ["uv", "pip", "install", "--python", str(env.python)]
    assert argv[argv.index("--") + 1 :] == ["beta==1.1"]
    assert argv[argv.index("--requirement") + 1] == str((tmp_path / "req.txt").resolve())
    assert argv[argv.index("--editable") + 1] == str((tmp_path / "proj").resolve())
    assert "--dry-run" in argv
    up = build_argv(uv, env, ChangeRequest.upgrade(["alpha"]))
    assert up[up.index("--upgrade-package") + 1] == "alpha" and up[-2:] == ["--", "alpha"]
    sync = build_argv(uv, env, ChangeRequest.sync("req.txt"))
    assert sync[2] == "sync" and sync[-2:] == ["--", str((tmp_path / "req.txt").resolve())]


def test_preview_parser_reads_uv_summary_lines() -> None:
    text = (
        "Using Python 3.11.7 environment at: v\n"
        "Resolved 3 packages in 1ms\n"
        "Would uninstall 2 packages\n"
        " - alpha==1.0\n"
        " + alpha==2.0\n"
        " - gamma==1.0\n"
        " + delta==1.0\n"
        " ~ beta==1.1\n"
        " + proj==0.1.0 (from file:///src/proj)\n"
        "  - not a change line\n"
    )
    preview = parse_dry_run(text)
    assert [c.to_json() for c in preview.added] == [
        {"name": "delta", "old": None, "new": "1.0"},
        {"name": "proj", "old": None, "new": "0.1.0"},
    ]
    assert [c.to_json() for c in preview.removed] == [{"name": "gamma", "old": "1.0", "new": None}]
    assert [(c.name, c.old, c.new) for c in preview.changed] == [("alpha", "1.0", "2.0"), ("beta", "1.1", "1.1")]
    assert preview.summary() == "2 added, 2 changed, 1 removed"
    assert parse_dry_run("Would make no changes\n").empty
