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
from envtui.core.health import answers
from envtui.core.health.report import FAIL, OK, SERVICES, WARN, Finding

_OK_STATUSES = frozenset({"ok", "healthy", "pass", "passed", "up"})
_WARN_STATUSES = frozenset({"warn", "warning", "degraded"})


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
    request = answers.request(  # credentials in the URL go into a header, never into an error message
        service.url,
        headers={"User-Agent": f"envtui/{__version__} health check", "Accept": "application/json, */*;q=0.5"},
    )
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=service.timeout) as response:
            body = answers.read_body(response)
            return {
                "code": response.status,
                "reason": response.reason,
                "body": body,
                "type": response.headers.get("Content-Type", ""),
                "seconds": time.perf_counter() - started,
            }
    except urllib.error.HTTPError as exc:
        try:
            body = answers.read_body(exc)
        except answers.AnswerTooLarge as too_large:
            return {"error": str(too_large)}
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
    except answers.AnswerTooLarge as exc:
        return {"error": str(exc)}
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
            payload = answers.parse(text)
        except answers.TooDeep as exc:
            bad_json = f"answer too deep ({exc})"
        except json.JSONDecodeError as exc:
            bad_json = f"the answer is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        except ValueError as exc:
            bad_json = f"the answer is not valid JSON ({exc})"
    version = payload.get("version") if isinstance(payload, dict) else None
    if isinstance(version, (str, int, float)) and not isinstance(version, bool):
        data["version"] = str(version)
    suffix = f" in {latency}" + (f", version {answers.quoted(data['version'])[1:-1]}" if "version" in data else "")
    long = answers.excerpt(text) if text else ""
    if not 200 <= code < 300:
        said = ""
        if isinstance(payload, dict) and "status" in payload:
            said = f", status {answers.quoted(payload['status'])}"
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
        shown = f"status {answers.quoted(status_value)}{suffix}"
        if said in _OK_STATUSES:
            return Finding(SERVICES, name, OK, shown, data=data)
        if said in _WARN_STATUSES:
            return Finding(SERVICES, name, WARN, shown, long=long, data=data)
        return Finding(SERVICES, name, FAIL, shown, long=long, data=data)
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
