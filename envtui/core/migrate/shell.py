"""Just enough of the POSIX shell's grammar to find commands, with where each word was written.

Not a shell: it splits text into words (quotes, ``$(…)``, backquotes, backslash escapes and
line continuations respected), drops comments and here-document bodies, and groups words into
simple commands joined by ``&&``, ``||``, ``;``, ``|``, ``&`` or newlines. Every word keeps its
offsets in the text, so a rewrite can replace exactly the characters a person wrote and keep
everything around them (indentation, continuations, the rest of a ``RUN`` line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: Operators that end a simple command, longest first.
_OPERATORS = ("&&", "||", ";;", ";", "|&", "|", "&", "(", ")")
_REDIRECT = re.compile(r"(\d*)(>>|>&|>\||<<<|<<-|<<|<&|<>|>|<)|&>>?")
#: Words that open or continue a compound command; the command proper follows them.
_KEYWORDS = frozenset({"if", "then", "elif", "else", "do", "while", "until", "!", "{", "}", "time", "fi", "done"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")
_HEREDOC_WORD = re.compile(r"^['\"]?([A-Za-z0-9_.-]+)['\"]?$")


@dataclass(frozen=True)
class Word:
    """One word as written (``raw``), as the shell would see it (``value``), and where it is."""

    raw: str
    value: str
    start: int
    end: int
    redirect: bool = False
    """A redirection operator (``>``, ``2>``, ``<<``); the word after it is its target."""


@dataclass(frozen=True)
class Operator:
    """A control operator between commands, or a newline."""

    text: str
    start: int
    end: int


@dataclass
class Command:
    """A simple command: its words, and the operators on either side of it."""

    words: list[Word]
    before: Operator | None = None
    after: Operator | None = None
    pipe_to: Command | None = field(default=None, repr=False)
    """The command this one's output is piped into (``curl … | sh``)."""

    @property
    def start(self) -> int:
        """Offset of the first word."""
        return self.words[0].start

    @property
    def end(self) -> int:
        """Offset just after the last word."""
        return self.words[-1].end

    def body(self) -> list[Word]:
        """The words after keywords, variable assignments and wrappers like ``sudo`` or ``env``."""
        words = self.words
        i = 0
        while i < len(words):
            value = words[i].value
            if value in _KEYWORDS or _ASSIGNMENT.match(words[i].raw):
                i += 1
            elif value in ("sudo", "doas"):
                i += 1
                while i < len(words) and words[i].value.startswith("-"):
                    takes_value = words[i].value in ("-u", "-g", "-C", "-h", "-p", "-U", "-r", "-t")
                    i += 2 if takes_value else 1
            elif value in ("exec", "command", "nohup", "builtin", "noglob"):
                i += 1
            elif value == "env":
                i += 1
                while i < len(words) and (words[i].value.startswith("-") or _ASSIGNMENT.match(words[i].raw)):
                    i += 1
            else:
                break
        return words[i:]


def _scan_word(text: str, i: int, n: int) -> tuple[int, str]:
    """Read one word from ``i`` (not past ``n``); returns (end offset, its value with quotes removed)."""
    value: list[str] = []
    while i < n:
        ch = text[i]
        if ch in " \t\r\n;&|()<>":
            break
        if ch == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # a line continuation inside a word joins it
                continue
            if i + 1 < n:
                value.append(text[i + 1])
            i += 2
            continue
        if ch == "'":
            close = text.find("'", i + 1, n)
            close = n - 1 if close < 0 else close
            value.append(text[i + 1 : close])
            i = close + 1
            continue
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            value.append(text[i + 1 : min(j, n)].replace('\\"', '"'))
            i = j + 1
            continue
        if ch == "$" and i + 1 < n and text[i + 1] in "({":
            j = _matching(text, i + 1, n)
            value.append(text[i:j])
            i = j
            continue
        if ch == "`":
            close = text.find("`", i + 1, n)
            close = n - 1 if close < 0 else close
            value.append(text[i : close + 1])
            i = close + 1
            continue
        value.append(ch)
        i += 1
    return min(i, n), "".join(value)


def _matching(text: str, i: int, n: int) -> int:
    """Offset just after the bracket closing the one at ``i`` (quotes inside respected)."""
    pairs = {"(": ")", "{": "}"}
    stack = [pairs[text[i]]]
    j = i + 1
    while j < n and stack:
        ch = text[j]
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch == stack[-1]:
            stack.pop()
        elif ch in "'\"":
            close = text.find(ch, j + 1)
            j = n if close < 0 or close >= n else close
        elif ch == "\\":
            j += 1
        j += 1
    return min(j, n)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Word | Operator]:
    """Words and operators of ``text[start:end]`` in order (offsets into ``text``); comments and
    here-document bodies left out."""
    result: list[Word | Operator] = []
    pending_heredocs: list[tuple[str, bool]] = []
    i, n = start, len(text) if end is None else end
    at_word_start = True
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            continue
        if ch in " \t\r":
            i += 1
            continue
        if ch == "\n":
            result.append(Operator("\n", i, i + 1))
            i += 1
            if pending_heredocs:
                i = _skip_heredocs(text, i, n, pending_heredocs)
                pending_heredocs = []
            continue
        if ch == "#" and at_word_start:
            newline = text.find("\n", i, n)
            i = n if newline < 0 else newline
            continue
        redirect = _REDIRECT.match(text, i)
        if redirect:
            op = redirect.group(0)
            result.append(Word(op, op, i, redirect.end(), redirect=True))
            i = redirect.end()
            if op.endswith(("<<", "<<-")):
                j = i
                while j < n and text[j] in " \t":
                    j += 1
                _, value = _scan_word(text, j, n)
                delimiter = _HEREDOC_WORD.match(value)
                if delimiter:
                    pending_heredocs.append((delimiter.group(1), op.endswith("-")))
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            result.append(Operator(operator, i, i + len(operator)))
            i += len(operator)
            continue
        stop, value = _scan_word(text, i, n)
        if stop == i:  # cannot happen with the checks above; never loop forever
            i += 1
            continue
        result.append(Word(text[i:stop], value, i, stop))
        i = stop
    return result


def _skip_heredocs(text: str, i: int, n: int, heredocs: list[tuple[str, bool]]) -> int:
    """Skip here-document bodies starting at ``i``; returns the offset after the last delimiter line."""
    for delimiter, strip_tabs in heredocs:
        while i < n:
            newline = text.find("\n", i, n)
            line_end = n if newline < 0 else newline
            line = text[i:line_end]
            i = line_end + 1
            if (line.lstrip("\t") if strip_tabs else line).rstrip("\r") == delimiter:
                break
    return min(i, n)


def commands(text: str, start: int = 0, end: int | None = None) -> list[Command]:
    """The simple commands of ``text[start:end]``, in order, linked to the operators around them.

    A newline right after ``&&``, ``||`` or ``|`` continues the list, as in the shell, so the
    next command's ``before`` is that operator.
    """
    result: list[Command] = []
    words: list[Word] = []
    last: Operator | None = None
    piped_from: Command | None = None
    for token in tokens(text, start, end):
        if isinstance(token, Word):
            words.append(token)
            continue
        if words:
            command = Command(words, before=last, after=token)
            if piped_from is not None:
                piped_from.pipe_to = command
            result.append(command)
            piped_from = command if token.text in ("|", "|&") else None
            words = []
            last = token
        elif token.text == "\n" and last is not None and last.text in ("&&", "||", "|", "|&"):
            continue
        else:
            last = token
            if token.text not in ("|", "|&"):
                piped_from = None
    if words:
        command = Command(words, before=last)
        if piped_from is not None:
            piped_from.pipe_to = command
        result.append(command)
    return result
