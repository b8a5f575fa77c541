"""Is the service on this environment up? An HTTP(S) GET of its health URL, bounded by a timeout.

The answer is judged by its HTTP status and, when it is JSON, by a ``status`` field in it
(``ok``, ``healthy``, ``pass`` … is fine; ``warn`` or ``degraded`` a warning; anything else
a failure); a ``version`` field is reported. A loopback URL is asked without any proxy.
"""

from __future__ import annotations

import ipaddress
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from envtui import __version__
from envtui.core.config import Service
from envtui.core.health.report import FAIL, OK, SERVICES, WARN, Finding, tail

_OK_STATUSES = frozenset({"ok", "healthy", "pass", "passed", "up"})
_WARN_STATUSES = frozenset({"warn", "warning", "degraded"})
_BODY_LIMIT = 1 << 20


def _is_loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _fetch(service: Service) -> dict[str, Any]:
    """One GET; returns what happened (never raises)."""
    handlers: list[Any] = [urllib.request.ProxyHandler({})] if _is_loopback(service.url) else []
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(
        service.url,
        headers={"User-Agent": f"envtui/{__version__} health check", "Accept": "application/json, */*;q=0.5"},
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=service.timeout) as response:
            body = response.read(_BODY_LIMIT)
            return {
                "code": response.status,
                "reason": response.reason,
                "body": body,
                "type": response.headers.get("Content-Type", ""),
                "seconds": time.perf_counter() - started,
            }
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(_BODY_LIMIT)
        except Exception:
            body = b""
        return {
            "code": exc.code,
            "reason": exc.reason,
            "body": body,
            "type": exc.headers.get("Content-Type", "") if exc.headers else "",
            "seconds": time.perf_counter() - started,
        }
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError) or "timed out" in str(reason):
            return {"error": f"no answer within {service.timeout:g} s", "timeout": True}
        if isinstance(reason, ConnectionRefusedError):
            return {"error": "connection refused"}
        text = getattr(reason, "strerror", None) or str(reason)
        return {"error": str(text)}
    except TimeoutError:
        return {"error": f"no answer within {service.timeout:g} s", "timeout": True}
    except Exception as exc:
        return {"error": f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__}


def _judge(service: Service, got: dict[str, Any]) -> Finding:
    name = f"service {service.name}"
    data: dict[str, Any] = {"url": service.url}
    if "error" in got:
        return Finding(SERVICES, name, FAIL, f"{service.url}: {got['error']}", data=data)
    code, seconds, body = got["code"], got["seconds"], got["body"]
    latency = f"{seconds * 1000:.0f} ms"
    data.update(http_status=code, latency_ms=round(seconds * 1000, 1))
    payload: Any = None
    bad_json = ""
    text = body.decode("utf-8", "replace").strip()
    if "json" in got["type"].lower() or text[:1] in ("{", "["):
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            bad_json = f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
    version = payload.get("version") if isinstance(payload, dict) else None
    if isinstance(version, (str, int, float)) and not isinstance(version, bool):
        data["version"] = str(version)
    suffix = f" in {latency}" + (f", version {data['version']}" if "version" in data else "")
    long = tail(text, 10) if text else ""
    if not 200 <= code < 300:
        said = ""
        if isinstance(payload, dict) and "status" in payload:
            said = f", status {payload['status']!r}"
        return Finding(SERVICES, name, FAIL, f"HTTP {code} {got['reason']}{said}{suffix}", long=long, data=data)
    if bad_json:
        return Finding(SERVICES, name, FAIL, f"HTTP {code}, but {bad_json}{suffix}", long=long, data=data)
    if isinstance(payload, dict) and "status" in payload:
        status_value = payload["status"]
        data["status"] = status_value
        said = (
            str(status_value).strip().lower()
            if not isinstance(status_value, bool)
            else ("ok" if status_value else "false")
        )
        if said in _OK_STATUSES:
            return Finding(SERVICES, name, OK, f"status {status_value!r}{suffix}", data=data)
        if said in _WARN_STATUSES:
            return Finding(SERVICES, name, WARN, f"status {status_value!r}{suffix}", long=long, data=data)
        return Finding(SERVICES, name, FAIL, f"status {status_value!r}{suffix}", long=long, data=data)
    return Finding(SERVICES, name, OK, f"HTTP {code} {got['reason']}{suffix}", data=data)


def check_service(service: Service, *, settle: float = 0.0) -> Finding:
    """GET the service's URL, bounded by its timeout; with ``settle``, retry a failure for that long."""
    deadline = time.monotonic() + settle
    while True:
        box: dict[str, Any] = {}
        worker = threading.Thread(
            target=lambda box=box: box.update(_fetch(service)), daemon=True, name=f"envtui-health-{service.name}"
        )
        worker.start()
        worker.join(service.timeout + 0.25)
        if worker.is_alive() or not box:
            box = {"error": f"no answer within {service.timeout:g} s", "timeout": True}
        finding = _judge(service, box)
        if finding.status == OK or time.monotonic() >= deadline:
            return finding
        time.sleep(min(0.5, max(deadline - time.monotonic(), 0)))
