"""Snapshots: the exact installed set of an environment, taken before every change job.

``freeze`` reads what is installed (as ``uv pip freeze`` prints it), ``model`` holds one snapshot,
``store`` keeps them on disk (one folder per environment, atomic, private), ``diff`` compares two
installed sets, ``restore`` checks and prepares a rollback, and ``step`` is the job step that
takes a snapshot before uv starts.
"""
