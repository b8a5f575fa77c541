"""Messages workers post when what they waited for arrives, and the widgets' "busy" signals.

Workers run in threads and touch the UI only by posting one of these to the widget that
started them; it handles them with ``@on(...)`` and they bubble on to the screen. Failures are
reported through ``Worker.StateChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from textual.message import Message

from envtui.core.config import Config
from envtui.core.env.environment import Environment
from envtui.core.env.filtering import PackageIndex
from envtui.core.env.packages import DependencyIssue, Inventory


@dataclass
class InventoryLoaded(Message):
    """The environment was listed (first load, refresh, or a switch to another environment)."""

    env: Environment
    inventory: Inventory
    index: PackageIndex
    """The inventory prepared for filtering (built in the worker, off the UI thread)."""


@dataclass
class LoadFailed(Message):
    """Listing the environment failed outside a worker (the listing started before the UI)."""

    env: Environment
    error: BaseException


@dataclass
class OutdatedChecked(Message):
    """The index answered: latest versions of the outdated packages, by canonical name."""

    env: Environment
    latest: dict[str, str] | None
    """None: the index could not answer (newer versions are unknown again)."""


@dataclass
class DependenciesChecked(Message):
    """``uv pip check`` finished."""

    env: Environment
    issues: list[DependencyIssue] = field(default_factory=list)
    failed: str | None = None
    """Why uv could not check (e.g. a tampered dist-info); the Health view then reports it as a check."""


@dataclass
class UvVersionKnown(Message):
    """uv answered ``uv --version``."""

    version: str


@dataclass
class EnvironmentsFound(Message):
    """Virtual environments discovered near the open one."""

    paths: list[Path]


@dataclass
class BusyStarted(Message):
    """Something began waiting in the background (a preview, the outdated check): the spinner turns."""

    label: str
    """What is waited for, e.g. ``checking for newer versions``."""


class BusyEnded(Message):
    """One thing that was waiting ended (answered, failed or cancelled)."""


@dataclass
class HealthVerdictChanged(Message):
    """The Health view's verdict on the environment changed: the badge's text, level and tooltip."""

    text: str
    level: str
    """ok, warn, error or unknown."""
    tooltip: str


@dataclass
class PackageChosen(Message):
    """Enter on a finding that concerns a package (the Health view): show that package."""

    key: str
    """The package's canonical name."""


@dataclass
class RestartRequested(Message):
    """``R`` in the Health view: run the after-change hooks of ``config`` now (they start the service)."""

    config: Config
