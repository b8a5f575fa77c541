"""Environments and what is in them: the venv, its packages, requirements and specs."""
