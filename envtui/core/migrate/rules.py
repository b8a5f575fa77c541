"""What a command that uses pip becomes with uv, and why.

Recognised: ``pip …``, ``pip3 …``, ``/path/bin/pip …``, ``python -m pip …`` (any python,
``$(PYTHON)`` too), ``python -m venv``, ``virtualenv``, ``pip-compile``/``pip-sync``, and uv's
installer piped into a shell. Each becomes a :class:`Proposal`: word-level edits that keep the
rest of the line as written, plus what the command reads as afterwards and why.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from envtui.core.migrate.edits import Edit, drop_span
from envtui.core.migrate.options import (
    DROPPED,
    DROPPED_BY_SUBCOMMAND,
    RENAMED,
    UNSUPPORTED,
    VALUE_OPTIONS,
    VENV_DROPPED,
)
from envtui.core.migrate.shell import Command, Word

PIP_EXE = re.compile(r"^pip(?P<version>\d+(?:\.\d+)?)?(?:\.exe)?$")
PYTHON_EXE = re.compile(r"^(?:python|py)(?P<version>\d+(?:\.\d+)?)?(?:\.exe)?$")
PYTHON_VAR = re.compile(r"^\$[({]?\w*PY\w*[)}]?$", re.IGNORECASE)
_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")
_UV_VERSION_IN_URL = re.compile(r"astral\.sh/uv/(\d+\.\d+\.\d+)/")

_SELF = frozenset({"pip", "setuptools", "wheel"})
#: Where ``uv pip sync`` may replace ``pip install -r``: a fresh environment (an image, a CI job).
SYNC_FRESH, SYNC_INSTALLED_BEFORE, SYNC_NO = "fresh", "installed-before", "no"
_DIRECT = frozenset({"install", "uninstall", "freeze", "list", "show", "check"})

WHY_SYSTEM = "there is no venv here (uv installs into a venv unless told --system)"


@dataclass(frozen=True)
class Arg:
    """An option with its value (one or two words), or a positional argument."""

    words: tuple[Word, ...]
    name: str | None
    value: str | None

    @property
    def start(self) -> int:
        return self.words[0].start

    @property
    def end(self) -> int:
        return self.words[-1].end


@dataclass
class Proposal:
    """What to do with one command."""

    kind: str
    action: str
    """``replace``, ``remove`` or ``manual`` (said, not changed)."""
    why: str
    edits: list[Edit] = field(default_factory=list)
    replacement: str | None = None
    """For a whole-command replacement (the installer pipeline): its new text."""
    needs_uv: bool = False
    """Whether the result runs uv (so uv must be installed where it runs)."""
    venv: str | None = None
    """The directory a venv command creates or activates."""
    requirements: str | None = None


def parse_args(words: Sequence[Word]) -> tuple[list[Arg], list[Word]]:
    """Options (with values) and positionals, up to the first redirection; and the words after it."""
    args: list[Arg] = []
    i = 0
    while i < len(words):
        word = words[i]
        value = word.value
        if word.redirect:
            return args, list(words[i:])
        if value.startswith("-") and value != "-":
            name, sep, inline = value.partition("=")
            if sep:
                args.append(Arg((word,), name, inline))
            elif name in VALUE_OPTIONS and i + 1 < len(words) and not words[i + 1].redirect:
                args.append(Arg((word, words[i + 1]), name, words[i + 1].value))
                i += 1
            elif len(name) > 2 and name[:2] in ("-r", "-c", "-e", "-i", "-f", "-t") and not name.startswith("--"):
                args.append(Arg((word,), name[:2], name[2:]))
            else:
                args.append(Arg((word,), name, None))
        else:
            args.append(Arg((word,), None, value))
        i += 1
    return args, []


def _basename(value: str) -> str:
    return value.rstrip("/").rsplit("/", 1)[-1]


def _python_beside(word: Word) -> str:
    """``/opt/venv/bin/pip`` → ``/opt/venv/bin/python``, keeping the word's quoting and variables."""
    raw = word.raw
    cut = raw.rfind("/")
    tail = raw[cut + 1 :]
    closing = tail[len(tail.rstrip("\"'")) :]
    return raw[: cut + 1] + "python" + closing


def invocation(body: Sequence[Word]) -> tuple[str, int, str | None] | None:
    """``(tool, words it takes, --python value or None)`` for pip, venv and friends; else None.

    tool: ``pip``, ``venv``, ``virtualenv``, ``pip-compile``, ``pip-sync``.
    """
    if not body:
        return None
    first = body[0]
    name = _basename(first.value)
    pip = PIP_EXE.match(name)
    if pip:
        if "/" in first.value:
            return "pip", 1, _python_beside(first)
        version = pip.group("version")
        return "pip", 1, version if version and "." in version else None
    if name in ("pip-compile", "pip-sync", "virtualenv"):
        return name, 1, None
    python = PYTHON_EXE.match(name)
    if python or PYTHON_VAR.match(first.value):
        i = 1
        while i < len(body) and body[i].value in ("-I", "-E", "-s", "-S", "-u", "-B", "-O", "-OO", "-q"):
            i += 1
        module = None
        if i + 1 < len(body) and body[i].value == "-m":
            module, taken = body[i + 1].value, i + 2
        elif i < len(body) and body[i].value.startswith("-m") and len(body[i].value) > 2:
            module, taken = body[i].value[2:], i + 1
        if module not in ("pip", "venv", "virtualenv"):
            return None
        if python is not None and "/" not in first.value:
            version = python.group("version")
            explicit = version if version and "." in version else None  # python3.11: that version
        else:
            explicit = first.raw  # a path or a variable: that interpreter
        return module, taken, explicit
    return None


def _target_names(args: Sequence[Arg]) -> list[str]:
    names = []
    for arg in args:
        if arg.name is None and arg.value:
            match = _NAME.match(arg.value)
            names.append(match.group(1).lower().replace("_", "-") if match else arg.value)
    return names


def _option_edits(args: Sequence[Arg], subcommand: str, text: str, notes: list[str]) -> list[Edit]:
    """Rename or drop pip's options for uv; say which."""
    edits: list[Edit] = []
    dropped_here = DROPPED_BY_SUBCOMMAND.get(subcommand, frozenset())
    for arg in args:
        if arg.name is None:
            continue
        if arg.name in DROPPED or arg.name in dropped_here:
            edits.append(drop_span(text, arg.start, arg.end))
            notes.append(f"{arg.name} dropped (uv does not need it)")
        elif arg.name in RENAMED:
            new = RENAMED[arg.name]
            word = arg.words[0]
            if word.raw.startswith(arg.name):
                edits.append(Edit(word.start, word.start + len(arg.name), new))
            else:
                edits.append(Edit(word.start, word.end, new + (f"={arg.value}" if len(arg.words) == 1 else "")))
            notes.append(f"{arg.name} is {new.split('=')[0]}")
    return edits


def pip_proposal(
    command_body: Sequence[Word],
    taken: int,
    python: str | None,
    text: str,
    *,
    system: bool,
    sync: str,
    complete: Callable[[str], bool],
) -> Proposal | None:
    """The uv form of a pip command.

    ``sync`` says whether ``uv pip sync`` could replace ``pip install -r`` here (SYNC_FRESH: a
    fresh environment; SYNC_INSTALLED_BEFORE: sync would remove packages installed earlier;
    SYNC_NO: a developer's environment, where sync would remove their other packages), and
    ``complete(path)`` whether a requirements file pins everything (sync installs no dependencies).
    """
    args, _tail = parse_args(command_body[taken:])
    sub_index = next((i for i, arg in enumerate(args) if arg.name is None), None)
    invocation_span = (command_body[0].start, command_body[taken - 1].end)
    if sub_index is None:
        return Proposal("pip-other", "manual", "pip without a subcommand: nothing to migrate, or run `uv --version`")
    sub_arg = args[sub_index]
    subcommand = sub_arg.value or ""
    rest = args[sub_index + 1 :]
    options = args[:sub_index] + rest
    notes: list[str] = []
    if subcommand not in _DIRECT:
        return Proposal(
            "pip-other",
            "manual",
            f"uv has no `uv pip {subcommand}`; keep pip for it (a venv made by uv has no pip: "
            "`uv venv --seed` puts one in)",
        )
    names = _target_names(rest)
    requirement_files = [arg for arg in rest if arg.name in ("-r", "--requirement")]
    editable = any(arg.name in ("-e", "--editable") for arg in rest)
    if subcommand == "install":
        if names and all(name == "uv" for name in names):
            return None  # installing uv itself from PyPI is the migration's first step, not pip usage to move
        if names and all(name in _SELF for name in names) and not requirement_files and not editable:
            return Proposal(
                "pip-self-upgrade",
                "remove",
                "uv installs without pip, setuptools or wheel (it builds sdists in isolated environments "
                "with the backend each names), so there is nothing to upgrade first",
            )
    for arg in options:
        if arg.name in UNSUPPORTED:
            return Proposal(f"pip-{subcommand}", "manual", f"uv has no {arg.name}: {UNSUPPORTED[arg.name]}")
    edits = [Edit(*invocation_span, "uv pip")]
    new_sub = subcommand
    kind = f"pip-{subcommand}"
    requirements = None
    if subcommand == "install" and len(requirement_files) == 1 and not names and not editable:
        requirements = requirement_files[0].value or ""
        kind = "pip-install-requirements"
        if sync == SYNC_FRESH and complete(requirements):
            new_sub = "sync"
            arg = requirement_files[0]
            if len(arg.words) == 2:
                edits.append(drop_span(text, arg.words[0].start, arg.words[0].end))
            else:
                edits.append(Edit(arg.start, arg.end, requirements))
            notes.insert(0, f"{requirements} pins every package, so `uv pip sync` installs exactly it")
        elif sync == SYNC_FRESH:
            notes.insert(0, f"`uv pip sync {requirements}` would fit a file that pins every package (compiled)")
        elif sync == SYNC_INSTALLED_BEFORE:
            notes.insert(0, "not `uv pip sync`: it would remove the packages installed before it")
    flags = ""
    if python is not None:
        flags = f" --python {python}"
    elif system and subcommand in ("install", "uninstall", "freeze", "list", "show", "check"):
        flags = " --system"
        notes.append(f"--system: {WHY_SYSTEM}")
    edits.append(Edit(sub_arg.start, sub_arg.end, new_sub + flags))
    if names and "pip" in names and subcommand == "install":
        for arg in rest:
            if arg.name is None and _target_names([arg]) == ["pip"]:
                edits.append(drop_span(text, arg.start, arg.end))
                notes.append("pip itself dropped (uv does not use it)")
    edits += _option_edits(options, new_sub if new_sub == "sync" else subcommand, text, notes)
    why = {
        "install": "uv pip install takes pip's arguments and resolves and installs many times faster",
        "sync": "uv pip sync makes the environment match the file exactly",
        "uninstall": "uv pip uninstall needs no -y: it never asks",
        "freeze": "uv pip freeze writes the same pins",
        "list": "uv pip list lists the same packages",
        "show": "uv pip show shows the same metadata",
        "check": "uv pip check checks the same dependencies",
    }[new_sub]
    return Proposal(kind, "replace", "; ".join([why, *notes]), edits, needs_uv=True, requirements=requirements)


def venv_proposal(body: Sequence[Word], taken: int, python: str | None, tool: str, text: str) -> Proposal:
    """``python -m venv DIR`` / ``virtualenv DIR`` → ``uv venv DIR``."""
    args, _ = parse_args(body[taken:])
    notes: list[str] = []
    flags = f" --python {python}" if python else ""
    edits = [Edit(body[0].start, body[taken - 1].end, "uv venv" + flags)]
    for arg in args:
        if arg.name in VENV_DROPPED:
            edits.append(drop_span(text, arg.start, arg.end))
            notes.append(f"{arg.name} dropped")
        elif arg.name in ("-p", "--python") and tool == "virtualenv" and arg.words[0].raw.startswith(arg.name):
            edits.append(Edit(arg.words[0].start, arg.words[0].start + len(arg.name), "--python"))
    positionals = [arg.value for arg in args if arg.name is None]
    why = (
        "uv venv makes the venv in milliseconds; it puts no pip or setuptools in it (add --seed if "
        "something still runs pip from it; list setuptools in your requirements if your code imports "
        "pkg_resources)"
    )
    return Proposal(
        "venv",
        "replace",
        "; ".join([why, *notes]),
        edits,
        needs_uv=True,
        venv=positionals[-1] if positionals else ".venv",
    )


def tools_proposal(body: Sequence[Word], tool: str, text: str, python: str | None, system: bool) -> Proposal:
    """pip-tools: ``pip-compile`` → ``uv pip compile``, ``pip-sync`` → ``uv pip sync``."""
    subcommand = tool.split("-", 1)[1]
    args, _ = parse_args(body[1:])
    notes: list[str] = []
    flags = " --system" if system and subcommand == "sync" else ""
    edits = [Edit(body[0].start, body[0].end, f"uv pip {subcommand}{flags}")]
    edits += _option_edits(args, subcommand, text, notes)
    why = f"uv pip {subcommand} reads the same files and options as {tool}, many times faster"
    return Proposal("pip-tools", "replace", "; ".join([why, *notes]), edits, needs_uv=True)


def is_uv_installer(command: Command) -> bool:
    """``curl … astral.sh/uv … | sh`` (or wget), or ``sh -c "$(curl … astral.sh/uv …)"``."""
    body = command.body()
    if not body:
        return False
    tool = _basename(body[0].value)
    mentions = any("astral.sh/uv" in word.value or "astral-sh/uv" in word.value for word in body)
    if tool in ("curl", "wget") and mentions and command.pipe_to is not None:
        shell = command.pipe_to.body()
        return bool(shell) and _basename(shell[0].value) in ("sh", "bash", "zsh", "dash")
    if tool in ("sh", "bash", "zsh") and "-c" in [w.value for w in body]:
        return any("astral.sh/uv" in w.value and ("curl" in w.value or "wget" in w.value) for w in body)
    return False


def installer_version(command: Command, default: str) -> str:
    """The uv version an installer URL pins (``astral.sh/uv/0.4.0/install.sh``), else ``default``."""
    for word in command.body():
        found = _UV_VERSION_IN_URL.search(word.value)
        if found:
            return found.group(1)
    return default


def uv_image_copy(version: str) -> str:
    """The Dockerfile line that installs uv from its pinned image."""
    return f"COPY --from=ghcr.io/astral-sh/uv:{version} /uv /uvx /bin/"


def installer_proposal(version: str, dockerfile: bool) -> Proposal:
    """What replaces ``curl … | sh``: a pinned image stage in a Dockerfile, a pinned PyPI install elsewhere."""
    if dockerfile:
        return Proposal(
            "curl-uv",
            "replace",
            f"copy uv {version} from its pinned image instead of running a script from the network: "
            "the build is reproducible and nothing is piped into a shell (the installer's PATH line "
            "is then not needed: uv is in /bin)",
            replacement=uv_image_copy(version),
        )
    return Proposal(
        "curl-uv",
        "replace",
        f"install uv {version} from PyPI, pinned, instead of piping a script from the network into a "
        "shell (in GitHub Actions, astral-sh/setup-uv does the same)",
        replacement=f"python3 -m pip install uv=={version}",
    )
