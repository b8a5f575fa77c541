"""The job keys in a uv project: changes go through pyproject.toml and uv.lock, the pip way only on purpose.

The job pane (:class:`~envtui.ui.jobs.actions.JobPane`) hands a key to :class:`ProjectChanges`
when its environment belongs to a uv project; they feed the pane's ``request`` (validate →
preview → confirm → queue). Install asks where the
dependency goes (main, dev, a group, an extra, or pip only); upgrade, uninstall and sync go
through the project when the lock or pyproject.toml name the package, else the pip way with a
confirm that warns "uv sync will undo this" whenever it would.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from envtui.core.errors import EnvtuiError
from envtui.core.jobs.change import ChangeRequest
from envtui.core.project.detect import Project
from envtui.core.project.manifest import Section
from envtui.ui.screens.prompt import PromptScreen
from envtui.ui.screens.section import SectionScreen

if TYPE_CHECKING:
    from envtui.ui.jobs.actions import JobPane

#: What a pip-way change in a project is confirmed with (a contract).
UNDO = "uv sync will undo this"


class ProjectChanges:
    """The project side of the job keys, for one key press: asks where, then the pane previews."""

    def __init__(self, pane: JobPane, project: Project) -> None:
        self.pane = pane
        """The job pane that previews, confirms and runs."""
        self.project = project
        """The uv project of the pane's environment."""

    # ------------------------------------------------------------------ install: where does it go?

    def install(self, specs: Sequence[str] = (), editables: Sequence[str] = ()) -> None:
        """Ask main / dev / group / optional / pip only, then preview the install."""
        project, pane = self.project, self.pane
        specs, editables = list(specs), list(editables)
        what = " ".join(specs) or " ".join(editables)

        def chosen(answer: str | None) -> None:
            if answer in ("group", "optional"):
                pane.app.push_screen(
                    PromptScreen(
                        f"Add {what} to which {'dependency group' if answer == 'group' else 'extra'}?",
                        placeholder="docs" if answer == "group" else "cli",
                        hint="Letters, digits, '.', '_' and '-'.",
                    ),
                    partial(self._named, specs, editables, answer),
                )
            elif answer is not None:
                self._add(specs, editables, answer, "")

        pane.app.push_screen(SectionScreen(f"Add {what} to project {project.name} as…"), chosen)

    def _named(self, specs: list[str], editables: list[str], answer: str, name: str | None) -> None:
        if name:
            self._add(specs, editables, answer, name)

    def _add(self, specs: list[str], editables: list[str], answer: str, name: str) -> None:
        project = self.project
        if answer == "pip":
            note = f"{UNDO}: {' '.join(specs) or 'it'} goes into the environment only, not pyproject.toml or uv.lock"
            self.pane.request(lambda: ChangeRequest.install(specs, editables=editables), notes=[note])
            return

        def build() -> ChangeRequest:
            section = {"main": Section.main, "dev": Section.dev}.get(answer)
            chosen = section() if section else Section.group(name) if answer == "group" else Section.optional(name)
            return ChangeRequest.install(specs, editables=editables, project=project, section=chosen)

        self.pane.request(build)

    # ------------------------------------------------------------------ upgrade, uninstall, sync

    def upgrade(self, name: str) -> None:
        """``uv sync --upgrade-package NAME`` when the lock pins it; else the pip way, warned."""
        project = self.project
        if self._locked(project, name):
            self.pane.request(lambda: ChangeRequest.upgrade([name], project=project))
            return
        note = f"{UNDO}: {name} is not in uv.lock of project {project.name}"
        self.pane.request(lambda: ChangeRequest.upgrade([name]), notes=[note])

    def upgrade_all(self) -> None:
        """``uv sync --upgrade``: every locked package, lock and environment together."""
        project = self.project
        listing = [f"Every package in uv.lock of project {project.name} (uv sync --upgrade)"]
        self.pane.request(lambda: ChangeRequest.upgrade([], project=project, everything=True), listing=listing)

    def uninstall(self, name: str, notes: list[str]) -> None:
        """``uv remove`` from the section that declares it; the pip way (warned) for what it does not declare."""
        from envtui.core.project.lockfile import read_lock
        from envtui.core.project.manifest import read_manifest

        project, pane = self.project, self.pane
        try:
            sections = read_manifest(project.pyproject).sections_of(name)
            lock = read_lock(project.lock, project.name) if project.lock.is_file() else None
        except EnvtuiError as exc:
            pane.notify(f"{exc.message}\n{exc.cause or ''}".strip(), title="Not run", severity="error")
            return
        inventory = getattr(pane, "inventory", None)
        if sections and inventory is not None:  # uv remove: its own warnings, not the pip way's dependents
            from envtui.core.project.removal import remove_warnings

            notes = remove_warnings(project, [name], inventory)
        if len(sections) == 1:
            pane.request(
                lambda: ChangeRequest.uninstall([name], project=project, section=sections[0]), notes=list(notes)
            )
            return
        if len(sections) > 1:
            by_kind = {section.kind: section for section in sections}
            if len(by_kind) < len(sections):
                where = " and ".join(s.describe() for s in sections)
                pane.notify(f"{name} is declared in {where}: use envtui uninstall --group", severity="warning")
                return

            def chosen(answer: str | None) -> None:
                if answer in by_kind:
                    section = by_kind[answer]
                    pane.request(
                        lambda: ChangeRequest.uninstall([name], project=project, section=section), notes=list(notes)
                    )

            where = " and ".join(s.describe() for s in sections)
            pane.app.push_screen(
                SectionScreen(f"{name} is declared in {where}: remove it from…", choices=tuple(by_kind)), chosen
            )
            return
        needed = lock.required_by(name) if lock is not None else []
        if needed or (lock is not None and lock.versions(name)):
            why = f"{', '.join(needed)} require{'s' if len(needed) == 1 else ''} it" if needed else "uv.lock has it"
            notes = [*notes, f"{UNDO}: {name} is not a dependency of project {project.name}, but {why}"]
        else:
            notes = [*notes, f"{name} is not in uv.lock: a plain uv sync would remove it too"]
        pane.request(lambda: ChangeRequest.uninstall([name]), notes=notes)

    def sync(self) -> None:
        """``uv sync``: the environment made to match uv.lock exactly."""
        project = self.project
        note = "Installs what uv.lock pins and REMOVES everything else (uv sync)."
        self.pane.request(lambda: ChangeRequest.sync_project(project), notes=[note])

    @staticmethod
    def _locked(project: Project, name: str) -> bool:
        from envtui.core.project.lockfile import read_lock

        try:
            return project.lock.is_file() and bool(read_lock(project.lock, project.name).versions(name))
        except EnvtuiError:
            return False
