"""Errors that carry their own exit code, so every face reports them the same way (as uv does)."""

from __future__ import annotations


class EnvtuiError(Exception):
    """An operation failed: exit code 1, a one-line message, an optional cause and hint."""

    exit_code = 1

    def __init__(
        self, message: str, cause: str | None = None, *, hint: str | None = None, details: list[str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.cause = cause
        self.hint = hint
        """What the user may have meant or can do next (e.g. ``did you mean requests?``)."""
        self.details = list(details or [])
        """The longer story, line by line (e.g. uv's whole error block), for a log."""

    def __str__(self) -> str:
        return self.message


class UsageError(EnvtuiError):
    """Bad usage or bad input (missing venv, not a venv, unreadable file): exit code 2."""

    exit_code = 2


class UvNotFound(EnvtuiError):
    """No usable uv binary could be found or run."""

    exit_code = 2
