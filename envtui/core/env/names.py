"""Package names: the one rule for telling, reading and comparing them.

Names are compared in their canonical form (PEP 503, :func:`canonical_name`: what
``packaging.utils.canonicalize_name`` returns) and are valid by packaging's own rule (PEP 508:
ASCII letters and digits, with ``.``, ``_`` and ``-`` inside). Where a name must be picked out
of a longer text quickly — a requirement in the metadata of 10,000 packages, a line of uv's
output — :data:`NAME_PATTERN` is that same rule as a regular expression.

``packaging.utils`` is imported only to validate: it pulls in ``packaging.tags`` (sysconfig,
logging, platform detection), a good part of ``envtui list``'s start-up for one substitution.
"""

from __future__ import annotations

import re

#: A valid distribution name, as a pattern to build other patterns with.
NAME_PATTERN = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
#: The name a requirement string starts with (group 1), after any blanks.
LEADING_NAME = re.compile(rf"\s*({NAME_PATTERN})")


_SEPARATORS = re.compile(r"[-_.]+")


def canonical_name(name: str) -> str:
    """The canonical (PEP 503) form of a name: runs of ``-``, ``_`` and ``.`` become one ``-``,
    lower case; the same as ``packaging.utils.canonicalize_name``."""
    return _SEPARATORS.sub("-", name).lower()


def is_name(text: str) -> bool:
    """Whether ``text`` is a valid distribution name (exactly: no version, extras or blanks)."""
    from packaging.utils import InvalidName, canonicalize_name

    try:
        canonicalize_name(text, validate=True)
    except InvalidName:
        return False
    return True


def leading_name(requirement: str) -> str | None:
    """The name a requirement string starts with, as written (None when it starts with none)."""
    match = LEADING_NAME.match(requirement)
    return match.group(1) if match else None


def requirement_key(requirement: str) -> str | None:
    """The canonical name of the package a requirement string names (None when it names none)."""
    name = leading_name(requirement)
    return canonical_name(name) if name is not None else None
