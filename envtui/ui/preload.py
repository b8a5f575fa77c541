"""Start listing the environment before Textual is even imported (no Textual import here).

Importing Textual and building the app take a few hundred milliseconds; so does listing 2,000
packages (``uv pip list`` plus reading every ``.dist-info``). Both are CPU-bound Python, so a
thread would only take turns with the import under the GIL. On Linux the listing therefore runs
in a forked child (started before Textual is imported, so the fork is cheap and safe: no threads
yet) and comes back pickled through a pipe, on another core. Elsewhere, or if forking fails, a
thread does it. Either way the caller gets a ``Future`` of ``(Inventory, PackageIndex)``.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Mapping
from concurrent.futures import Future

from envtui.core.env.environment import Environment
from envtui.core.env.filtering import PackageIndex
from envtui.core.env.packages import Inventory, list_packages
from envtui.core.errors import EnvtuiError
from envtui.core.uv import Uv

Loaded = tuple[Inventory, PackageIndex]


def load(env: Environment, uv: Uv, overrides: Mapping[str, str] | None = None) -> Loaded:
    """List ``env`` (with the configuration's category overrides) and index it for filtering (blocking)."""
    inventory = list_packages(env, uv, category_overrides=overrides)
    return inventory, PackageIndex(inventory.packages.values())


def start(env: Environment, uv: Uv, overrides: Mapping[str, str] | None = None) -> Future[Loaded]:
    """Begin :func:`load` in the background; the future carries its result or its error."""
    if sys.platform.startswith("linux") and threading.active_count() == 1:
        try:
            return _start_forked(env, uv, overrides)
        except OSError:
            pass
    return _start_thread(env, uv, overrides)


def _run_in_thread(future: Future[Loaded], work) -> None:
    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:
            future.set_exception(exc)

    threading.Thread(target=run, name="envtui-preload", daemon=True).start()


def _start_thread(env: Environment, uv: Uv, overrides: Mapping[str, str] | None) -> Future[Loaded]:
    future: Future[Loaded] = Future()
    _run_in_thread(future, lambda: load(env, uv, overrides))
    return future


def _start_forked(env: Environment, uv: Uv, overrides: Mapping[str, str] | None) -> Future[Loaded]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child; its work is checked through the parent
        status = 0
        try:
            os.close(read_fd)
            try:
                inventory = list_packages(env, uv, category_overrides=overrides)
                payload = pickle.dumps(("ok", inventory), pickle.HIGHEST_PROTOCOL)
            except EnvtuiError as exc:
                payload = pickle.dumps(("error", exc.message, exc.cause))
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
        except BaseException:
            status = 1
        finally:
            os._exit(status)
    os.close(write_fd)

    def receive() -> Loaded:
        with os.fdopen(read_fd, "rb") as pipe:
            data = pipe.read()
        os.waitpid(pid, 0)
        try:
            kind, *rest = pickle.loads(data)
        except Exception:
            return load(env, uv, overrides)
        if kind == "error":
            raise EnvtuiError(rest[0], cause=rest[1])
        inventory: Inventory = rest[0]
        return inventory, PackageIndex(inventory.packages.values())

    future: Future[Loaded] = Future()
    _run_in_thread(future, receive)
    return future
