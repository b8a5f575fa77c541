"""The domain of envtui: uv calls, environments, packages, requirements, health, jobs, snapshots.

Nothing in this package imports Textual or Rich; a test enforces it. The TUI and the headless
CLI are two thin faces on it.
"""
