"""A local HTTP server with endpoints that answer the ways a real service's health URL can."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: path -> (HTTP status, content type, body); ``/hang`` never answers (until the server stops).
ROUTES: dict[str, tuple[int, str, bytes]] = {
    "/ok": (200, "application/json", json.dumps({"status": "ok", "version": "1.0.0"}).encode()),
    "/healthy": (200, "application/json", b'{"status": "Healthy"}'),
    "/text": (200, "text/plain", b"OK"),
    "/down": (200, "application/json", b'{"status": "down"}'),
    "/degraded": (200, "application/json", b'{"status": "degraded"}'),
    "/500": (500, "application/json", b'{"status": "error", "detail": "database unreachable"}'),
    "/badjson": (200, "application/json", b'{"status": "ok", '),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/hang":
            self.server.stopping.wait(30)  # type: ignore[attr-defined]
            return
        status, kind, body = ROUTES.get(self.path, (404, "text/plain", b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def health_server() -> Iterator[str]:
    """Serve ROUTES on 127.0.0.1; yields the base URL (``http://127.0.0.1:PORT``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.stopping = threading.Event()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.stopping.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


def refused_url() -> str:
    """A URL on a local port where nothing listens."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/health"
