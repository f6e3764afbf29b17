"""Start the sandbox as a separate process (``stockroom sandbox --port 0``) and talk to its test surface.

A real process on 127.0.0.1, so tests exercise the same HTTP stack a user's client meets.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

LISTENING = re.compile(r"Sandbox listening on (http://[\d.]+:\d+)")


@dataclass
class SandboxProcess:
    url: str
    client_id: str
    client_secret: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.url + "/api"

    @property
    def token_url(self) -> str:
        return self.url + "/oauth/token"

    def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body or {}).encode()
        request = urllib.request.Request(self.url + path, data=data, method="POST")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def reset(self) -> None:
        """Back to the seed data; faults and the request log cleared."""
        self._post("/_sandbox/reset")

    def fault(self, **spec: Any) -> Any:
        """Arm a fault (see ``POST /_sandbox/faults``)."""
        return self._post("/_sandbox/faults", spec)

    def clear_faults(self) -> None:
        """Disarm every fault (the data and the request log stay)."""
        request = urllib.request.Request(self.url + "/_sandbox/faults", method="DELETE")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def requests(self) -> list[dict[str, Any]]:
        with urllib.request.urlopen(self.url + "/_sandbox/requests", timeout=30) as response:
            result: list[dict[str, Any]] = json.loads(response.read())["requests"]
        return result


@contextlib.contextmanager
def start_sandbox(*extra: str, seed: str = "demo", rate_limits: str = "off") -> Iterator[SandboxProcess]:
    """Run ``stockroom sandbox`` on a free port until the block ends."""
    command = [sys.executable, "-m", "desktop_app", "sandbox", "--port", "0", "--seed", seed]
    command += ["--rate-limits", rate_limits, *extra]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    lines: list[str] = []
    url = client_id = client_secret = None
    for line in process.stdout:
        lines.append(line)
        if match := LISTENING.search(line):
            url = match.group(1)
        elif line.startswith("client_id:"):
            client_id = line.split(":", 1)[1].strip()
        elif line.startswith("client_secret:"):
            client_secret = line.split(":", 1)[1].strip()
        if url and client_id and client_secret:
            break
    if not (url and client_id and client_secret):
        process.kill()
        raise RuntimeError("sandbox did not start:\n" + "".join(lines))
    running = SandboxProcess(url, client_id, client_secret, process, lines)
    drain = threading.Thread(target=lambda: running.output.extend(process.stdout or []), daemon=True)
    drain.start()
    try:
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
