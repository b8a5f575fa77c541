"""A shell inside an environment: the variables ``activate`` would set, and a prompt that says so.

``shell_session(env)`` gives the argument list and environment variables that start the user's
``$SHELL`` with the environment active: ``VIRTUAL_ENV`` set, its ``bin`` first on ``PATH`` (an
activated venv's ``bin`` taken off, so its python cannot shadow this one's), and a prompt that
starts with ``(envtui: NAME)``. bash and zsh read the user's own rc file first and then
prefix the prompt; fish's prompt function is wrapped; other shells get ``PS1``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core.env.environment import Environment


@dataclass
class ShellSession:
    """How to start the shell, and what to tidy away after it ends."""

    argv: list[str]
    environ: dict[str, str]
    banner: str
    """One line to print before the shell starts."""
    scratch: Path | None = field(default=None, repr=False)
    """A directory of rc files made for this shell (removed by :meth:`cleanup`)."""

    def cleanup(self) -> None:
        """Remove the rc files written for the shell."""
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)
            self.scratch = None


def prompt_name(env: Environment, cwd: Path | None = None) -> str:
    """A short, prompt-safe name for the environment: ``myproject/.venv`` or its last two parts."""
    path = env.path
    try:
        shown = str(path.resolve().relative_to((cwd or Path.cwd()).resolve()))
    except (ValueError, OSError):
        shown = "/".join(path.parts[-2:]) if path.name in (".venv", "venv") else path.name
    # Only plain characters: shells expand $, `, \ and % in prompts.
    return re.sub(r"[^A-Za-z0-9._/+~-]", "?", shown) or "env"


def activated(env: Environment, environ: Mapping[str, str]) -> dict[str, str]:
    """``environ`` with ``env`` activated, as its ``bin/activate`` would leave it."""
    result = dict(environ)
    bin_dir = str(Path(env.python).parent)
    old = result.get("VIRTUAL_ENV")
    old_bin = str(Path(old) / "bin") if old else None
    path = [p for p in result.get("PATH", os.defpath).split(os.pathsep) if p and p not in (bin_dir, old_bin)]
    result["PATH"] = os.pathsep.join([bin_dir, *path])
    result.pop("PYTHONHOME", None)
    if env.is_venv:
        result["VIRTUAL_ENV"] = str(env.path)
    else:
        result.pop("VIRTUAL_ENV", None)
    return result


def shell_session(env: Environment, environ: Mapping[str, str], cwd: Path | None = None) -> ShellSession:
    """The user's ``$SHELL`` (else ``/bin/sh``) with ``env`` active and a prompt naming it."""
    name = prompt_name(env, cwd)
    shell = environ.get("SHELL") or "/bin/sh"
    variables = activated(env, environ)
    variables["VIRTUAL_ENV_PROMPT"] = f"envtui: {name}"
    label = f"(envtui: {name}) "
    banner = f"envtui: a shell in {env.path} ({'venv' if env.is_venv else 'interpreter'} active); exit to go back"
    kind = Path(shell).name
    if kind == "bash":
        scratch = Path(tempfile.mkdtemp(prefix="envtui-shell-"))
        rc = scratch / "bashrc"
        rc.write_text(f'[ -f ~/.bashrc ] && . ~/.bashrc\nPS1={shlex.quote(label)}"$PS1"\n', encoding="utf-8")
        return ShellSession([shell, "--rcfile", str(rc), "-i"], variables, banner, scratch)
    if kind == "zsh":
        scratch = Path(tempfile.mkdtemp(prefix="envtui-shell-"))
        home = environ.get("ZDOTDIR") or environ.get("HOME") or "~"
        user = shlex.quote(home)
        (scratch / ".zshenv").write_text(f"[ -f {user}/.zshenv ] && . {user}/.zshenv\n", encoding="utf-8")
        (scratch / ".zshrc").write_text(
            f'ZDOTDIR={user}\n[ -f {user}/.zshrc ] && . {user}/.zshrc\nPROMPT={shlex.quote(label)}"$PROMPT"\n',
            encoding="utf-8",
        )
        variables["ZDOTDIR"] = str(scratch)
        return ShellSession([shell, "-i"], variables, banner, scratch)
    if kind == "fish":
        wrap = (
            "functions -q fish_prompt; and functions -c fish_prompt _envtui_prompt; "
            f"function fish_prompt; echo -n {shlex.quote(label)}; functions -q _envtui_prompt; "
            "and _envtui_prompt; end"
        )
        return ShellSession([shell, "-i", "-C", wrap], variables, banner)
    variables["PS1"] = f"{label}$ "
    return ShellSession([shell, "-i"], variables, banner)
