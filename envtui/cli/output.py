"""How the CLI prints: JSON for machines, aligned text for people, one-line errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence

from envtui.core.errors import EnvtuiError


def fail(error: EnvtuiError) -> int:
    """Print an error the way uv does and return its exit code."""
    print(f"error: {error.message}", file=sys.stderr)
    if error.cause:
        print(f"  cause: {error.cause}", file=sys.stderr)
    return error.exit_code


def warn(message: str) -> None:
    """A one-line warning on stderr."""
    print(f"warning: {message}", file=sys.stderr)


def emit_json(value: object) -> None:
    """Print a JSON document on stdout: indented for a terminal, compact (and fast) for a pipe."""
    sys.stdout.write(json.dumps(value, indent=2 if sys.stdout.isatty() else None, ensure_ascii=False))
    sys.stdout.write("\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, stretch: int | None = None) -> str:
    """Rows in aligned columns; column ``stretch`` (the last by default) is cut to the terminal width."""
    if not rows:
        return ""
    columns = list(zip(*([list(headers)] + [list(r) for r in rows]), strict=False))
    widths = [max(len(cell) for cell in column) for column in columns]
    stretch = len(headers) - 1 if stretch is None else stretch
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 10_000
    fixed = sum(w + 2 for i, w in enumerate(widths) if i != stretch)
    widths[stretch] = max(len(headers[stretch]), min(widths[stretch], width - fixed - 1))
    lines = []
    for row in [list(headers), ["-" * w for w in widths]] + [list(r) for r in rows]:
        cells = []
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                cell = cell[: max(widths[i] - 1, 0)] + "…"
            cells.append(cell.ljust(widths[i]) if i < len(row) - 1 else cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
