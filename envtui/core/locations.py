"""Every path envtui reads or writes outside the environment it manages, in one place.

State (job history, logs, trust records, snapshots) lives in the user's state dir
(platformdirs); ``ENVTUI_STATE_DIR`` overrides it, which tests and sandboxed CI use.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "envtui"


def state_dir() -> Path:
    """The root of everything envtui remembers between runs."""
    override = os.environ.get("ENVTUI_STATE_DIR")
    if override:
        return Path(override)
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def jobs_dir() -> Path:
    """Job records and their full logs."""
    return state_dir() / "jobs"


def snapshots_dir() -> Path:
    """Environment snapshots taken before change jobs."""
    return state_dir() / "snapshots"


def trust_file() -> Path:
    """Hashes of project config files the user has trusted to run hooks."""
    return state_dir() / "trusted.json"


def locks_dir() -> Path:
    """Cross-process lock files, one per environment."""
    return state_dir() / "locks"


def styles_dir() -> Path:
    """The Textual stylesheets: inside the installed package, or ``styles/`` in a source checkout."""
    package_dir = Path(__file__).resolve().parent.parent
    installed = package_dir / "styles"
    if installed.is_dir():
        return installed
    return package_dir.parent / "styles"
