"""A job's output streaming into the log pane, in a real terminal: lines/s, keys meanwhile, bytes.

envtui runs in tmux (120x40) in a project whose trusted before-change hook prints as many lines
as asked (a child process at full speed, as uv's output would come), then ``flood-end``. Each
run installs a new local wheel through the TUI (``i``, the spec, Enter, Run), so the hook runs
inside a real job: the engine reads the pipe and the TUI batches the lines into the log pane.

- lines/s: lines printed / (from the hook starting, stamped by the hook itself, until the
  terminal shows ``flood-end``);
- keys while it streams: ``j`` and ``k`` in turn, each timed until the terminal shows the
  table's cursor on the next row (the key answered: read from the colours of a capture), and
  until the details pane shows that package (it follows the cursor), then a 50 ms pause;
- bytes: everything the app writes to its terminal from confirming the job until ``flood-end``
  shows (tmux ``pipe-pane``: the bytes an SSH link would carry), per 1,000 lines.
"""

from __future__ import annotations

import re
import shlex
import time

from benchmarks._common import Terminal, checks_done, median, p95
from benchmarks.workloads import EXTRAS, Workloads

#: Seconds the hook waits after its last line, so ``flood-end`` stays on screen to be seen.
HOLD = 0.4
_DETAILS = re.compile(r"╭─ ([^─│]+?) ─")


_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _details_title(screen: str) -> str:
    """The details pane's title (the package highlighted), from its top border on the second line."""
    lines = _SGR.sub("", screen).splitlines()
    found = _DETAILS.findall(lines[1]) if len(lines) > 1 else []
    return found[-1] if found else ""


_ROW = re.compile(r"((?:\x1b\[[0-9;]*m)+)\s*((?:bench|extra)[a-z0-9]*)\s")


def _cursor_row(escaped: str) -> str:
    """The package under the table's cursor, from a capture with colours: the one row of the
    table whose name is drawn in colours no other row has."""
    found: list[tuple[str, str]] = []
    for line in escaped.splitlines()[3:]:
        cells = line.split("│")
        if len(cells) > 3:
            match = _ROW.search(cells[3])
            if match:
                found.append((match.group(1), match.group(2)))
    looks: dict[str, list[str]] = {}
    for look, name in found:
        looks.setdefault(look, []).append(name)
    single = [names[0] for names in looks.values() if len(names) == 1]
    return single[0] if len(single) == 1 else ""


class Flooder:
    """One envtui session in the flood project; each :meth:`run` is one job."""

    def __init__(self, loads: Workloads, term: Terminal) -> None:
        self.loads = loads
        self.term = term
        self.jobs = 0
        self.session = term.start(f"exec {shlex.quote(str(loads.envtui))}", loads.flood_project)
        term.wait(self.session, lambda text: re.search(r"─ \d+ packages", text) is not None, timeout=120)
        term.wait(self.session, checks_done, timeout=120)
        time.sleep(0.3)

    def run(self, lines: int, *, press_keys: bool) -> dict:
        """One job whose hook prints ``lines`` lines; with ``press_keys``, keys are timed meanwhile."""
        term, session = self.term, self.session
        spec = f"extra{self.jobs % EXTRAS:02d}"
        self.jobs += 1
        marker = f"flood-end-{self.jobs}."
        started_file = self.loads.flood(lines, HOLD, marker)
        term.keys(session, "i")
        term.wait(session, "beta==1.1", timeout=30)  # the install prompt's placeholder
        term.keys(session, spec, literal=True)
        term.keys(session, "Enter")
        term.wait(session, f"install {spec}?", timeout=60)
        time.sleep(0.2)
        output = self.loads.work / "terminal-bytes"
        term.pipe_output(session, output)
        time.sleep(0.05)
        term.keys(session, "Enter")
        latencies: list[float] = []
        details_latencies: list[float] = []
        if press_keys:
            deadline = time.perf_counter() + 180
            while not started_file.exists():
                if time.perf_counter() > deadline:
                    raise TimeoutError("the hook never started")
                time.sleep(0.002)
            text = term.screen(session, escapes=True)
            while not _cursor_row(text) and marker not in text:  # the dialog is still closing
                time.sleep(0.005)
                text = term.screen(session, escapes=True)
            key = "j"
            while marker not in text:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{marker!r} never showed; the screen:\n{text}")
                cursor, details = _cursor_row(text), _details_title(text)
                pressed = time.perf_counter()
                term.keys(session, key)
                moved = followed = None
                while moved is None or followed is None:
                    text = term.screen(session, escapes=True)
                    now = time.perf_counter()
                    if marker in text:
                        break
                    if moved is None and _cursor_row(text) not in ("", cursor):
                        moved = now - pressed
                    if followed is None and _details_title(text) not in ("", details):
                        followed = now - pressed
                    if now - pressed > 10:
                        raise TimeoutError(f"{key} was not answered; the screen:\n{text}")
                    time.sleep(0.001)
                if moved is None or followed is None:
                    break  # the answer may have come with the end: do not count it either way
                latencies.append(moved)
                details_latencies.append(followed)
                key = "k" if key == "j" else "j"
                time.sleep(0.05)
            shown = time.perf_counter()
        else:
            shown = term.wait(session, marker, timeout=120, poll=0.001)
        term.pipe_output(session, None)
        time.sleep(0.2)
        sent = output.stat().st_size
        began = float(started_file.read_text())
        term.wait(session, f"install {spec} · succeeded", timeout=120)
        time.sleep(0.3)
        return {
            "lines": lines,
            "seconds": shown - began,
            "lines_per_s": lines / (shown - began),
            "terminal_bytes": sent,
            "key_latencies_ms": [k * 1000 for k in latencies],
            "details_latencies_ms": [k * 1000 for k in details_latencies],
        }

    def close(self) -> None:
        """End the session."""
        self.term.kill(self.session)


def measure(loads: Workloads, term: Terminal, runs: int, lines: int) -> dict:
    """``runs`` floods without keys (lines/s, bytes), then ``runs`` with keys pressed meanwhile."""
    flooder = Flooder(loads, term)
    try:
        plain = [flooder.run(lines, press_keys=False) for _ in range(runs)]
        keyed = [flooder.run(lines * 3, press_keys=True) for _ in range(runs)]  # long enough for ~20 keys
    finally:
        flooder.close()
    latencies = [ms for run in keyed for ms in run["key_latencies_ms"]]
    details = [ms for run in keyed for ms in run["details_latencies_ms"]]
    if not latencies:
        raise RuntimeError("every flood ended before a key was answered")
    rates = [run["lines_per_s"] for run in plain]
    per_1k = [run["terminal_bytes"] / (run["lines"] / 1000) for run in plain]
    return {
        "log_lines_per_s": round(median(rates)),
        "log_lines_per_s_min": round(min(rates)),
        "log_lines_per_s_runs": [round(r) for r in rates],
        "log_lines_per_s_while_keys": round(median([run["lines_per_s"] for run in keyed])),
        "log_lines": lines,
        "keypress_ms_p95_during_log": round(p95(latencies), 1),
        "keypress_ms_median_during_log": round(median(latencies), 1),
        "keypresses_during_log": len(latencies),
        "details_follow_ms_p95_during_log": round(p95(details), 1),
        "terminal_bytes_per_1k_log_lines": round(median(per_1k)),
    }
