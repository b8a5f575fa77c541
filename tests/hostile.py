"""A hostile-input corpus: packages, services, configurations, paths and files written to attack envtui.

Everything here tries one of: driving the terminal (set the window title, write the clipboard,
clear the screen, hide text), being read as Rich markup (a link to elsewhere, an unbalanced
``[/]``), leaking a planted secret, or taking envtui down (deep JSON, endless or hanging files,
bad job records). Tests run every command and the TUI over it and check the promise of the
README's Security section.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.factory import WheelSpec, build_wheel, install_into, make_venv, site_packages

#: What a successful attack would put in tmux's pane title and paste buffer.
TITLE = "PWNED-TITLE"
CLIP = "PWNED-CLIP"
#: A secret planted in URLs; it must never be stored in the state dir or printed.
SECRET = "s3cr3t-t0ken-planted"
_CLIP64 = base64.b64encode(CLIP.encode()).decode()

#: Text that tries to drive a terminal or be parsed as markup.
HOSTILE_STRINGS: list[str] = [
    f"\x1b]0;{TITLE}\x07 sets the window title",
    f"\x1b]2;{TITLE}\x1b\\ sets it with ST",
    f"\x1b]52;c;{_CLIP64}\x07 writes the clipboard",
    "\x1b[2J\x1b[H clears the screen",
    f"\x9b2J 8-bit CSI \x9d0;{TITLE}\x9c 8-bit OSC",
    "\x85next line, \x84index, \x8dreverse index",
    "bell\x07 back\x08space carriage\rreturn del\x7f null\x00 vt\x0b ff\x0c",
    "\u202eevil.exe\u202c hides its order",
    "\x1b]8;;https://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
    "[link=https://evil.example/]HOME[/link] hides a link",
    "an unbalanced [/] closing tag",
    "[bold red]styled[/bold red] [reverse]and more[/]",
    "multi\nline\ttabbed",
]


def assert_terminal_safe(text: str, allow: tuple[str, ...] = ("\n", "\t")) -> None:
    """No C0 control character (but those allowed), no DEL, no C1 control character in ``text``."""
    bad = sorted({f"U+{ord(ch):04X}" for ch in text if (ord(ch) < 0x20 and ch not in allow) or 0x7F <= ord(ch) <= 0x9F})
    assert not bad, f"control characters {bad} in: {text[:2000]!r}"


# ---------------------------------------------------------------------------- packages


def hostile_specs() -> list[WheelSpec]:
    """Real wheels whose metadata is hostile: one package per attack, so each is a row of its own."""
    specs = []
    for index, text in enumerate(HOSTILE_STRINGS):
        specs.append(
            WheelSpec(
                f"hostile{index:02d}",
                "1.0",
                summary=text.replace("\n", " ").replace("\r", " "),  # a header holds one line
                classifiers=["Framework :: FastAPI"],
                extra_metadata=[
                    "Home-page: https://evil.example/\x1b]0;" + TITLE + "\x07[/]",
                    "License: " + text.replace("\n", " ").replace("\r", " "),
                    "Author: [bold]\x1b[31mMallory\x9b0m",
                    "Project-URL: Homepage, [link=https://evil.example]x[/link]",
                ],
            )
        )
    return specs


def plant_dist_info(venv: Path) -> None:
    """A tampered environment: a ``.dist-info`` whose name and version themselves are hostile."""
    info = site_packages(venv) / "tampered-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: tampered\x1b]0;{TITLE}\x07[/]\nVersion: 1.0\x9b2J\n"
        f"Summary: \x1b]52;c;{_CLIP64}\x07\nRequires-Dist: hostile00 ; extra == '\x1b[2J'\n\n",
        encoding="utf-8",
    )
    (info / "INSTALLER").write_text("uv\x1b]0;" + TITLE + "\x07\n", encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")


def hostile_venv_dir(parent: Path) -> Path:
    """A venv path that holds an escape sequence, a C1 control and Rich markup."""
    return parent / f"venv-\x1b]0;{TITLE}\x07-[/]-[link=https://evil.example]x-\x9b2J"


def make_hostile_venv(parent: Path, wheelhouse: Path) -> Path:
    """A real venv at a hostile path, with every hostile wheel installed and a tampered dist-info."""
    hostile_house = wheelhouse.parent / "hostile-wheels"
    for spec in hostile_specs():
        build_wheel(hostile_house, spec)
    venv = make_venv(hostile_venv_dir(parent))
    install_into(venv, hostile_house, [spec.name for spec in hostile_specs()])
    plant_dist_info(venv)
    return venv


# ---------------------------------------------------------------------------- a service


def _nested(depth: int) -> bytes:
    return b'{"status": ' * depth + b'"ok"' + b"}" * depth


#: path -> (HTTP status, reason, content type, body)
SERVICE_ROUTES: dict[str, tuple[int, str, str, bytes]] = {
    "/title": (200, "OK", "application/json", json.dumps({"status": HOSTILE_STRINGS[0]}).encode()),
    "/clip": (
        200,
        "OK",
        "application/json",
        json.dumps({"status": "ok", "version": HOSTILE_STRINGS[2]}, ensure_ascii=False).encode(),
    ),
    "/markup": (503, "Unavailable", "application/json", json.dumps({"status": HOSTILE_STRINGS[10]}).encode()),
    "/c1": (500, "Error", "application/json", json.dumps({"status": "\x9b2J\x85"}, ensure_ascii=False).encode()),
    "/deep": (200, "OK", "application/json", _nested(50_000)),
    "/huge": (200, "OK", "application/json", b'{"status": "' + b"x" * (2 << 20) + b'"}'),
    "/text": (200, "OK", "text/plain", f"\x1b]0;{TITLE}\x07\x1b[2J all good".encode()),
    "/reason": (418, f"\x1b]0;{TITLE}\x07", "text/plain", b"teapot"),
    "/auth": (200, "OK", "application/json", b'{"status": "ok"}'),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, reason, kind, body = SERVICE_ROUTES.get(self.path, (404, "Not Found", "text/plain", b""))
        if self.path == "/auth" or self.path.startswith("/files/"):
            self.server.authorizations.append(self.headers.get("Authorization", ""))  # type: ignore[attr-defined]
        files: Path | None = self.server.files  # type: ignore[attr-defined]
        if files is not None and self.path.startswith("/files/"):
            wanted = files / self.path.removeprefix("/files/")
            if wanted.parent == files and wanted.is_file():
                status, reason, kind, body = 200, "OK", "application/octet-stream", wanted.read_bytes()
        self.send_response_only(status, reason)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_HEAD = do_GET

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def hostile_service(files: Path | None = None) -> Iterator[tuple[str, list[str]]]:
    """Serve SERVICE_ROUTES (and ``files`` under /files/) on 127.0.0.1.

    Yields the base URL and the Authorization headers seen on /auth and /files/.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.authorizations = []  # type: ignore[attr-defined]
    server.files = files  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.authorizations  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------- configuration and files


def _toml(value: str) -> str:
    """A TOML basic string for ``value`` (control characters as \\u escapes)."""
    return json.dumps(value, ensure_ascii=True)


def write_hostile_config(directory: Path, base_url: str, venv: Path, requirements: Path) -> Path:
    """An envtui.toml whose services, hooks, categories and requirements are hostile."""
    services = "".join(
        f"[[services]]\nname = {_toml(name)}\nurl = {_toml(base_url + route)}\ntimeout = 5\n\n"
        for name, route in (
            (f"title \x1b]0;{TITLE}\x07", "/title"),
            ("clip", "/clip"),
            ("markup [/]", "/markup"),
            ("c1", "/c1"),
            ("deep", "/deep"),
            ("huge", "/huge"),
            ("text", "/text"),
            ("reason", "/reason"),
        )
    )
    secret_url = base_url.replace("http://", f"http://user:{SECRET}@") + "/auth"
    services += f'[[services]]\nname = "auth"\nurl = {_toml(secret_url)}\ntimeout = 5\n\n'
    hook = ["true", f"\x1b]0;{TITLE}\x07", "\x1b[2K\rrm -rf /", "[/]", "\u202eevil"]
    category = f"Evil [/] cat \x1b]0;{TITLE}\x07"
    text = (
        f"venv = {_toml(str(venv))}\n"
        f"requirements = [{_toml(str(requirements))}]\n"
        "import-timeout = 20\n"
        "service-interval = 0\n\n"
        f"{services}"
        "[hooks]\n"
        f"before-change = {json.dumps(hook)}\n"
        f"after-change = {json.dumps(hook)}\n"
        "settle = 0\n\n"
        "[categories]\n"
        f"hostile00 = {_toml(category)}\n"
    )
    path = directory / "envtui.toml"
    path.write_text(text, encoding="utf-8")
    return path


def write_hostile_requirements(directory: Path) -> dict[str, Path]:
    """Requirements files that include /dev/zero, a FIFO, a directory, nest too deep, explode or are too big."""
    directory.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    files["dev-zero"] = directory / "dev-zero.txt"
    files["dev-zero"].write_text("alpha\n-r /dev/zero\n")
    fifo = directory / "pipe"
    os.mkfifo(fifo)
    files["fifo"] = directory / "fifo.txt"
    files["fifo"].write_text(f"-r {fifo}\n")
    files["directory"] = directory / "directory.txt"
    files["directory"].write_text(f"-r {directory}\n")
    chain = [directory / f"deep{n:02d}.txt" for n in range(40)]
    for n, path in enumerate(chain):
        path.write_text(f"-r {chain[n + 1].name}\n" if n + 1 < len(chain) else "alpha\n")
    files["deep"] = chain[0]
    for level in range(12):  # each file includes the next level twice: 4096 reads without a cap
        nxt = f"-r bomb{level + 1:02d}.txt\n" * 2 if level < 11 else "alpha\n"
        (directory / f"bomb{level:02d}.txt").write_text(nxt)
    files["bomb"] = directory / "bomb00.txt"
    files["huge"] = directory / "huge.txt"
    with open(files["huge"], "w") as out:
        out.write("# padding\n" * (1 << 20))
    files["escapes"] = directory / "escapes.txt"
    files["escapes"].write_text(f"alpha\x1b]0;{TITLE}\x07==1.0\nbeta [/]\n", encoding="utf-8")
    files["secret-index"] = directory / "secret-index.txt"
    files["secret-index"].write_text(f"--index-url https://user:{SECRET}@127.0.0.1:9/simple\ndelta\n")
    return files


# ---------------------------------------------------------------------------- all of it


@dataclass
class World:
    """The corpus in place: a hostile venv, a project whose envtui.toml is hostile, the files, the service."""

    venv: Path
    project: Path
    files: dict[str, Path]
    base_url: str
    authorizations: list[str]
    wheelhouse: Path

    @property
    def config(self) -> Path:
        """The project's envtui.toml."""
        return self.project / "envtui.toml"


@contextmanager
def hostile_world(root: Path, wheelhouse: Path) -> Iterator[World]:
    """Build the whole corpus under ``root`` and serve the service while it is in use."""
    venv = make_hostile_venv(root / "envs", wheelhouse)
    files = write_hostile_requirements(root / "reqs")
    project = root / "project"
    project.mkdir()
    with hostile_service(files=wheelhouse) as (base_url, authorizations):
        write_hostile_config(project, base_url, venv, files["dev-zero"])
        yield World(venv, project, files, base_url, authorizations, wheelhouse)
