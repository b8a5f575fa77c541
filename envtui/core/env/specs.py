"""Check what the user asks to install or remove before anything reaches uv.

Every spec is parsed with ``packaging.requirements.Requirement``; anything that is not one
plain requirement is refused with a UsageError (exit 2) and the environment is not touched:
empty strings, option look-alikes (``--index-url=…``, ``-r/etc/passwd``), invalid markers
(``alpha; rm -rf /``), several specs in one argument (``a==1 b``), paths and ``..``.
``name @ URL`` is a requirement and is allowed, but a ``file:`` URL only for an archive (a wheel
or an sdist): a local directory is installed only as an editable, through an explicit option,
and is checked by :func:`validate_editable`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from envtui.core.env.names import is_name
from envtui.core.errors import UsageError

#: What a ``file:`` URL may name: a wheel or an sdist (a directory would be built and installed).
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".zip")
_URL_SCHEMES = frozenset(
    {"http", "https", "file", "git+https", "git+ssh", "git+http", "git+file", "hg+https", "svn+https", "bzr+https"}
)


def _reject(text: str, why: str) -> UsageError:
    return UsageError(f"not a valid requirement: {text!r}", cause=why)


def validate_spec(text: str) -> Requirement:
    """One user-given requirement spec, parsed; a UsageError saying why when it is not one."""
    if not isinstance(text, str) or not text.strip():
        raise _reject(text, "it is empty")
    stripped = text.strip()
    if stripped.startswith("-"):
        raise _reject(text, "it starts with '-': options are not accepted as specs")
    if any(ch in text for ch in "\r\n\t\0") or any(ord(ch) < 32 for ch in text):
        raise _reject(text, "it contains control characters")
    try:
        requirement = Requirement(stripped)
    except InvalidRequirement as exc:
        head = stripped.split(";", 1)[0].split("@", 1)[0]
        if ";" in stripped:
            why = "invalid environment marker after ';'"
        elif "/" in head or "\\" in head or head.startswith((".", "~")):
            why = "it looks like a path: use --editable PATH for a local project"
        elif " " in stripped and "@" not in stripped:
            why = "several specs in one argument: give one spec per argument"
        else:
            why = str(exc).splitlines()[0] if str(exc) else "not a requirement"
        raise _reject(text, why) from exc
    if requirement.url is not None:
        parts = urlsplit(requirement.url)
        if parts.scheme not in _URL_SCHEMES:
            raise _reject(text, f"unsupported URL scheme {parts.scheme or '(none)'!r}")
        if ".." in unquote(parts.path).split("/"):
            raise _reject(text, "'..' is not allowed in a URL path")
        if parts.scheme == "file":
            local = unquote(parts.path)
            if not local.startswith("/"):
                raise _reject(text, "a file URL must be absolute")
            if Path(local).is_dir():
                raise _reject(text, "it names a local directory: use --editable PATH for a local project")
            if not local.lower().endswith(_ARCHIVES):
                raise _reject(text, "a file URL must name a wheel or an sdist; for a local project use --editable PATH")
    return requirement


def validate_specs(texts: Iterable[str]) -> list[str]:
    """Every spec checked (the first bad one raises); returned normalised, in order."""
    return [str(validate_spec(text)) for text in texts]


def validate_name(text: str) -> str:
    """A bare package name (for upgrade and uninstall), or a UsageError."""
    if not isinstance(text, str) or not text.strip():
        raise UsageError(f"not a valid package name: {text!r}", cause="it is empty")
    stripped = text.strip()
    if stripped.startswith("-"):
        raise UsageError(f"not a valid package name: {text!r}", cause="it starts with '-'")
    if not is_name(stripped):
        cause = (
            "give a bare name, without a version or extras"
            if _looks_like_spec(stripped)
            else ("letters, digits, '.', '_' and '-' only")
        )
        raise UsageError(f"not a valid package name: {text!r}", cause=cause)
    return stripped


def validate_names(texts: Iterable[str]) -> list[str]:
    """Bare package names, checked; duplicates (by canonical name) dropped."""
    seen: dict[str, str] = {}
    for text in texts:
        name = validate_name(text)
        seen.setdefault(canonicalize_name(name), name)
    return list(seen.values())


def _looks_like_spec(text: str) -> bool:
    try:
        Requirement(text)
    except InvalidRequirement:
        return False
    return True


def validate_editable(path: str | os.PathLike[str], *, cwd: Path | None = None) -> Path:
    """A local project directory to install as an editable: absolute, existing, a project."""
    if not str(path).strip():
        raise UsageError("not a valid editable path: ''", cause="it is empty")
    given = Path(path).expanduser()
    if not given.is_absolute():
        given = (cwd or Path.cwd()) / given
    resolved = given.resolve()
    if not resolved.is_dir():
        raise UsageError(f"not a directory: {given}", cause="--editable takes a local project directory")
    if not any((resolved / marker).is_file() for marker in ("pyproject.toml", "setup.py", "setup.cfg")):
        raise UsageError(f"not a Python project: {given}", cause="no pyproject.toml, setup.py or setup.cfg in it")
    return resolved


def validate_file(path: str | os.PathLike[str], *, what: str = "requirements file", cwd: Path | None = None) -> Path:
    """A readable requirements file, made absolute (so it can never look like an option)."""
    if not str(path).strip():
        raise UsageError(f"not a valid {what}: ''", cause="it is empty")
    given = Path(path).expanduser()
    if not given.is_absolute():
        given = (cwd or Path.cwd()) / given
    if not given.exists():
        raise UsageError(f"no such {what}: {path}")
    if not os.access(given, os.R_OK):
        raise UsageError(f"cannot read {what}: {path}", cause="permission denied")
    from envtui.core.env.requirements import read_requirements_file

    parsed = read_requirements_file(given)  # UsageError when it is not a regular file of text
    if parsed.errors:
        first = parsed.errors[0]
        more = f" (and {len(parsed.errors) - 1} more)" if len(parsed.errors) > 1 else ""
        raise UsageError(f"invalid requirement at {first.source}:{first.line}{more}", cause=first.message)
    return given.resolve()
