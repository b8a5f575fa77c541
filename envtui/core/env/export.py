"""The environment as a pinned requirements file: what ``uv pip freeze`` prints, with a header.

uv writes the pins (``name==version``, ``-e`` for editable projects, ``name @ URL`` for direct
installs) with names normalised as it shows them everywhere; the header says where they came
from, so a file found later explains itself.
"""

from __future__ import annotations

import time

from envtui.core.env.environment import Environment
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv


def pinned_requirements(env: Environment, uv: Uv | None = None, *, now: float | None = None) -> str:
    """The requirements file text that reproduces ``env`` (every installed distribution, pinned)."""
    uv = uv or Uv()
    result = uv.run(uv.pip("freeze", env.python, *env.uv_flags(), "--quiet"))
    if not result.ok:
        raise EnvtuiError("could not export the environment", cause=result.last_error_line())
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(now))
    header = [
        f"# {len(lines)} distribution{'s' if len(lines) != 1 else ''} of {env.path} (Python {env.version}),",
        f"# exported by envtui on {when}. Recreate with: uv pip sync THIS_FILE",
    ]
    return "\n".join(header + lines) + "\n"
