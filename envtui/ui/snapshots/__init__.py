"""The TUI face of snapshots: the Snapshots view, the restore dialog, and undo/redo (``z``/``Z``)."""
