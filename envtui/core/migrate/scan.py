"""Scan a project for pip usage and propose the uv equivalent of each, as findings and a patch.

Per file, commands are read in order so context carries: a venv made (or activated) earlier
means no ``--system``; packages installed earlier rule out ``uv pip sync`` (it would remove
them); a Dockerfile stage or a GitHub Actions job that starts using uv gets uv first (a pinned
image ``COPY``, the ``astral-sh/setup-uv`` step), and a tox section gets uv allowed. Nothing is
written: :meth:`MigrationReport.patch` returns the changes as a unified diff for the user.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from envtui.core.errors import UsageError
from envtui.core.migrate import rules
from envtui.core.migrate.edits import Edit, apply, drop_span, overlaps, unified_diff
from envtui.core.migrate.shell import Command, Word, commands
from envtui.core.migrate.sources import CI, DOCKERFILE, TOX, Marker, Region, Source, find_sources, read_source

REMOVE, REPLACE, INSERT, MANUAL = "remove", "replace", "insert", "manual"


@dataclass
class Finding:
    """One place that uses pip, and what uv does instead."""

    file: str
    """Path relative to the scanned directory, with ``/``."""
    line: int
    kind: str
    action: str
    """``replace``, ``remove``, ``insert`` (a line uv needs) or ``manual`` (no automatic change)."""
    original: str
    """The command as written (continuation lines joined)."""
    uv: str | None
    """What it becomes: the uv command, ``""`` when it goes, None when there is no equivalent."""
    why: str
    edits: list[Edit] = field(default_factory=list, repr=False)

    def to_json(self) -> dict:
        """``file``, ``line``, ``kind``, ``action``, ``original``, ``uv``, ``why``."""
        return {
            "file": self.file,
            "line": self.line,
            "kind": self.kind,
            "action": self.action,
            "original": self.original,
            "uv": self.uv,
            "why": self.why,
        }


@dataclass
class MigrationReport:
    """Every finding under a directory, and the files as read (for the patch)."""

    root: Path
    findings: list[Finding]
    files: list[str]
    """Files read, relative to ``root``."""
    sources: dict[str, Source] = field(default_factory=dict, repr=False)

    def patch(self) -> str:
        """A unified diff of every automatic change, for ``git apply`` in ``root``."""
        parts = []
        for rel, source in self.sources.items():
            edits = [edit for finding in self.findings if finding.file == rel for edit in finding.edits]
            if edits:
                parts.append(unified_diff(rel, source.text, apply(source.text, edits)))
        return "".join(parts)

    def to_json(self) -> dict:
        """The findings and the files read."""
        return {
            "root": str(self.root),
            "files": self.files,
            "findings": [finding.to_json() for finding in self.findings],
        }


def scan(root: str | Path, *, uv_version: str) -> MigrationReport:
    """Every pip usage under ``root`` (a directory, or one file); ``uv_version`` pins the uv installs."""
    base = Path(root)
    if not base.exists():
        raise UsageError(f"no such file or directory: {base}")
    paths: Iterable[Path]
    if base.is_file():
        paths, base = [base], base.parent
    else:
        paths = sorted(find_sources(base), key=lambda p: p.relative_to(base).as_posix())
    report = MigrationReport(base.resolve() if base != Path(".") else base, [], [])
    for path in paths:
        source = read_source(path, base)
        if source is None:
            continue
        report.files.append(source.rel)
        report.sources[source.rel] = source
        report.findings += _FileScan(source, base, uv_version).run()
    return report


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _shown(masked: str, start: int, end: int, edits: Iterable[Edit] = ()) -> str:
    """``masked[start:end]`` with the edits inside it made, on one line."""
    local = [
        Edit(max(e.start, start) - start, min(e.end, end) - start, e.text)
        for e in edits
        if e.start <= end and e.end >= start and not (e.start == e.end == end)
    ]
    return " ".join(apply(masked[start:end], local).replace("\\\n", " ").split())


def _remove_commands(text: str, cmds: list[Command], first: int, last: int) -> Edit:
    """Remove commands ``first``..``last`` (one, or a pipeline) with the operator joining them to the rest."""
    after, before = cmds[last].after, cmds[first].before
    if after is not None and after.text in ("&&", "||", ";") and last + 1 < len(cmds):
        return Edit(cmds[first].start, cmds[last + 1].start, "")
    if before is not None and before.text in ("&&", "||", ";") and first > 0:
        return Edit(cmds[first - 1].end, cmds[last].end, "")
    return drop_span(text, cmds[first].start, cmds[last].end)


class _FileScan:
    """One file, read in order; the state that carries from one command to the next."""

    def __init__(self, source: Source, root: Path, uv_version: str) -> None:
        self.source = source
        self.root = root
        self.uv_version = uv_version
        self.findings: list[Finding] = []
        self.uv_ready: set[int] = set()
        self.installed: set[int] = set()
        self.venvs: dict[int, list[str]] = {}
        self.github = "/.github/workflows/" in f"/{source.rel}"

    def run(self) -> list[Finding]:
        """The file's findings, with edits that never overlap."""
        for region in sorted(self.source.regions, key=lambda r: r.start):
            self._region(region)
        for marker in self.source.markers:
            if marker.what == "exec":
                self._exec_form(marker)
        self.findings.sort(key=lambda f: f.line)  # stable: an insertion stays before its command
        taken: list[Edit] = []
        for finding in self.findings:
            if any(overlaps(edit, taken) for edit in finding.edits):
                finding.edits = []
                finding.action = MANUAL
                finding.why += " (not in the patch: it overlaps another change; edit by hand)"
            taken += finding.edits
        return self.findings

    # ------------------------------------------------------------------ context

    def _venv_active(self, region: Region, offset: int, region_venv: bool) -> bool:
        if region_venv:
            return True
        if region.dialect != DOCKERFILE:
            return False
        dirs = self.venvs.get(region.group, [])
        for marker in self.source.markers:
            if marker.group != region.group or marker.offset >= offset:
                continue
            if marker.what == "venv":
                return True
            if marker.what == "path" and ("venv" in marker.detail or any(d.rstrip("/") in marker.detail for d in dirs)):
                return True
        return False

    def _complete(self, requirements: str) -> bool:
        from envtui.core.env.requirements import read_requirements_file

        folder = self.source.path.parent
        for candidate in (folder / requirements, self.root / requirements):
            if candidate.is_file():
                try:
                    found = read_requirements_file(candidate)
                except UsageError:
                    return False
                return not found.errors and found.is_complete
        return False

    def _add(self, region: Region, start: int, end: int, proposal: rules.Proposal, edits: list[Edit]) -> Finding:
        masked = self.source.masked
        if proposal.action == REMOVE:
            shown: str | None = ""
        elif proposal.action == MANUAL:
            shown = None
        elif proposal.replacement is not None:
            shown = proposal.replacement
        else:
            shown = _shown(masked, start, end, edits)
        finding = Finding(
            self.source.rel,
            _line(self.source.text, start),
            proposal.kind,
            proposal.action,
            _shown(masked, start, end),
            shown,
            proposal.why,
            edits if proposal.action != MANUAL else [],
        )
        self.findings.append(finding)
        return finding

    def _insert(self, offset: int, text: str, kind: str, why: str) -> None:
        self.findings.append(
            Finding(
                self.source.rel,
                _line(self.source.text, offset),
                kind,
                INSERT,
                "",
                textwrap.dedent(text).rstrip("\n"),
                why,
                [Edit(offset, offset, text)],
            )
        )

    def _ensure_uv(self, region: Region, offset: int) -> None:
        """Make uv available before its first use where the file says how: image, CI job, tox section."""
        group = region.group
        if group in self.uv_ready:
            return
        self.uv_ready.add(group)
        markers = [m for m in self.source.markers if m.group == group]
        if region.dialect == DOCKERFILE and region.anchor is not None:
            if any(m.what == "uv" and m.offset < offset for m in markers):
                return
            self._insert(
                region.anchor,
                rules.uv_image_copy(self.uv_version) + "\n",
                "install-uv",
                "uv must be in the image before its first use: copy the binary from its pinned image",
            )
        elif self.source.kind == CI and self.github and region.anchor is not None and region.indent:
            if any(m.what == "setup-uv" for m in markers):
                return
            indent = region.indent
            step = f'{indent}- uses: astral-sh/setup-uv@v6\n{indent}  with:\n{indent}    version: "{self.uv_version}"\n'
            self._insert(region.anchor, step, "install-uv", "the job needs uv: astral-sh/setup-uv installs it, pinned")
        elif self.source.kind == TOX:
            allow = [m for m in markers if m.what == "allowlist"]
            if any("uv" in m.detail.split() for m in allow):
                return
            section = next((m for m in markers if m.what == "section"), None)
            why = "tox runs only allowed programs (the tox-uv plugin is the other way: tox itself then uses uv)"
            if allow:
                self._insert(allow[-1].offset, "    uv\n", "tox-allow-uv", why)
            elif section is not None:
                self._insert(section.offset, "allowlist_externals = uv\n", "tox-allow-uv", why)

    # ------------------------------------------------------------------ one region

    def _region(self, region: Region) -> None:
        text, masked = self.source.text, self.source.masked
        cmds = commands(masked, region.start, region.end)
        region_venv = False
        handled: set[int] = set()
        removals: list[Finding] = []
        live = 0
        for index, command in enumerate(cmds):
            if index in handled:
                continue
            body = command.body()
            if not body:
                continue
            live += 1
            word = body[0].value
            if word in ("source", ".") and len(body) > 1 and body[1].value.endswith("/bin/activate"):
                region_venv = True
                continue
            if rules._basename(word) == "uv" and len(body) > 1:
                if body[1].value == "venv":
                    region_venv = True
                self.installed.add(region.group)
                continue
            if rules.is_uv_installer(command):
                last = index + 1 if command.pipe_to is not None and index + 1 < len(cmds) else index
                handled.add(last)
                finding = self._installer(region, cmds, index, last)
                if finding.action == REMOVE:
                    removals.append(finding)
                continue
            found = rules.invocation(body)
            if found is None:
                continue
            tool, taken, python = found
            start, end = body[0].start, command.end
            system = (
                (region.dialect == DOCKERFILE or self.source.kind == CI)
                and python is None
                and not self._venv_active(region, start, region_venv)
            )
            proposal: rules.Proposal | None
            if tool in ("venv", "virtualenv"):
                proposal = rules.venv_proposal(body, taken, python, tool, text)
                self.venvs.setdefault(region.group, []).append(proposal.venv or "")
                region_venv = True
            elif tool in ("pip-compile", "pip-sync"):
                proposal = rules.tools_proposal(body, tool, text, python, system)
            else:
                if not (region.dialect == DOCKERFILE or self.source.kind == CI):
                    sync = rules.SYNC_NO
                elif region.group in self.installed:
                    sync = rules.SYNC_INSTALLED_BEFORE
                else:
                    sync = rules.SYNC_FRESH
                proposal = rules.pip_proposal(
                    body, taken, python, text, system=system, sync=sync, complete=self._complete
                )
                if proposal is None:  # pip installing uv itself
                    self.uv_ready.add(region.group)
                    continue
                if proposal.kind.startswith("pip-install"):
                    self.installed.add(region.group)
            if proposal.needs_uv:
                self._ensure_uv(region, start)
            edits = proposal.edits
            if proposal.action == REMOVE:
                edits = [_remove_commands(text, cmds, index, index)]
            finding = self._add(region, start, end, proposal, edits)
            if proposal.action == REMOVE:
                removals.append(finding)
        if removals and len(removals) == live and region.container is not None:
            # Nothing is left of the instruction, step or line: remove all of it.
            for finding in removals:
                finding.edits = []
            removals[0].edits = [Edit(region.container[0], region.container[1], "")]

    def _exec_form(self, marker: Marker) -> None:
        """``RUN ["pip", "install", …]``: said, with its uv form, not patched (no shell words to edit)."""
        import json

        try:
            argv = json.loads(marker.detail)
        except ValueError:
            return
        if not isinstance(argv, list) or not argv or not all(isinstance(a, str) for a in argv):
            return
        words = [Word(a, a, 0, 0) for a in argv]
        found = rules.invocation(words)
        if found is None or found[0] != "pip":
            return
        _, taken, python = found
        uv = ["uv", "pip", *argv[taken : taken + 1], *(["--python", python] if python else []), *argv[taken + 1 :]]
        self.findings.append(
            Finding(
                self.source.rel,
                _line(self.source.text, marker.offset),
                "pip-exec-form",
                MANUAL,
                json.dumps(argv),
                json.dumps(uv),
                "the exec form runs no shell, so it is left to you: uv takes the same arguments after `uv pip`",
            )
        )

    def _installer(self, region: Region, cmds: list[Command], first: int, last: int) -> Finding:
        """``curl … | sh`` for uv: a pinned image stage in a Dockerfile, a pinned PyPI install elsewhere."""
        text = self.source.text
        start, end = cmds[first].body()[0].start, cmds[last].end
        version = rules.installer_version(cmds[first], self.uv_version)
        dockerfile = region.dialect == DOCKERFILE
        proposal = rules.installer_proposal(version, dockerfile)
        if dockerfile and region.group in self.uv_ready:
            proposal = rules.Proposal(
                "curl-uv", REMOVE, "uv is already in the image (copied from its pinned image above)"
            )
            return self._add(region, start, end, proposal, [_remove_commands(text, cmds, first, last)])
        if not dockerfile:
            return self._add(region, start, end, proposal, [Edit(start, end, proposal.replacement or "")])
        self.uv_ready.add(region.group)
        others = [i for i, c in enumerate(cmds) if c.body() and i not in (first, last)]
        line = (proposal.replacement or "") + "\n"
        if not others and region.container is not None:
            return self._add(region, start, end, proposal, [Edit(*region.container, line)])
        edits = [_remove_commands(text, cmds, first, last)]
        if region.anchor is not None:
            edits.append(Edit(region.anchor, region.anchor, line))
        return self._add(region, start, end, proposal, edits)
