"""Reading requirements files and pyproject dependencies, and drift against what is installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from envtui.core.env.requirements import compare, read_pyproject, read_requirements, read_requirements_file
from envtui.core.errors import UsageError

MARKERS = {
    "python_version": "3.11",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_machine": "x86_64",
    "python_full_version": "3.11.7",
    "platform_release": "",
    "platform_version": "",
    "platform_python_implementation": "CPython",
    "implementation_version": "3.11.7",
}


def test_requirements_file_features(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PIN", "1.1")
    (tmp_path / "base.txt").write_text("beta==${PIN}\n")
    (tmp_path / "constraints.txt").write_text("delta<2\n")
    req = tmp_path / "requirements.txt"
    req.write_text(
        "# a comment\n"
        "alpha>=1.0  # trailing comment\n"
        "-r base.txt\n"
        "-c constraints.txt\n"
        "--index-url https://example.invalid/simple\n"
        'gamma[more]==1.0 ; python_version >= "3.8" \\\n'
        "    --hash=sha256:aaa \\\n"
        "    --hash=sha256:bbb\n"
        "-e ./somewhere#egg=localthing\n"
        "\n"
    )
    result = read_requirements(req)
    entries = {(e.key, e.line, e.constraint, e.editable) for e in result.entries}
    assert entries == {
        ("alpha", 2, False, False),
        ("beta", 1, False, False),
        ("delta", 1, True, False),
        ("gamma", 6, False, False),
        ("localthing", 9, False, True),
    }
    gamma = next(e for e in result.entries if e.key == "gamma")
    assert gamma.hashes == ("sha256:aaa", "sha256:bbb")
    assert str(gamma.requirement.marker) == 'python_version >= "3.8"'
    assert result.options == ["--index-url https://example.invalid/simple"]
    assert result.errors == []
    assert [Path(f).name for f in result.files] == ["requirements.txt", "base.txt", "constraints.txt"]


def test_malformed_lines_reported_with_file_and_line(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("alpha\nthis is not ===\nalpha; rm -rf /\n-r missing.txt\n")
    result = read_requirements_file(req)
    assert [(e.line, e.text) for e in result.errors] == [
        (2, "this is not ==="),
        (3, "alpha; rm -rf /"),
        (4, "-r missing.txt"),
    ]
    assert str(result.errors[0]).startswith(f"{req}:2: ")


def test_unreadable_file_is_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot read requirements file"):
        read_requirements(tmp_path / "nope.txt")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(UsageError):
        read_requirements(binary)


def test_include_cycle_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("-r b.txt\nalpha\n")
    (tmp_path / "b.txt").write_text("-r a.txt\nbeta\n")
    result = read_requirements(tmp_path / "a.txt")
    assert {e.key for e in result.entries} == {"alpha", "beta"}
    assert [e.message for e in result.errors] == ["include cycle"]


def test_pyproject_dependencies(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = [\n  "alpha>=2",\n  "not valid ===",\n]\n'
        '[project.optional-dependencies]\ndev = ["beta"]\n'
    )
    result = read_requirements(pyproject)
    assert [e.key for e in result.entries] == ["alpha"]
    assert result.entries[0].line == 4
    assert result.errors[0].line == 5
    assert [e.key for e in read_pyproject(pyproject, extras=("dev",)).entries] == ["alpha", "beta"]
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "pyproject.toml").write_text("[project\n")
    with pytest.raises(UsageError, match="malformed TOML"):
        read_requirements(tmp_path / "broken" / "pyproject.toml")


def test_drift_missing_version_and_extra(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    req.write_text("alpha==2.0\nbeta==1.0\ngamma==1.0\nwinonly==1; sys_platform == 'win32'\n")
    installed = {"alpha": "2.0", "beta": "1.1", "boom": "1.0"}
    drift = compare(read_requirements(req), installed, MARKERS)
    assert [(d.kind, d.name) for d in drift] == [("version", "beta"), ("missing", "gamma"), ("extra", "boom")]
    assert "beta 1.1 does not satisfy beta==1.0" in str(drift[0])
    loose = tmp_path / "loose.txt"
    loose.write_text("alpha>=1\n")
    assert compare(read_requirements(loose), installed, MARKERS) == []
