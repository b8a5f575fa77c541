"""Credentials in URLs, masked the way uv masks them, wherever envtui stores or shows text.

A spec (``name @ https://user:token@host/…``), a requirements line (``--index-url
https://user:pass@host/simple``) or a service URL may carry a secret. What uv receives is never
changed; what envtui writes down (job records, logs, lock files) or prints is masked first:
``https://user:****@host`` when there is a password, ``https://****@host`` when the user part
alone is the secret (a token), exactly as uv prints them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "****"

# ://userinfo@ — the userinfo runs (greedily) to the last "@" before the path, so an unencoded
# "@" inside a password does not leave the rest of it in clear; it never crosses whitespace or
# the quotes and backslashes that delimit a string (a JSON document keeps its shape). The
# pattern starts with its literal "://" so that a search skips ahead at C speed.
_CREDENTIALS = re.compile(r"://(?P<userinfo>[^\s/?#\"`<>\\]+)@")


def _masked(match: re.Match[str]) -> str:
    user, colon, _ = match["userinfo"].partition(":")
    if colon:
        return f"://{user}:{MASK}@"
    return f"://{MASK}@"


def mask_credentials(text: str) -> str:
    """``text`` with the credentials of every URL in it masked (idempotent; cheap without a URL)."""
    if "@" not in text or "://" not in text:
        return text
    return _CREDENTIALS.sub(_masked, text)


def mask_argv(argv: Iterable[str]) -> list[str]:
    """An argument list with credentials masked in each argument (for records, never for running)."""
    return [mask_credentials(arg) for arg in argv]


def has_credentials(text: str) -> bool:
    """Whether a URL in ``text`` carries credentials that masking would hide."""
    return mask_credentials(text) != text
