"""The display boundary, URL masking, bounded reading and private state files, on their own."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from envtui.core import display, inputs, private, secrets
from envtui.core.errors import UsageError
from envtui.core.locations import state_dir
from tests.hostile import HOSTILE_STRINGS, assert_terminal_safe


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_safe_text_leaves_nothing_that_drives_a_terminal(text: str) -> None:
    shown = display.safe_text(text)
    assert_terminal_safe(shown)
    assert "\n" not in shown and "\t" not in shown
    assert_terminal_safe(display.safe_text(text, multiline=True))


def test_escapes_are_visible_and_plain_text_is_untouched() -> None:
    assert display.safe_text("a\x1b]0;pwned\x07b") == "a\\x1b]0;pwned\\x07b"
    assert display.safe_text("csi \x9b2J") == "csi \\x9b2J"
    assert display.safe_text("rtl \u202eevil") == "rtl \\u202eevil"
    assert display.safe_text("line\nbreak\ttab") == "line\\nbreak\\ttab"
    assert display.safe_text("line\r\nbreak\ttab", multiline=True) == "line\nbreak\ttab"
    assert display.safe_text("bytes \udcff") == "bytes \\xff"
    plain = "FastAPI framework, high performance — ünïcode ✓ [bold]x[/]"
    assert display.safe_text(plain) is plain


def test_output_line_drops_colour_codes_and_keep_sgr_keeps_only_them() -> None:
    line = "\x1b[1;31merror\x1b[0m: bad \x1b]52;c;aGk=\x07 \x9b31mred"
    assert display.output_line(line) == "error: bad \\x1b]52;c;aGk=\\x07 red"
    kept = display.keep_sgr(line)
    assert kept == "\x1b[1;31merror\x1b[0m: bad \\x1b]52;c;aGk=\\x07 \x1b[31mred"


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_json_is_lossless_and_escapes_every_control_character(text: str) -> None:
    document = display.safe_json({"summary": text, "list": [text]}, indent=2)
    assert_terminal_safe(document, allow=("\n",))
    assert json.loads(document) == {"summary": text, "list": [text]}


def test_json_escapes_c1_that_json_dumps_leaves_raw() -> None:
    assert "\x9b" in json.dumps("\x9b", ensure_ascii=False)
    assert display.safe_json("\x9b\x85\x7f") == '"\\u009b\\u0085\\u007f"'


def test_argv_text_shows_what_runs_unambiguously() -> None:
    assert display.argv_text(["supervisorctl", "stop", "back end"]) == '["supervisorctl", "stop", "back end"]'
    # An escape character and the four characters "\x1b" must not look alike.
    real, literal = display.argv_text(["a\x1bb"]), display.argv_text(["a\\x1bb"])
    assert real != literal
    assert real == '["a\\x1bb"]' and literal == '["a\\\\x1bb"]'
    assert display.argv_text(['say "hi"']) == '["say \\"hi\\""]'


def test_web_url_accepts_only_plain_http_links() -> None:
    assert display.web_url("https://example.org/project") == "https://example.org/project"
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:pw@example.org/",
        "https://example.org/\x1b]8;;evil\x07",
        "https://exa mple.org",
        "http://",
        "",
    ):
        assert display.web_url(bad) is None, bad


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("pkg @ https://user:s3cret@host/pkg.whl", "pkg @ https://user:****@host/pkg.whl"),
        ("pkg @ https://t0ken@host/pkg.whl", "pkg @ https://****@host/pkg.whl"),
        ("--index-url https://u:p@ss@idx/simple", "--index-url https://u:****@idx/simple"),
        ("git+ssh://git@github.com/o/r", "git+ssh://****@github.com/o/r"),
        ("https://host/path?x=a@b", "https://host/path?x=a@b"),
        ("mail me at a@b.example or http://host/", "mail me at a@b.example or http://host/"),
        ("file:///src/pkg", "file:///src/pkg"),
    ],
)
def test_credentials_are_masked_as_uv_masks_them(given: str, shown: str) -> None:
    assert secrets.mask_credentials(given) == shown
    assert secrets.mask_credentials(shown) == shown  # idempotent
    assert display.safe_text(given) == shown


def test_bounded_reads_refuse_what_is_not_a_regular_file(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for path, why in ((Path("/dev/zero"), "character device"), (fifo, "FIFO"), (tmp_path, "directory")):
        with pytest.raises(inputs.InputRefused) as caught:
            inputs.read_text(path, what="requirements file")
        assert why in (caught.value.cause or "")
    big = tmp_path / "big.txt"
    big.write_bytes(b"a\n" * 600)
    with pytest.raises(inputs.InputRefused, match="cannot read"):
        inputs.read_text(big, limit=1000)
    assert inputs.read_text(big, limit=2000).count("a") == 600
    with pytest.raises(UsageError, match="cannot read"):
        inputs.read_text(tmp_path / "missing")


def test_json_nesting_is_capped_without_recursion() -> None:
    assert inputs.loads_json('{"a": [1, {"b": "[[[[["}]}') == {"a": [1, {"b": "[[[[["}]}
    nested = "[" * 64 + "]" * 64
    assert inputs.loads_json(nested) is not None
    for hostile in ("[" * 65 + "]" * 65, "[" * 200_000 + "]" * 200_000, "[" * 200_000 + "}"):
        with pytest.raises(inputs.TooDeep):
            inputs.loads_json(hostile)


def test_private_state_is_0700_and_0600_even_under_umask_022(tmp_path: Path) -> None:
    code = (
        "import os; os.umask(0o022)\n"
        "from envtui.core import private, locations\n"
        "root = locations.state_dir()\n"
        "private.write_private(root / 'jobs' / 'a.json', '{}')\n"
        "private.open_private(root / 'jobs' / 'a.log').close()\n"
        "os.close(private.open_private_fd(root / 'locks' / 'x.lock'))\n"
    )
    state = tmp_path / "state"
    env = {**os.environ, "ENVTUI_STATE_DIR": str(state)}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    found = [state, *state.rglob("*")]
    assert len(found) == 6
    for path in found:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))


def test_private_dir_tightens_what_an_older_version_left_open() -> None:
    jobs = state_dir() / "jobs"
    jobs.mkdir(parents=True)
    jobs.chmod(0o755)
    private.private_dir(jobs)
    assert stat.S_IMODE(jobs.stat().st_mode) == 0o700
