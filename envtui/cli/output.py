"""How the CLI prints: JSON for machines, aligned text for people, one-line errors.

Everything printed passes the display boundary (:mod:`envtui.core.display`): each field from
outside (a summary, a path, uv's output) is made safe where it is printed, one line per field,
and :func:`guarded` wraps stdout and stderr for a command's run so that nothing else can slip
a control character through either.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

from envtui.core.display import output_line, safe_json, safe_text
from envtui.core.errors import EnvtuiError


def visible(text: str) -> str:
    """Text from outside (files, paths, tools) made safe for a terminal, through the display boundary."""
    return safe_text(text)


def fail(error: EnvtuiError) -> int:
    """Print an error the way uv does and return its exit code."""
    print(f"error: {safe_text(error.message)}", file=sys.stderr)
    if error.cause:
        print(f"  cause: {safe_text(error.cause)}", file=sys.stderr)
    if error.hint:
        print(f"hint: {safe_text(error.hint)}", file=sys.stderr)
    return error.exit_code


def warn(message: str) -> None:
    """A one-line warning on stderr."""
    print(f"warning: {safe_text(message)}", file=sys.stderr)


def say(*parts: object, file: IO[str] | None = None) -> None:
    """One line for a person: each part made safe (a part cannot break the line), joined by spaces."""
    print(" ".join(safe_text(part) for part in parts), file=file or sys.stdout)


def say_output(line: str, file: IO[str] | None = None) -> None:
    """One line of a program's output (uv, a hook): its colour codes dropped, the rest made safe."""
    print(output_line(line), file=file or sys.stdout)


def emit_json(value: object) -> None:
    """Print a JSON document on stdout: indented for a terminal, compact (and fast) for a pipe.

    Lossless, with every control character escaped (C1 included, which ``json.dumps`` leaves raw).
    """
    out = sys.stdout
    document = safe_json(value, indent=2 if out.isatty() else None) + "\n"
    # Already safe by construction: written past the guard, which would only scan it again.
    (out.write_checked if isinstance(out, _SafeStream) else out.write)(document)


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, stretch: int | None = None) -> str:
    """Rows in aligned columns; column ``stretch`` (the last by default) is cut to the terminal width.

    Cells are made safe first, so what is measured is what is printed.
    """
    if not rows:
        return ""
    safe_rows = [[safe_text(cell) for cell in row] for row in rows]
    columns = list(zip(*[list(headers), *safe_rows], strict=False))
    widths = [max(len(cell) for cell in column) for column in columns]
    stretch = len(headers) - 1 if stretch is None else stretch
    import shutil

    width = shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 10_000
    fixed = sum(w + 2 for i, w in enumerate(widths) if i != stretch)
    widths[stretch] = max(len(headers[stretch]), min(widths[stretch], width - fixed - 1))
    lines = []
    for row in [list(headers), ["-" * w for w in widths], *safe_rows]:
        cells = []
        for i, cell in enumerate(row):
            if len(cell) > widths[i]:
                cell = cell[: max(widths[i] - 1, 0)] + "…"
            cells.append(cell.ljust(widths[i]) if i < len(row) - 1 else cell)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


class _SafeStream:
    """A text stream that makes whatever is written to it safe (newlines and tabs kept)."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(safe_text(text, multiline=True))
        return len(text)

    def write_checked(self, text: str) -> int:
        """Write text that already passed the boundary (a JSON document from ``safe_json``)."""
        return self._stream.write(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def guarded() -> Iterator[None]:
    """For one command's run, stdout and stderr let no control character through (but newline and tab).

    The last line of the boundary: fields are made safe where they are printed; this catches
    anything printed elsewhere (a library's message, a code path added later).
    """
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _SafeStream(sys.stdout), _SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
