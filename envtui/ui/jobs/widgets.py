"""The job log's error highlighter: uv's ``error:`` lines and their ``cause:``/``hint:`` lines stand out."""

from __future__ import annotations

import re

from rich.highlighter import Highlighter
from rich.text import Text

from envtui.core.jobs.uv_errors import is_error_line

_FOLLOW = re.compile(r"^(\s+(cause|hint|caused by)\b|hint:)", re.IGNORECASE)


class UvErrorHighlighter(Highlighter):
    """Colours uv's ``error:`` lines and their ``cause:``/``hint:`` lines in the job log."""

    def __init__(self, error_style: str = "bold red", hint_style: str = "yellow") -> None:
        self.error_style = error_style
        self.hint_style = hint_style

    def highlight(self, text: Text) -> None:
        """Style a whole line when it is part of an error report."""
        plain = text.plain.removeprefix("» ")
        if is_error_line(plain) or plain.startswith("error"):
            text.stylize(self.error_style)
        elif _FOLLOW.match(plain):
            text.stylize(self.hint_style)
