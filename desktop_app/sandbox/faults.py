"""The test surface's memory: armed faults and the log of recent requests.

Faults let a test make the next matching requests fail the way a real network or server fails (an error status,
a slow answer, a connection cut before or after the change was committed, an expired token) without mocking the
client: the client under test meets them over real HTTP.
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

METHODS = frozenset({"*", "GET", "POST", "PATCH", "PUT", "DELETE"})
LOG_SIZE = 20_000


@dataclass
class Fault:
    method: str = "*"
    path: str = "/"
    count: int = 1
    status: int | None = None
    delay: float = 0.0
    drop: str | None = None
    expire_token: bool = False

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and path.startswith(self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def parse_fault(spec: Any) -> Fault:
    """A fault from ``POST /_sandbox/faults``; ``ValueError`` names the bad key."""
    if not isinstance(spec, dict):
        raise ValueError("the body must be a JSON object")
    unknown = set(spec) - {"method", "path", "count", "status", "delay", "drop", "expire_token"}
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    method = str(spec.get("method", "*")).upper()
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(sorted(METHODS))}")
    path = spec.get("path", "/")
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("path must be a string starting with /")
    count = spec.get("count", 1)
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise ValueError("count must be a positive integer")
    status = spec.get("status")
    if status is not None and (not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599):
        raise ValueError("status must be an HTTP error status (400-599)")
    delay = spec.get("delay", 0.0) or 0.0
    if not isinstance(delay, int | float) or isinstance(delay, bool) or not 0 <= delay <= 120:
        raise ValueError("delay must be a number of seconds between 0 and 120")
    drop = spec.get("drop")
    if drop not in (None, "before", "after"):
        raise ValueError('drop must be "before", "after" or null')
    expire = spec.get("expire_token", False)
    if not isinstance(expire, bool):
        raise ValueError("expire_token must be true or false")
    if status is None and not delay and drop is None and not expire:
        raise ValueError("a fault needs a status, a delay, a drop or expire_token")
    return Fault(method, path, count, status, float(delay), drop, expire)


class Faults:
    def __init__(self) -> None:
        self.armed: list[Fault] = []

    def arm(self, fault: Fault) -> None:
        self.armed.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """The first armed fault matching the request, used up once."""
        for fault in self.armed:
            if fault.matches(method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self.armed.remove(fault)
                return fault
        return None

    def clear(self) -> None:
        self.armed.clear()


class RequestLog:
    def __init__(self) -> None:
        self.entries: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)

    def add(self, method: str, path: str, query: str, status: int | None) -> None:
        self.entries.append({"method": method, "path": path, "query": query, "status": status})

    def clear(self) -> None:
        self.entries.clear()
