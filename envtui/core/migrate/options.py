"""What each pip option is to uv: taken over, spelled differently, not needed, or not supported.

Checked against ``uv pip install --help`` (uv 0.13); an option not listed here is passed on as
written (uv takes most of pip's options under the same names).
"""

from __future__ import annotations

#: Options (of pip, pip-tools, venv and virtualenv) that take a value as the next word.
VALUE_OPTIONS = frozenset(
    (
        "-r",
        "--requirement",
        "-c",
        "--constraint",
        "-e",
        "--editable",
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--upgrade-strategy",
        "--report",
        "-C",
        "--config-settings",
        "--global-option",
        "--install-option",
        "--no-binary",
        "--only-binary",
        "--progress-bar",
        "--src",
        "--cache-dir",
        "--proxy",
        "--retries",
        "--timeout",
        "--exists-action",
        "--trusted-host",
        "--cert",
        "--client-cert",
        "--log",
        "--log-file",
        "--python",
        "--root-user-action",
        "--use-feature",
        "--use-deprecated",
        "--keyring-provider",
        "--format",
        "--exclude",
        "--path",
        "-o",
        "--output-file",
        "--resolver",
        "--pip-args",
        "-p",
        "--prompt",
    )
)

#: pip options uv spells differently.
RENAMED = {
    "--no-cache-dir": "--no-cache",
    "--force-reinstall": "--reinstall",
    "--compile": "--compile-bytecode",
    "--trusted-host": "--allow-insecure-host",
    "--config-settings": "--config-setting",
    "--pre": "--prerelease=allow",
}
#: pip options with no uv counterpart that uv does not need (its defaults already, or pip's own manners).
DROPPED = frozenset(
    (
        "--disable-pip-version-check",
        "--no-warn-script-location",
        "--no-compile",
        "--progress-bar",
        "--root-user-action",
        "--no-input",
        "--exists-action",
        "--upgrade-strategy",
        "--use-pep517",
        "--no-use-pep517",
        "--no-clean",
        "--isolated",
        "--no-python-version-warning",
        "--timeout",
        "--retries",
        "--use-feature",
        "--use-deprecated",
        "--no-warn-conflicts",
        "--no-color",
    )
)

#: Dropped for one subcommand only (after the rename: ``sync`` is what ``install -r`` became).
DROPPED_BY_SUBCOMMAND = {
    "uninstall": frozenset({"-y", "--yes"}),
    "freeze": frozenset({"-l", "--local", "--all"}),
    "sync": frozenset({"-U", "--upgrade", "--no-deps", "--upgrade-strategy"}),
    "compile": frozenset({"--resolver", "--allow-unsafe", "--build-isolation", "--pip-args"}),
}

#: Options of ``python -m venv`` and ``virtualenv`` that ``uv venv`` does without.
VENV_DROPPED = frozenset(
    (
        "--without-pip",
        "--upgrade-deps",
        "--copies",
        "--symlinks",
        "--no-pip",
        "--no-setuptools",
        "--no-wheel",
        "--no-download",
        "--download",
        "--no-periodic-update",
        "--upgrade",
    )
)

#: pip options uv does not support, with what to do instead: such a command is left to a person.
UNSUPPORTED = {
    "--user": "uv does not install into the user site; use a venv (uv venv), or `uv tool install` for an application",
    "--root": "install into a venv, or use --prefix or --target",
    "--src": "uv clones editable VCS requirements into its cache",
    "--global-option": "pass build settings with -C/--config-setting",
    "--install-option": "pass build settings with -C/--config-setting",
    "--report": "`uv pip compile` writes the resolution",
    "--platform": "uv's --python-platform takes other values (e.g. x86_64-manylinux_2_28)",
    "--implementation": "uv resolves for the interpreter it installs into",
    "--abi": "uv resolves for the interpreter it installs into",
}
