"""A PEP 503 package index on 127.0.0.1 that serves one wheel and stalls mid-download.

Tests that must catch uv *while it works* (cancel mid-job, a second job waiting its turn)
point uv at it with ``UV_INDEX_URL``: uv resolves, starts the download, and blocks until the
test releases the index (or cancels the job). With ``delay`` every download instead simply takes
that long, as on a slow link. Like PyPI, it serves each wheel's metadata on its own (PEP 658), so
resolving needs no download, and marks files immutable, so uv's cache keeps what it fetched.
"""

from __future__ import annotations

import hashlib
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from packaging.utils import canonicalize_name


class SlowIndex:
    """Serve ``wheels`` under ``/simple/``; every download sends a few bytes, then waits for ``release``."""

    def __init__(self, wheels: list[Path], *, delay: float | None = None) -> None:
        self.wheels = {w.name: w.read_bytes() for w in wheels}
        self.metadata = {name: _metadata_of(data) for name, data in self.wheels.items()}
        self.delay = delay
        """Seconds each download takes; None: downloads wait for ``release``."""
        self.downloads: list[tuple[str, float, float]] = []
        """``(file, started, ended)`` by ``time.time()`` for each download served."""
        self.download_started = threading.Event()
        """Set when uv has begun downloading a wheel."""
        self.release = threading.Event()
        """Set to let downloads finish."""
        self.downloads_fail = False
        """Set to answer every wheel download 404 (a mirror that lost its files), while resolving still works."""
        index = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                parts = [p for p in self.path.split("?")[0].split("/") if p]
                if len(parts) == 2 and parts[0] == "simple":
                    index._project(self, canonicalize_name(parts[1]))
                elif len(parts) == 2 and parts[0] == "files" and parts[1] in index.wheels:
                    index._download(self, parts[1])
                elif len(parts) == 2 and parts[0] == "files" and parts[1].removesuffix(".metadata") in index.metadata:
                    index._send(self, index.metadata[parts[1].removesuffix(".metadata")], "text/plain")
                else:
                    self.send_error(404)

            def do_HEAD(self) -> None:
                name = self.path.split("?")[0].rsplit("/", 1)[-1]
                if name not in index.wheels:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(index.wheels[name])))
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """The index URL to give uv."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/simple"

    def _project(self, handler: BaseHTTPRequestHandler, name: str) -> None:
        links = [
            f'<a href="/files/{file}#sha256={hashlib.sha256(data).hexdigest()}"'
            f"{self._metadata_attribute(file)}>{file}</a>"
            for file, data in self.wheels.items()
            if canonicalize_name(file.split("-")[0]) == name
        ]
        if not links:
            handler.send_error(404)
            return
        body = ("<!DOCTYPE html><html><body>" + "".join(links) + "</body></html>").encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _metadata_attribute(self, file: str) -> str:
        """PEP 658's pointer to a wheel's metadata; none once ``metadata`` was emptied (resolving then downloads)."""
        if file not in self.metadata:
            return ""
        return f' data-dist-info-metadata="sha256={hashlib.sha256(self.metadata[file]).hexdigest()}"'

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, body: bytes, content_type: str) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Cache-Control", "max-age=365000000, immutable, public")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _download(self, handler: BaseHTTPRequestHandler, file: str) -> None:
        if self.downloads_fail:
            handler.send_error(404)
            return
        data = self.wheels[file]
        started = time.time()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/octet-stream")
        handler.send_header("Cache-Control", "max-age=365000000, immutable, public")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        try:
            handler.wfile.write(data[:64])
            handler.wfile.flush()
            self.download_started.set()
            if self.delay is None:
                self.release.wait(60)
            else:
                time.sleep(self.delay)
            handler.wfile.write(data[64:])
        except (BrokenPipeError, ConnectionResetError):
            pass
        self.downloads.append((file, started, time.time()))

    def __enter__(self) -> SlowIndex:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


def _metadata_of(wheel: bytes) -> bytes:
    """The METADATA file inside a wheel."""
    import io

    with zipfile.ZipFile(io.BytesIO(wheel)) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return archive.read(name)
