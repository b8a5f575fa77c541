"""When the terminal goes away without a hangup signal, envtui hangs up anyway.

A dropped SSH link or a closed terminal normally sends SIGHUP, and envtui ends as on SIGHUP
(a running uv is stopped by its parent-death signal and the job is recorded as interrupted).
But a process started with SIGHUP ignored (``nohup``, some job runners, a shell's ``trap '' HUP``)
never gets it, and Textual's input thread then reads end-of-file from the dead terminal in a
loop, at full speed, for ever. So the app checks now and then that its terminal still answers
(``tcgetattr`` fails with EIO once it has hung up) and, when it does not, raises SIGHUP against
itself with the default action: the same end as a hangup.
"""

from __future__ import annotations

import os
import signal
import termios
from typing import TextIO

#: How often the terminal is checked (seconds).
CHECK_SECONDS = 2.0


def answers(stream: TextIO | None) -> bool:
    """Whether ``stream`` is a terminal that still answers."""
    if stream is None:
        return False
    try:
        termios.tcgetattr(stream.fileno())
    except (OSError, ValueError, termios.error):
        return False
    return True


def hang_up() -> None:
    """End this process as a hangup would, whatever SIGHUP's disposition was."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGHUP)
