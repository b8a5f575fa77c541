"""Snapshots in the core: the freeze is uv's, the store is private, atomic and pruned, undo/redo."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from envtui.core.env.environment import resolve_environment
from envtui.core.errors import UsageError
from envtui.core.jobs import history
from envtui.core.jobs.change import ChangeRequest
from envtui.core.jobs.engine import JobEngine
from envtui.core.jobs.job import SUCCEEDED
from envtui.core.jobs.snapshot_step import redact
from envtui.core.locations import snapshots_dir
from envtui.core.snapshots.diff import diff_lines
from envtui.core.snapshots.freeze import freeze, freeze_with_uv, parse_line
from envtui.core.snapshots.model import Snapshot
from envtui.core.snapshots.restore import newest_different, undo_redo
from envtui.core.snapshots.store import Listing, SnapshotStore, path_hash
from tests.factory import WheelSpec, build_wheelhouse, install_into, make_synthetic_venv, make_venv
from tests.test_cli_change import _LOCAL_BACKEND
from tests.test_jobs_engine import freeze as uv_freeze


def make_local_project(directory: Path) -> Path:
    """A local project (``localproj 0.1``) that builds offline, to install editable."""
    (directory / "src" / "localproj").mkdir(parents=True)
    (directory / "src" / "localproj" / "__init__.py").write_text("VALUE = 1\n")
    (directory / "local_backend.py").write_text(_LOCAL_BACKEND)
    (directory / "pyproject.toml").write_text(
        '[build-system]\nrequires = []\nbuild-backend = "local_backend"\nbackend-path = ["."]\n\n'
        '[project]\nname = "localproj"\nversion = "0.1"\n'
    )
    return directory


def snapshot_of(
    lines: list[str],
    *,
    when: float,
    mode: str | None = None,
    target: str | None = None,
    sid: str = "",
    env: str = "/nowhere",
) -> Snapshot:
    """A snapshot made by hand, for the store and the undo logic."""
    return Snapshot.of(
        [parse_line(line) for line in lines],
        id=sid or os.urandom(4).hex(),
        time=when,
        env=env,
        python="3.11.7",
        envtui="0",
        reason="before a test",
        mode=mode,
        target=target,
    )


# -- the freeze ----------------------------------------------------------------------------


def test_freeze_of_plain_wheels_is_computed_and_equals_uv(tmp_path: Path) -> None:
    wheels = build_wheelhouse(
        tmp_path / "wheels",
        [
            WheelSpec("Foo_Bar", "1.0.post1"),
            WheelSpec("zeta.pkg", "2.0rc1"),
            WheelSpec("beta", "1.0+local.1"),
            WheelSpec("Alpha", "1.0.0"),
        ],
    )
    venv = make_venv(tmp_path / "venv", wheels, ["Foo_Bar", "zeta.pkg==2.0rc1", "beta", "Alpha"])
    taken = freeze(resolve_environment(venv, probe=False))
    assert taken.source == "scan"  # no uv run needed
    assert taken.text() == uv_freeze(venv)
    assert [e.name for e in taken.lines] == ["alpha", "beta", "foo-bar", "zeta-pkg"]


def test_freeze_of_an_empty_venv_is_empty(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / "venv")
    taken = freeze(resolve_environment(venv, probe=False))
    assert taken.lines == [] and uv_freeze(venv) == ""


def test_freeze_with_urls_and_editables_is_uvs_own_with_names(tmp_path: Path, wheelhouse: Path) -> None:
    venv = make_venv(tmp_path / "venv", wheelhouse, ["beta==1.0"])
    project = make_local_project(tmp_path / "localproj")
    install_into(venv, wheelhouse, [f"alpha @ {(wheelhouse / 'alpha-1.0-py3-none-any.whl').as_uri()}"])
    install_into(venv, wheelhouse, [], "--editable", str(project))
    taken = freeze(resolve_environment(venv, probe=False))
    assert taken.source == "uv"
    assert taken.text() == uv_freeze(venv)
    by_name = {e.name: e for e in taken.lines}
    assert set(by_name) == {"alpha", "beta", "localproj"}
    assert by_name["localproj"].editable and by_name["localproj"].line.startswith("-e file://")
    assert by_name["alpha"].url.endswith("alpha-1.0-py3-none-any.whl")


def test_freeze_of_a_2000_package_venv_matches_uv_and_is_fast(tmp_path: Path) -> None:
    venv = make_synthetic_venv(tmp_path / "big", 2000)
    env = resolve_environment(venv, probe=False)
    taken = freeze(env)
    assert taken.source == "scan" and len(taken.lines) == 2000
    assert taken.text() == uv_freeze(venv)
    assert [e.line for e in freeze_with_uv(env)] == [e.line for e in taken.lines]
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        freeze(env)
        timings.append(time.perf_counter() - started)
    assert sorted(timings)[2] < 0.5  # about 20 ms here; generous for a loaded machine


def test_redact_hides_credentials_uv_would_hide() -> None:
    assert redact("foo @ https://user:secret@example.com/foo.whl") == "foo @ https://user:****@example.com/foo.whl"
    assert redact("foo @ git+https://tok3n@github.com/x/foo@abc") == "foo @ git+https://****@github.com/x/foo@abc"
    assert redact("foo @ git+ssh://git@github.com/x/foo") == "foo @ git+ssh://git@github.com/x/foo"
    assert redact("foo @ https://user:****@example.com/f.whl") == "foo @ https://user:****@example.com/f.whl"
    assert redact("foo==1.0") == "foo==1.0"


# -- the diff ------------------------------------------------------------------------------


def test_diff_names_added_removed_and_changed() -> None:
    old = [parse_line(x) for x in ["alpha==1.0", "beta==1.0", "gamma==1.0"]]
    new = [parse_line(x) for x in ["alpha==2.0", "delta==1.0", "gamma @ file:///w/gamma-1.0-py3-none-any.whl"]]
    result = diff_lines(old, new)
    assert [str(c) for c in result.changes] == [
        "~ alpha 1.0 -> 2.0",
        "- beta 1.0",
        "+ delta 1.0",
        "~ gamma 1.0 -> file:///w/gamma-1.0-py3-none-any.whl",
    ]
    assert result.summary() == "1 added, 2 changed, 1 removed"
    assert result.to_json()["removed"] == [{"name": "beta", "old": "1.0", "new": None}]
    assert diff_lines(old, old).empty


# -- the store -----------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
def test_store_is_private_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        store = SnapshotStore(tmp_path / "some-venv")
        path = store.save(snapshot_of(["alpha==1.0"], when=time.time(), env=store.env))
        exported = store.write_requirements(store.newest())
    finally:
        os.umask(old)
    for directory in (snapshots_dir(), store.directory):
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for file in (path, exported):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert [p.name for p in store.directory.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_store_folder_is_keyed_by_the_resolved_path(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert SnapshotStore(tmp_path / "link").directory == SnapshotStore(tmp_path / "real").directory
    assert SnapshotStore(tmp_path / "other").directory != SnapshotStore(tmp_path / "real").directory


def test_folder_hash_is_fnv1a_64() -> None:
    assert path_hash("") == "cbf29ce484222325" and path_hash("a") == "af63dc4c8601ec8c"  # the published vectors


def test_store_lists_newest_first_and_loads_by_unique_prefix(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "venv")
    now = time.time()
    for index, sid in enumerate(["ab120000", "ab340000", "cd560000"]):
        store.save(snapshot_of(["alpha==1.0"], when=now + index, sid=sid, env=store.env))
    assert [s.id for s in store.listing().snapshots] == ["cd560000", "ab340000", "ab120000"]
    assert store.load("cd").id == "cd560000"
    assert store.load("AB3").id == "ab340000"
    for bad, words in [("ab", "ambiguous"), ("ef", "no snapshot"), ("xyz", "not a snapshot id"), ("", "not a")]:
        with pytest.raises(UsageError, match=words):
            store.load(bad)


def test_a_corrupt_snapshot_is_reported_and_skipped(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "venv")
    good = store.save(snapshot_of(["alpha==1.0"], when=time.time(), sid="11111111", env=store.env))
    (store.directory / "20990101T000000000000-22222222.json").write_text("{not json")
    (store.directory / "20990101T000000000001-33333333.json").write_text(json.dumps({"id": "33333333"}))
    listing = store.listing()
    assert [s.id for s in listing.snapshots] == ["11111111"]
    assert len(listing.problems) == 2
    assert any("22222222" in p and "not valid JSON" in p for p in listing.problems)
    assert store.newest().id == "11111111"
    with pytest.raises(UsageError, match="cannot be read"):
        store.load("2222")
    assert good.is_file()


def test_retention_keeps_the_newest_n_and_never_the_newest_away(tmp_path: Path) -> None:
    store = SnapshotStore(tmp_path / "venv")
    now = time.time()
    ids = [f"{i:08x}" for i in range(6)]
    for index, sid in enumerate(ids):
        store.save(snapshot_of(["alpha==1.0"], when=now + index, sid=sid, env=store.env))
    assert sorted(store.prune(3)) == ids[:3]
    assert store.ids() == ids[:2:-1]
    assert store.prune(0) == [ids[4], ids[3]]  # keep 0 still keeps the newest
    assert store.ids() == [ids[5]]


# -- the job step --------------------------------------------------------------------------


def test_every_change_job_is_snapshotted_first_and_its_record_names_it(venv_factory, offline_uv) -> None:
    venv = venv_factory(["alpha==1.0"])
    env = resolve_environment(venv, probe=False)
    before = uv_freeze(venv)
    job = JobEngine().run_blocking(env, ChangeRequest.upgrade(["alpha"]))
    assert job.status == SUCCEEDED
    snapshot = SnapshotStore(venv).newest()
    assert snapshot is not None and job.snapshot == snapshot.id
    assert snapshot.text() == before
    assert snapshot.reason == "before upgrade alpha" and snapshot.job == job.id and snapshot.kind == "upgrade"
    assert snapshot.python == env.version
    assert history.load(job.id).snapshot == snapshot.id
    assert job.to_json()["snapshot"] == snapshot.id


def test_the_record_names_the_snapshot_while_uv_still_runs(venv_factory, slow_index) -> None:
    import threading

    env = resolve_environment(venv_factory(), probe=False)
    engine = JobEngine()
    done: list = []
    worker = threading.Thread(target=lambda: done.append(engine.run_blocking(env, ChangeRequest.install(["slowpkg"]))))
    worker.start()
    try:
        assert slow_index.download_started.wait(30)
        running = history.load_all(env=str(env.path))
        assert len(running) == 1 and running[0].status == "running"
        assert running[0].snapshot is not None and running[0].snapshot == SnapshotStore(env.path).newest().id
    finally:
        slow_index.release.set()
        worker.join(60)
    assert done and done[0].status == SUCCEEDED


def test_a_snapshot_that_cannot_be_stored_stops_the_job(venv_factory, offline_uv, monkeypatch) -> None:
    venv = venv_factory(["alpha==1.0"])
    blocked = Path(os.environ["ENVTUI_STATE_DIR"]) / "snapshots"
    blocked.write_text("not a directory")
    job = JobEngine().run_blocking(resolve_environment(venv, probe=False), ChangeRequest.upgrade(["alpha"]))
    assert job.status == "failed" and job.returncode is None  # uv never ran
    assert "cannot store the snapshot" in job.message
    assert "alpha==1.0" in uv_freeze(venv)


# -- which snapshot undo and redo restore --------------------------------------------------


def test_undo_steps_back_change_by_change_and_redo_steps_forward() -> None:
    a, b, c = ["alpha==1.0"], ["alpha==2.0"], ["alpha==2.0", "beta==1.0"]
    s1 = snapshot_of(a, when=1)  # before change 1 (a -> b)
    s2 = snapshot_of(b, when=2)  # before change 2 (b -> c)
    failed = snapshot_of(c, when=3)  # before a job that changed nothing
    listing = Listing([failed, s2, s1])
    now = [parse_line(x) for x in c]
    assert undo_redo(listing, now) == (s2, None)
    assert newest_different(listing, now) is s2
    u1 = snapshot_of(c, when=4, mode="undo", target=s2.id)  # undo restored s2: now b
    listing = Listing([u1, failed, s2, s1])
    now = [parse_line(x) for x in b]
    assert undo_redo(listing, now) == (s1, u1)
    u2 = snapshot_of(b, when=5, mode="undo", target=s1.id)  # undo again: now a
    listing = Listing([u2, u1, failed, s2, s1])
    now = [parse_line(x) for x in a]
    assert undo_redo(listing, now) == (None, u2)
    r1 = snapshot_of(a, when=6, mode="redo", target=u2.id)  # redo: back to b
    listing = Listing([r1, u2, u1, failed, s2, s1])
    now = [parse_line(x) for x in b]
    assert undo_redo(listing, now) == (s1, u1)
    fresh = snapshot_of(b, when=7)  # a new change (b -> a+gamma) drops what could be redone
    listing = Listing([fresh, r1, u2, u1, failed, s2, s1])
    now = [parse_line(x) for x in ["alpha==1.0", "gamma==1.0"]]
    assert undo_redo(listing, now) == (fresh, None)
