"""Filter keystrokes on 10,000 packages in a real terminal, and the app's memory.

envtui runs in tmux (120x40) on the 10,000-package venv. Once it is listed and its background
checks are done, ``/`` opens the filter and each keystroke is timed from sending it until the
terminal shows both the new query and the new count in the table's title. A round is 20
keystrokes: ``synth01234`` typed (10,000 → 1,000 → 100 → 10 → 1 shown), five single backspaces
(widening back to 10,000), then ``09999`` (narrowing again); then a burst of ten backspaces sent
at once, timed until the unfiltered table of all 10,000 shows. Keys are spaced as a quick typist
would (0.2 s), so each is measured on its own. Memory is the app process's resident set
(``VmRSS``) once listed and after filtering, and its peak (``VmHWM``). The floor: the same
keystrokes into a bare Textual app's Input, same terminal and spacing, and as many bursts of
ten backspaces.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable

from benchmarks._common import Terminal, checks_done, median, p95, vm_kib
from benchmarks.workloads import LARGE, Workloads

#: One round: (keys to send, the query the box holds afterwards).
ROUND: list[tuple[str, str]] = (
    [(c, "synth01234"[: i + 1]) for i, c in enumerate("synth01234")]
    + [("BSpace", "synth01234"[: 9 - i]) for i in range(5)]
    + [(c, "synth" + "09999"[: i + 1]) for i, c in enumerate("09999")]
)
#: The gap after each answered keystroke (seconds).
GAP = 0.2


def _haystacks(count: int) -> list[str]:
    """What the filter searches in the synthetic venv: name, canonical name and summary."""
    return [f"synth{i:05d}\nsynth{i:05d}\nsynthetic package number {i} for speed tests" for i in range(count)]


def _filter_line(screen: str) -> str:
    """The filter box's row (the second line), between the left pane and the details pane."""
    lines = screen.splitlines()
    return lines[1] if len(lines) > 1 else ""


def key_floor(loads: Workloads, term: Terminal, count: int, bursts: int) -> tuple[list[float], list[float]]:
    """``count`` keystroke latencies (ms) of a bare Textual app, same terminal, same spacing:
    ``synth01234`` typed into an Input and backspaced away, again and again, each key until the
    terminal shows the input's new length; then ``bursts`` times the query typed again and ten
    backspaces sent at once, until the input shows empty.

    What tmux, the terminal and Textual take before envtui does anything: no keystroke of any
    Textual app measures below it here.
    """
    command = f"exec {shlex.quote(str(loads.python))} {shlex.quote(str(loads.key_floor_app))}"
    session = term.start(command, loads.project)
    typed = "synth01234"
    one_round = [(i + 1, c) for i, c in enumerate(typed)] + [(i, "BSpace") for i in reversed(range(len(typed)))]
    keys: list[float] = []
    burst_ms: list[float] = []

    def shows(length: int) -> Callable[[str], bool]:
        return lambda screen: f"typed {length}" in map(str.strip, screen.splitlines())

    try:
        term.wait(session, "typed 0", timeout=60)
        time.sleep(0.3)
        for length, key in (one_round * (count // len(one_round) + 1))[:count]:
            started = time.perf_counter()
            term.keys(session, key, literal=key != "BSpace")
            done = term.wait(session, shows(length), timeout=10)
            keys.append((done - started) * 1000)
            time.sleep(GAP)
        if count % len(one_round):  # leave the input empty before the bursts
            term.keys(session, *["BSpace"] * len(typed))
            term.wait(session, shows(0), timeout=10)
        for _ in range(bursts):
            term.keys(session, typed, literal=True)
            term.wait(session, shows(len(typed)), timeout=10)
            time.sleep(GAP)
            started = time.perf_counter()
            term.keys(session, *["BSpace"] * len(typed))
            done = term.wait(session, shows(0), timeout=10)
            burst_ms.append((done - started) * 1000)
            time.sleep(GAP)
    finally:
        term.kill(session)
    return keys, burst_ms


def measure(loads: Workloads, term: Terminal, rounds: int, floor_keys: int) -> dict:
    """Keystroke and burst latencies (ms) and memory (MB) at 10,000 packages; ``floor_keys``
    keystrokes of the bare Textual app."""
    haystacks = _haystacks(LARGE)
    session = term.start(f"exec {shlex.quote(str(loads.envtui))} {shlex.quote(str(loads.venvs[LARGE]))}", loads.project)
    try:
        term.wait(session, f"─ {LARGE:,} packages", timeout=120)
        term.wait(session, checks_done, timeout=120)
        time.sleep(0.3)
        pid = term.pane_pid(session)
        listed = vm_kib(pid)
        term.keys(session, "/")
        time.sleep(GAP)
        keys: list[float] = []
        bursts: list[float] = []
        for _ in range(rounds):
            for key, query in ROUND:
                shown = sum(1 for h in haystacks if query in h)
                title = f"─ {shown:,} of {LARGE:,} packages"
                started = time.perf_counter()
                term.keys(session, key, literal=key != "BSpace")
                done = term.wait(
                    session,
                    lambda s, q=query, t=title: t in s and f" {q} " in _filter_line(s) + " ",
                    timeout=10,
                )
                keys.append(done - started)
                time.sleep(GAP)
            started = time.perf_counter()
            term.keys(session, *["BSpace"] * len(ROUND[-1][1]))
            done = term.wait(
                session, lambda s: f"─ {LARGE:,} packages" in s and "filter by name" in _filter_line(s), timeout=10
            )
            bursts.append(done - started)
            time.sleep(GAP)
        after = vm_kib(pid)
    finally:
        term.kill(session)
    ms = [k * 1000 for k in keys]
    floor, floor_bursts = key_floor(loads, term, floor_keys, len(bursts))
    return {
        "filter_floor_ms_p95": round(p95(floor), 1),
        "filter_floor_ms_median": round(median(floor), 1),
        "filter_ms_p95": round(p95(ms), 1),
        "filter_ms_median": round(median(ms), 1),
        "filter_ms_max": round(max(ms), 1),
        "filter_keystrokes": len(ms),
        "filter_burst_ms_max": round(max(bursts) * 1000, 1),
        "filter_burst_ms_median": round(median(bursts) * 1000, 1),
        "filter_burst_backspaces": len(ROUND[-1][1]),
        "filter_floor_burst_ms_max": round(max(floor_bursts), 1),
        "rss_mb_10k": round(after["VmRSS"] / 1024, 1),
        "rss_mb_10k_listed": round(listed["VmRSS"] / 1024, 1),
        "rss_mb_10k_peak": round(after["VmHWM"] / 1024, 1),
    }
