"""Which files of a project run pip, and which of their characters are shell commands.

Each kind of file says where its commands are: every line of a shell script; ``RUN``
instructions of a Dockerfile; recipe lines of a Makefile; ``run:``/``script:`` values of CI
YAML; ``commands``/``install_command`` of tox.ini; shell and Dockerfile code blocks of a
README. :func:`read_source` returns the file with everything else blanked out (``masked``, same
length, so offsets are the file's) and the spans (regions) the shell reader should read.
Comments, prose, YAML keys and step names are never read as commands.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DOCKERFILE, SHELL, MAKEFILE, CI, TOX, README = "dockerfile", "shell", "makefile", "ci", "tox", "readme"

#: Directories never entered: version control, caches, virtual environments, dependencies.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        "site-packages",
        "dist-packages",
    }
)
#: Files larger than this are not read (a generated or vendored file, not a build script).
MAX_BYTES = 1 << 20

_CI_KEYS = r"run|script|before_script|after_script|command|bash|install|before_install"
_YAML_KEY = re.compile(rf"^(?P<indent>[ \t]*)(?P<dash>-[ \t]+)?(?P<key>{_CI_KEYS})[ \t]*:(?:[ \t]+(?P<value>.*))?$")
_YAML_ITEM = re.compile(r"^(?P<indent>[ \t]*)-[ \t]+(?P<value>.*)$")
_SHELL_LANGS = frozenset({"", "sh", "bash", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"})
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+|~~~+)[ \t]*(?P<info>[^`\s]*)")
_RST_CODE = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+(?:code-block|code|sourcecode)::[ \t]*(?P<lang>\S*)")
_PROMPT = re.compile(r"^[ \t]*(?:\(\S+\)[ \t]+)?[$%][ \t]")
_TOX_KEY = re.compile(r"^(?P<key>commands|commands_pre|commands_post|install_command)[ \t]*=[ \t]*")


@dataclass(frozen=True)
class Region:
    """A span of shell text, and what to remove if every command in it goes."""

    start: int
    end: int
    container: tuple[int, int] | None = None
    """Whole lines to delete when the region is left empty (a ``RUN`` instruction, a CI step)."""
    anchor: int | None = None
    """Offset of the line to insert before (a ``RUN``'s first line, a CI step's ``-`` line)."""
    indent: str = ""
    """The anchor line's indentation (a CI step's ``-``), for inserted lines."""
    group: int = 0
    """The context it belongs to: a Dockerfile stage, a tox section, a CI ``steps:`` list."""
    dialect: str = ""
    """``dockerfile`` for a ``RUN`` (in a Dockerfile or a README's Dockerfile block), else empty."""


@dataclass(frozen=True)
class Marker:
    """A fact found outside the commands, for the rules to consult.

    ``exec``: a ``RUN`` in exec form (detail: its JSON); ``uv``: uv is installed here (``COPY
    --from`` its image); ``path`` / ``venv``: an ``ENV PATH`` / ``ENV VIRTUAL_ENV``; ``setup-uv``:
    the CI step; ``allowlist``: a line of tox's ``allowlist_externals`` (offset: after it);
    ``section``: a tox section (offset: after its header line).
    """

    offset: int
    what: str
    detail: str
    group: int


@dataclass
class Source:
    """One file to scan: its text, the same with non-commands blanked, and its command regions."""

    path: Path
    rel: str
    kind: str
    text: str
    masked: str
    regions: list[Region] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    """Facts found outside the commands, in file order."""


def classify(path: Path) -> str | None:
    """The kind of file ``path`` is, or None when it is not one migrate reads."""
    name = path.name
    lower = name.lower()
    parts = [p.lower() for p in path.parts]
    if lower.startswith(("dockerfile", "containerfile")) or lower.endswith((".dockerfile", ".containerfile")):
        return DOCKERFILE
    if lower.endswith((".sh", ".bash")):
        return SHELL
    if name in ("Makefile", "makefile", "GNUmakefile") or lower.endswith(".mk"):
        return MAKEFILE
    if lower.endswith((".yml", ".yaml")) and (
        (len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows")
        or lower in (".gitlab-ci.yml", "azure-pipelines.yml", "bitbucket-pipelines.yml", ".travis.yml")
        or (len(parts) >= 2 and parts[-2] == ".circleci")
    ):
        return CI
    if lower == "tox.ini":
        return TOX
    if lower.startswith("readme") and lower.rsplit(".", 1)[-1] in ("md", "markdown", "rst", "txt", "readme"):
        return README
    return None


def find_sources(root: Path) -> Iterator[Path]:
    """Every file under ``root`` migrate reads, in a stable order; venvs and caches skipped."""
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not (here / d / "pyvenv.cfg").exists())
        for name in sorted(files):
            path = here / name
            if classify(path.relative_to(root)) is not None and not path.is_symlink():
                yield path


def read_source(path: Path, root: Path) -> Source | None:
    """The file ready to scan; None when it is too large or not UTF-8 text."""
    try:
        if path.stat().st_size > MAX_BYTES:
            return None
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    rel = path.relative_to(root).as_posix()
    kind = classify(path.relative_to(root))
    assert kind is not None
    source = Source(path, rel, kind, text, "")
    masked = [ch if ch == "\n" else " " for ch in text]
    if kind == DOCKERFILE:
        _dockerfile(source, masked, 0, len(text), 0)
    elif kind == SHELL:
        masked = list(text)
        source.regions.append(Region(0, len(text)))
    elif kind == MAKEFILE:
        _makefile(source, masked)
    elif kind == CI:
        _ci(source, masked)
    elif kind == TOX:
        _tox(source, masked)
    else:
        _readme(source, masked)
    source.masked = "".join(masked)
    return source


def lines_of(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int, str]]:
    """``(offset, offset after the newline, line without it)`` for each line of ``text[start:end]``."""
    end = len(text) if end is None else end
    i = start
    while i < end:
        newline = text.find("\n", i, end)
        stop = end if newline < 0 else newline + 1
        yield i, stop, text[i:stop].rstrip("\n").rstrip("\r")
        i = stop


def _unmask(masked: list[str], text: str, start: int, end: int) -> None:
    masked[start:end] = text[start:end]


# ---------------------------------------------------------------------------- Dockerfile


def _dockerfile(source: Source, masked: list[str], start: int, end: int, group: int) -> int:
    """Mark the ``RUN`` instructions in ``text[start:end]``; returns the next free group number."""
    text = source.text
    escape = "`" if re.search(r"(?im)\A(?:#.*\n)*#\s*escape\s*=\s*`", text[start:end]) else "\\"
    lines = list(lines_of(text, start, end))
    i = 0
    while i < len(lines):
        first, _, line = lines[i]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        # One instruction: this line and its continuations (comment and blank lines inside it dropped).
        parts = [i]
        while lines[parts[-1]][2].rstrip().endswith(escape) and parts[-1] + 1 < len(lines):
            j = parts[-1] + 1
            while j < len(lines) and (not lines[j][2].strip() or lines[j][2].lstrip().startswith("#")):
                j += 1
            if j >= len(lines):
                break
            parts.append(j)
        last = parts[-1]
        instruction_end = lines[last][1]
        keyword = stripped.split(None, 1)[0].upper()
        if keyword == "FROM":
            group += 1
            if "astral-sh/uv" in stripped:
                source.markers.append(Marker(first, "uv", stripped, group))
        elif keyword == "COPY" and "astral-sh/uv" in stripped:
            source.markers.append(Marker(first, "uv", stripped, group))
        elif keyword == "ENV":
            body = " ".join(lines[k][2].strip().rstrip(escape) for k in parts)
            for name, what in (("PATH", "path"), ("VIRTUAL_ENV", "venv")):
                found = re.search(rf"\b{name}\s*[= ]\s*(\S+)", body)
                if found:
                    source.markers.append(Marker(first, what, found.group(1).strip("\"'"), group))
        elif keyword == "RUN":
            _dockerfile_run(source, masked, lines, parts, escape, group, instruction_end)
        i = last + 1
    return group + 1


def _dockerfile_run(
    source: Source, masked: list[str], lines: list, parts: list[int], escape: str, group: int, instruction_end: int
) -> None:
    text = source.text
    first = lines[parts[0]][0]
    content = re.match(r"\s*RUN\s+((?:--\S+\s+)*)", text[first : lines[parts[0]][1]], re.IGNORECASE)
    begin = first + (content.end() if content else 0)
    if text.startswith("[", begin):  # the exec form runs no shell: a JSON list of arguments
        body = " ".join(lines[k][2].strip().rstrip(escape) for k in parts)
        source.markers.append(Marker(begin, "exec", body[body.index("[") :], group))
        return
    heredoc = re.match(r"<<-?\s*['\"]?(\w+)['\"]?", text[begin:])
    if heredoc:  # RUN <<EOF: the body is the script
        body_start = lines[parts[0]][1]
        for offset, stop, line in lines_of(text, body_start, len(text)):
            if line.strip() == heredoc.group(1):
                _unmask(masked, text, body_start, offset)
                source.regions.append(Region(body_start, offset, (first, stop), first, "", group, DOCKERFILE))
                return
        return
    for k in parts:
        start, stop, line = lines[k]
        _unmask(masked, text, begin if k == parts[0] else start, start + len(line))
        # The shell sees one line: a continuation (and any comment lines it skips over) is blanked.
        if k != parts[-1]:
            cut = start + len(line.rstrip())
            for pos in range(cut - 1, stop):
                masked[pos] = " "
    for k in range(parts[0], parts[-1]):
        if k not in parts:
            start, stop, _ = lines[k]
            for pos in range(start, stop):
                masked[pos] = " "
    source.regions.append(Region(begin, instruction_end, (first, instruction_end), first, "", group, DOCKERFILE))


# ---------------------------------------------------------------------------- Makefile


def _makefile(source: Source, masked: list[str]) -> None:
    """Recipe lines (a tab first, or continuing one), without make's ``@``/``-``/``+`` prefixes."""
    text = source.text
    continued = False
    first_line: int | None = None
    for offset, stop, line in lines_of(text):
        if not (line.startswith("\t") or continued):
            continue
        body = offset + (1 if line.startswith("\t") else 0)
        if first_line is None:
            while body < offset + len(line) and text[body] in "@-+ \t":
                body += 1
            first_line, first_body = offset, body
        _unmask(masked, text, body, offset + len(line))
        continued = line.rstrip().endswith("\\")
        if not continued:
            source.regions.append(Region(first_body, stop, (first_line, stop), first_line))
            first_line = None


# ---------------------------------------------------------------------------- CI YAML


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _ci(source: Source, masked: list[str]) -> None:
    """``run:`` (GitHub), ``script:`` and friends (GitLab, Azure, Travis), ``command:`` (CircleCI)."""
    text = source.text
    lines = list(lines_of(text))
    group = 0
    for index, (offset, _stop, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if re.match(r"^[ \t]*(?:-[ \t]+)?steps[ \t]*:", line):
            group += 1
        if "astral-sh/setup-uv" in line:
            source.markers.append(Marker(offset, "setup-uv", "", group))
        key = _YAML_KEY.match(line)
        if key is None:
            continue
        key_col = len(key.group("indent")) + len(key.group("dash") or "")
        item = _item_start(lines, index)
        container = _item_span(lines, item) if item is not None else None
        anchor = lines[item][0] if item is not None else None
        dash = lines[item][2][: _indent(lines[item][2])] if item is not None else ""
        value = (key.group("value") or "").strip()
        value_start = offset + len(line) - len((key.group("value") or "").lstrip())
        if value and value[0] not in "|>":
            _yaml_scalar(source, masked, value_start, key.group("value").lstrip(), container, anchor, dash, group)
        elif value:  # a block scalar: the lines below, indented further, are the script
            end = _block_end(lines, index, key_col)
            if end > index + 1:
                _unmask(masked, text, lines[index + 1][0], lines[end - 1][1])
                source.regions.append(Region(lines[index + 1][0], lines[end - 1][1], container, anchor, dash, group))
        else:  # a list of commands below
            for k in range(index + 1, len(lines)):
                sub_offset, sub_stop, sub = lines[k]
                if not sub.strip() or sub.lstrip().startswith("#"):
                    continue
                if _indent(sub) < key_col or (_indent(sub) == key_col and not sub.lstrip().startswith("- ")):
                    break
                entry = _YAML_ITEM.match(sub)
                if entry is None or _indent(sub) > key_col + 8:
                    continue
                entry_value = entry.group("value")
                entry_start = sub_offset + len(sub) - len(entry_value)
                if entry_value.strip()[:1] in ("|", ">"):
                    end = _block_end(lines, k, _indent(sub))
                    if end > k + 1:
                        _unmask(masked, text, lines[k + 1][0], lines[end - 1][1])
                        span = (sub_offset, lines[end - 1][1])
                        source.regions.append(Region(lines[k + 1][0], lines[end - 1][1], span, sub_offset, "", group))
                else:
                    _yaml_scalar(
                        source, masked, entry_start, entry_value, (sub_offset, sub_stop), sub_offset, "", group
                    )


def _block_end(lines: list, index: int, column: int) -> int:
    """The first line after ``index`` that is not part of a block indented beyond ``column``."""
    end = index + 1
    for k in range(index + 1, len(lines)):
        line = lines[k][2]
        if line.strip() and _indent(line) <= column:
            break
        if line.strip():
            end = k + 1
    return end


def _yaml_scalar(
    source: Source,
    masked: list[str],
    start: int,
    value: str,
    container: tuple[int, int] | None,
    anchor: int | None,
    indent: str,
    group: int,
) -> None:
    """An inline value (plain or quoted) that is one shell command line."""
    body = value.rstrip()
    if len(body) >= 2 and body[0] == body[-1] and body[0] in "'\"":
        start, body = start + 1, body[1:-1]
    _unmask(masked, source.text, start, start + len(body))
    source.regions.append(Region(start, start + len(body), container, anchor, indent, group))


def _item_start(lines: list, index: int) -> int | None:
    """The line of the list item (``- …``) that holds line ``index``."""
    own = _indent(lines[index][2])
    for k in range(index, -1, -1):
        line = lines[k][2]
        if not line.strip():
            continue
        if _indent(line) <= own and line.lstrip().startswith("- "):
            return k
        if _indent(line) < own:
            return None
    return None


def _item_span(lines: list, item: int) -> tuple[int, int]:
    """The whole list item starting at line ``item``: up to the next line as far left."""
    dash = _indent(lines[item][2])
    end = lines[item][1]
    for k in range(item + 1, len(lines)):
        line = lines[k][2]
        if line.strip() and _indent(line) <= dash:
            break
        if line.strip():
            end = lines[k][1]
    return lines[item][0], end


# ---------------------------------------------------------------------------- tox.ini


def _tox(source: Source, masked: list[str]) -> None:
    text = source.text
    group = 0
    in_key = False
    allow: tuple[int, int] | None = None
    for offset, stop, line in lines_of(text):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            group += 1
            in_key = False
            source.markers.append(Marker(stop, "section", stripped, group))
            continue
        if not stripped or stripped.startswith(("#", ";")):
            continue
        continuation = line[:1] in (" ", "\t")
        if not continuation:
            in_key = False
            allow = None
            if line.startswith("allowlist_externals"):
                allow = (offset, stop)
                source.markers.append(Marker(stop, "allowlist", line.partition("=")[2].strip(), group))
            key = _TOX_KEY.match(line)
            if key:
                in_key = True
                begin = offset + key.end()
                if begin < offset + len(line):
                    _unmask(masked, text, begin, offset + len(line))
                    source.regions.append(Region(begin, stop, None, offset, "", group))
            continue
        if allow is not None:
            source.markers.append(Marker(stop, "allowlist", stripped, group))
        if in_key:
            begin = offset + _indent(line)
            _unmask(masked, text, begin, offset + len(line))
            source.regions.append(Region(begin, stop, (offset, stop), offset, "", group))


# ---------------------------------------------------------------------------- README


def _readme(source: Source, masked: list[str]) -> None:
    text = source.text
    lines = list(lines_of(text))
    group = 0
    i = 0
    while i < len(lines):
        _offset, _stop, line = lines[i]
        fence = _FENCE.match(line)
        rst = _RST_CODE.match(line) if fence is None else None
        if fence is None and rst is None:
            i += 1
            continue
        if fence is not None:
            lang, marker = fence.group("info").lower(), fence.group("fence")
            j = i + 1
            while j < len(lines) and not lines[j][2].strip().startswith(marker):
                j += 1
            body = range(i + 1, j)
        else:
            assert rst is not None  # one of the two matched
            lang = rst.group("lang").lower()
            own = _indent(line)
            j = i + 1
            while j < len(lines) and (not lines[j][2].strip() or _indent(lines[j][2]) > own):
                j += 1
            body = range(i + 1, j)
        if body and lang in ("dockerfile", "docker", "containerfile"):
            group = _dockerfile(source, masked, lines[body.start][0], lines[body.stop - 1][1], group)
        elif body and lang in _SHELL_LANGS:
            group += 1
            console = lang in ("console", "shell-session", "shellsession", "terminal")
            for k in body:
                offset, stop, sub = lines[k]
                prompt = _PROMPT.match(sub)
                if console and prompt is None:
                    continue  # the output of a command, not a command
                begin = offset + (prompt.end() if prompt else 0)
                _unmask(masked, text, begin, offset + len(sub))
                if console:
                    source.regions.append(Region(begin, stop, (offset, stop), offset, "", group))
            if not console:
                source.regions.append(Region(lines[body.start][0], lines[body.stop - 1][1], None, None, "", group))
        i = j + 1
