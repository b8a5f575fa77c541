"""uv projects: ``pyproject.toml`` + ``uv.lock`` + ``.venv``, changed through uv's project commands.

In a project, ``uv pip install`` drifts the environment from the lock and the next ``uv sync``
undoes it. So envtui changes a project's environment the way its owner would: ``uv add``,
``uv remove``, ``uv sync --upgrade-package``, ``uv sync``. This package holds that domain:
detecting a project (:mod:`.detect`), reading ``pyproject.toml`` (:mod:`.manifest`) and
``uv.lock`` (:mod:`.lockfile`), the uv command lines (:mod:`.commands`), previews of a
change (:mod:`.preview`) and how the environment stands against the lock (:mod:`.status`).
"""
