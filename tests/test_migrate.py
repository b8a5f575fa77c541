"""``envtui migrate``: every pip line of the fixture projects found at its line, nothing else, and a
patch that ``git apply`` takes and that leaves nothing to migrate."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from envtui.core.migrate.edits import Edit, apply, drop_span
from envtui.core.migrate.scan import scan
from envtui.core.migrate.shell import commands
from envtui.core.uv import Uv
from tests.factory import run_envtui

FIXTURES = Path(__file__).parent / "fixtures" / "migrate"
REFERENCE = FIXTURES / "reference"
PROJECT = FIXTURES / "project"

#: Every finding in the fixture project: (file, line, kind, action). Lines that only mention pip
#: (comments, prose, "pipeline", echo, a here-document, a Python block, a step's name) are absent.
PROJECT_FINDINGS = [
    (".github/workflows/ci.yml", 12, "install-uv", "insert"),
    (".github/workflows/ci.yml", 14, "pip-self-upgrade", "remove"),
    (".github/workflows/ci.yml", 15, "pip-install-requirements", "replace"),
    (".github/workflows/ci.yml", 16, "pip-install", "replace"),
    (".github/workflows/ci.yml", 24, "install-uv", "insert"),
    (".github/workflows/ci.yml", 24, "pip-install", "replace"),
    ("Makefile", 7, "venv", "replace"),
    ("Makefile", 8, "pip-install-requirements", "replace"),
    ("Makefile", 11, "pip-install-requirements", "replace"),
    ("Makefile", 15, "pip-tools", "replace"),
    ("README.md", 6, "venv", "replace"),
    ("README.md", 8, "pip-install", "replace"),
    ("README.md", 14, "pip-install", "replace"),
    ("README.md", 16, "pip-other", "manual"),
    ("README.md", 28, "install-uv", "insert"),
    ("README.md", 28, "pip-install", "replace"),
    ("docker/Dockerfile", 6, "pip-self-upgrade", "remove"),
    ("docker/Dockerfile", 8, "install-uv", "insert"),
    ("docker/Dockerfile", 9, "pip-install-requirements", "replace"),
    ("docker/Dockerfile", 16, "venv", "replace"),
    ("docker/Dockerfile", 16, "pip-install", "replace"),
    ("docker/Dockerfile", 17, "pip-freeze", "replace"),
    ("docker/Dockerfile", 18, "pip-exec-form", "manual"),
    ("scripts/setup.sh", 5, "venv", "replace"),
    ("scripts/setup.sh", 7, "pip-self-upgrade", "remove"),
    ("scripts/setup.sh", 8, "pip-install-requirements", "replace"),
    ("scripts/setup.sh", 8, "pip-install", "replace"),
    ("scripts/setup.sh", 15, "pip-install", "manual"),
    ("scripts/setup.sh", 16, "pip-freeze", "replace"),
    ("scripts/setup.sh", 17, "pip-uninstall", "replace"),
    ("scripts/setup.sh", 18, "pip-other", "manual"),
    ("scripts/setup.sh", 19, "curl-uv", "replace"),
    ("tox.ini", 5, "tox-allow-uv", "insert"),
    ("tox.ini", 8, "pip-install", "replace"),
    ("tox.ini", 13, "tox-allow-uv", "insert"),
    ("tox.ini", 13, "pip-install", "replace"),
]


@pytest.fixture(scope="module")
def uv_version() -> str:
    return Uv().version()


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=False)


def _repo_copy(source: Path, target: Path) -> Path:
    """The fixture as a git repository of its own, committed."""
    shutil.copytree(source, target)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    done = _git(target, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "fixture")
    assert done.returncode == 0, done.stderr
    return target


def test_reference_dockerfile_before_the_migration(uv_version: str) -> None:
    report = scan(REFERENCE, uv_version=uv_version)
    found = [(f.line, f.kind, f.action, f.original, f.uv) for f in report.findings if f.file == "Dockerfile"]
    assert found == [
        (2, "install-uv", "insert", "", f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /bin/"),
        (2, "venv", "replace", "python -m venv /opt/venv", "uv venv /opt/venv"),
        (9, "pip-self-upgrade", "remove", "pip install --no-cache-dir --upgrade pip setuptools wheel", ""),
        # requirements.txt pins every package, and this is a fresh image: sync, as the reference did.
        (10, "pip-install-requirements", "replace", "pip install --no-cache-dir -r requirements.txt",
         "uv pip sync --no-cache requirements.txt"),
    ]  # fmt: skip


def test_reference_dockerfile_after_the_migration(uv_version: str) -> None:
    """The reference's own result still pipes a script into sh and makes the venv with pip's venv."""
    report = scan(REFERENCE, uv_version=uv_version)
    found = [(f.line, f.kind, f.uv) for f in report.findings if f.file == "Dockerfile.uv"]
    assert found == [
        (2, "curl-uv", f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /bin/"),
        (6, "venv", "uv venv /opt/venv"),
    ]  # line 13 is already `uv pip sync`: nothing to say


def test_every_pip_line_of_the_project_is_found_at_its_line_and_nothing_else(uv_version: str) -> None:
    report = scan(PROJECT, uv_version=uv_version)
    assert [(f.file, f.line, f.kind, f.action) for f in report.findings] == PROJECT_FINDINGS
    assert sorted(report.files) == sorted(
        [".github/workflows/ci.yml", "Makefile", "README.md", "docker/Dockerfile", "scripts/setup.sh", "tox.ini"]
    )
    # Every command finding names a line that really holds its command.
    for finding in report.findings:
        if finding.action != "insert":
            line = (PROJECT / finding.file).read_text().splitlines()[finding.line - 1]
            assert finding.original.split()[0] in line, (finding, line)


#: What some of the project's commands become.
PROPOSALS = [
    ("docker/Dockerfile", 9, "uv pip install --system --no-cache -r requirements-dev.txt"),
    ("docker/Dockerfile", 16, "uv pip install --python /opt/venv/bin/python gunicorn"),
    ("docker/Dockerfile", 17, "uv pip freeze --system > /tmp/frozen.txt"),
    ("Makefile", 7, "uv venv --python $(PYTHON) $(VENV)"),
    ("Makefile", 11, "uv pip install --python $(VENV)/bin/python -r requirements-dev.txt"),
    ("Makefile", 15, "uv pip compile -o requirements.txt requirements.in"),
    ("scripts/setup.sh", 17, "uv pip uninstall old-package"),
    ("scripts/setup.sh", 19, "python3 -m pip install uv==0.4.30"),  # the installer's own pin
    (".github/workflows/ci.yml", 16, "uv pip install --system -e ."),
    ("tox.ini", 13, "uv pip install {opts} {packages}"),
]


def test_the_proposals_read_as_uv_commands(uv_version: str) -> None:
    report = scan(PROJECT, uv_version=uv_version)
    by_place = {(f.file, f.line): f for f in report.findings if f.action != "insert"}
    assert [(file, line, by_place[file, line].uv) for file, line, _ in PROPOSALS] == PROPOSALS
    user = by_place["scripts/setup.sh", 15]
    assert user.uv is None and user.why.startswith("uv has no --user")
    exec_form = by_place["docker/Dockerfile", 18]  # no shell words to edit: said, not patched
    assert exec_form.uv == '["uv", "pip", "install", "gunicorn"]' and not exec_form.edits


def test_the_patch_applies_with_git_and_leaves_only_what_needs_a_person(tmp_path: Path, uv_version: str) -> None:
    repo = _repo_copy(PROJECT, tmp_path / "project")
    patch = tmp_path / "uv.patch"
    result = run_envtui("migrate", str(repo), "--write-patch", str(patch))
    assert result.returncode == 0, result.stderr
    assert f"review it, then: git apply {patch}" in result.stdout
    check = _git(repo, "apply", "--check", "-v", str(patch))
    assert check.returncode == 0, check.stderr
    assert _git(repo, "apply", str(patch)).returncode == 0
    dockerfile = (repo / "docker/Dockerfile").read_text()
    assert "RUN python -m pip install --upgrade pip\n" not in dockerfile
    assert f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /bin/\nRUN --mount" in dockerfile
    assert "    uv pip install --system --no-cache \\\n        -r requirements-dev.txt\n" in dockerfile
    workflow = (repo / ".github/workflows/ci.yml").read_text()
    assert workflow.count("- uses: astral-sh/setup-uv@v6") == 2
    assert "        run: |\n          uv pip install --system -r requirements-dev.txt\n" in workflow
    setup = (repo / "scripts/setup.sh").read_text()
    assert "uv pip install -r requirements-dev.txt && uv pip install -e .\n" in setup
    assert "pip install --upgrade pip setuptools wheel" not in setup
    tox = (repo / "tox.ini").read_text()
    assert "[testenv]\nallowlist_externals = uv\n" in tox
    assert "allowlist_externals = make\n    uv\n" in tox
    # Migrated, the project has nothing left to migrate but what needs a person.
    again = scan(repo, uv_version=uv_version)
    left = [(f.file, f.kind, f.action) for f in again.findings]
    assert left == [
        ("README.md", "pip-other", "manual"),
        ("docker/Dockerfile", "pip-exec-form", "manual"),
        ("scripts/setup.sh", "pip-install", "manual"),
        ("scripts/setup.sh", "pip-other", "manual"),
    ]


def test_reference_patch_applies_and_reads_like_the_reference_result(tmp_path: Path, uv_version: str) -> None:
    repo = _repo_copy(REFERENCE, tmp_path / "reference")
    result = run_envtui("migrate", str(repo / "Dockerfile"), "--write-patch", "-")
    assert result.returncode == 0, result.stderr
    patch = tmp_path / "reference.patch"
    patch.write_text(result.stdout)
    assert result.stdout.startswith("diff --git a/Dockerfile b/Dockerfile\n")
    assert _git(repo, "apply", str(patch)).returncode == 0
    assert (repo / "Dockerfile").read_text() == (
        "# Create virtual environment\n"
        f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /bin/\n"
        "RUN uv venv /opt/venv\n"
        'ENV PATH="/opt/venv/bin:$PATH"\n'
        "\n"
        "# Copy requirements\n"
        "COPY requirements.txt .\n"
        "\n"
        "# Install Python dependencies\n"
        "RUN uv pip sync --no-cache requirements.txt\n"
    )


def test_json_and_text_output(uv_version: str) -> None:
    result = run_envtui("migrate", str(REFERENCE), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    first = data["findings"][0]
    assert set(first) == {"file", "line", "kind", "action", "original", "uv", "why"}
    assert data["files"] == ["Dockerfile", "Dockerfile.uv", "README.md"]
    text = run_envtui("migrate", str(REFERENCE))
    assert (
        "Dockerfile:9: pip install --no-cache-dir --upgrade pip setuptools wheel\n  uv:  (remove it)\n" in text.stdout
    )
    assert text.stdout.rstrip().endswith("can be applied as a patch (envtui migrate --write-patch FILE)")


def test_nothing_to_migrate(tmp_path: Path) -> None:
    (tmp_path / "run.sh").write_text("#!/bin/sh\n# pip install is only in this comment\nuv pip install x\n")
    result = run_envtui("migrate", str(tmp_path), "--write-patch", str(tmp_path / "p.diff"))
    assert result.returncode == 0
    assert "no pip usage found in 1 file" in result.stdout
    assert (tmp_path / "p.diff").read_text() == ""


def test_bad_input_is_exit_2(tmp_path: Path) -> None:
    result = run_envtui("migrate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert result.stderr.splitlines()[0] == f"error: no such file or directory: {tmp_path / 'nowhere'}"


def test_text_from_files_cannot_drive_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "evil.sh").write_text("pip install \x1b[2Jcleared\x07\n")
    result = run_envtui("migrate", str(tmp_path))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2Jcleared\\x07" in result.stdout


# ---------------------------------------------------------------------------- the pieces


@pytest.mark.parametrize(
    "text, expected",
    [
        ("RUN_ME=1 sudo -H pip install x", ["pip", "install", "x"]),
        ("if pip freeze > f; then echo ok; fi", ["pip", "freeze", ">", "f"]),
        ('echo "pip install x" # pip install y', ["echo", "pip install x"]),
        ("env A=1 B=2 python -m pip install 'a>=1' \\\n  b", ["python", "-m", "pip", "install", "a>=1", "b"]),
    ],
)
def test_the_first_command_of_a_line(text: str, expected: list[str]) -> None:
    assert [word.value for word in commands(text)[0].body()] == expected


def test_dropping_the_last_word_of_a_continued_command_keeps_the_command_whole() -> None:
    text = "RUN pip install x \\\n    --disable-pip-version-check\nENV A=1\n"
    start = text.index("--disable")
    assert apply(text, [drop_span(text, start, start + len("--disable-pip-version-check"))]) == (
        "RUN pip install x\nENV A=1\n"
    )
    text = "RUN pip install \\\n    --disable-pip-version-check \\\n    x\n"
    start = text.index("--disable")
    edit = drop_span(text, start, start + len("--disable-pip-version-check"))
    assert apply(text, [edit]) == "RUN pip install \\\n    x\n"
    assert apply("a b c", [Edit(2, 3, "B"), Edit(0, 0, ">")]) == ">a B c"


def test_a_curl_pipe_in_a_chain_becomes_a_copy_before_the_run(tmp_path: Path, uv_version: str) -> None:
    (tmp_path / "Dockerfile").write_text(
        "FROM python:3.12\n"
        "RUN apt-get update && curl -LsSf https://astral.sh/uv/install.sh | sh && rm -rf /var/lib/apt/lists\n"
        "RUN pip install --upgrade pip\n"
    )
    report = scan(tmp_path, uv_version=uv_version)
    assert [(f.line, f.kind, f.action) for f in report.findings] == [
        (2, "curl-uv", "replace"),
        (3, "pip-self-upgrade", "remove"),
    ]
    repo = _repo_copy(tmp_path, tmp_path / "repo")
    (tmp_path / "p.diff").write_text(report.patch())
    assert _git(repo, "apply", str(tmp_path / "p.diff")).returncode == 0
    assert (repo / "Dockerfile").read_text() == (
        "FROM python:3.12\n"
        f"COPY --from=ghcr.io/astral-sh/uv:{uv_version} /uv /uvx /bin/\n"
        "RUN apt-get update && rm -rf /var/lib/apt/lists\n"
    )


def test_a_file_without_a_final_newline_patches_cleanly(tmp_path: Path, uv_version: str) -> None:
    (tmp_path / "install.sh").write_text("set -e\npip install requests")
    repo = _repo_copy(tmp_path, tmp_path / "repo")
    (tmp_path / "p.diff").write_text(scan(repo, uv_version=uv_version).patch())
    assert "\\ No newline at end of file" in (tmp_path / "p.diff").read_text()
    assert _git(repo, "apply", str(tmp_path / "p.diff")).returncode == 0
    assert (repo / "install.sh").read_text() == "set -e\nuv pip install requests"
