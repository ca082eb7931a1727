"""Headless Chromium driven over the DevTools protocol on a pipe (no websocket library).

``console_errors(url)`` loads a page and returns every console error, uncaught exception and
error log entry (a resource that failed to load, a blocked request) it produced, with the page's
title. Chromium reads commands from its fd 3 and writes answers to its fd 4, each a JSON
message ended by a NUL byte (``--remote-debugging-pipe``).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

#: The names Chromium goes by (Debian: chromium; Ubuntu: chromium-browser; Google's builds).
BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """The Chromium to use: ``$CHROMIUM``, else the first of ``BINARIES`` on PATH."""
    configured = os.environ.get("CHROMIUM")
    if configured:
        return configured
    for name in BINARIES:
        found = shutil.which(name)
        if found:
            return found
    return None


@dataclass
class PageReport:
    """What loading one page showed."""

    url: str
    title: str = ""
    errors: list[str] = field(default_factory=list)


class _Pipe:
    """The DevTools protocol over Chromium's fds 3 (commands) and 4 (answers and events)."""

    def __init__(self, binary: str, profile: str) -> None:
        commands_read, self._commands = os.pipe()
        self._answers, answers_write = os.pipe()
        arguments = [
            binary,
            "--headless",
            "--remote-debugging-pipe",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",
            f"--user-data-dir={profile}",
            "about:blank",
        ]
        if os.geteuid() == 0:  # Chromium refuses to run as root inside its sandbox
            arguments.insert(1, "--no-sandbox")

        def move_fds() -> None:  # to 3 and 4, via fresh numbers so that neither clobbers the other
            commands, answers = os.dup(commands_read), os.dup(answers_write)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        self.process = subprocess.Popen(
            arguments,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=move_fds,
            pass_fds=(3, 4),  # kept open after move_fds (the others are closed)
        )
        os.close(commands_read)
        os.close(answers_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        """Send a command; return its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._commands, json.dumps(message).encode() + b"\0")
        while True:
            received = self._receive(deadline=time.monotonic() + 30)
            if received is None:
                raise TimeoutError(f"Chromium did not answer {method}")
            if received.get("id") == self._next_id:
                if "error" in received:
                    raise RuntimeError(f"{method}: {received['error']}")
                result: dict[str, Any] = received.get("result", {})
                return result
            self.events.append(received)

    def wait_for(self, method: str, seconds: float) -> bool:
        """Wait until an event ``method`` arrived (or was kept already)."""
        deadline = time.monotonic() + seconds
        while not any(e.get("method") == method for e in self.events):
            received = self._receive(deadline)
            if received is None:
                return False
            self.events.append(received)
        return True

    def drain(self, seconds: float) -> None:
        """Keep the events that arrive within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (received := self._receive(deadline)) is not None:
            self.events.append(received)

    def _receive(self, deadline: float) -> dict[str, Any] | None:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._answers], [], [], remaining)
            if not ready:
                return None
            chunk = os.read(self._answers, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._commands)
        os.close(self._answers)


def load_pages(binary: str, urls: list[str], settle: float = 1.0) -> list[PageReport]:
    """Load each URL in a fresh tab; report its title and every error it logged."""
    reports = []
    with tempfile.TemporaryDirectory(prefix="klarna-om-chromium-") as profile:
        pipe = _Pipe(binary, profile)
        try:
            for url in urls:
                reports.append(_load(pipe, url, settle))
        finally:
            pipe.close()
    return reports


def _load(pipe: _Pipe, url: str, settle: float) -> PageReport:
    target = pipe.send("Target.createTarget", url="about:blank")["targetId"]
    session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
    pipe.events.clear()
    for domain in ("Runtime", "Log", "Page"):
        pipe.send(f"{domain}.enable", session)
    pipe.send("Page.navigate", session, url=url)
    if not pipe.wait_for("Page.loadEventFired", 30):
        raise TimeoutError(f"{url} did not load")
    pipe.drain(settle)  # scripts that run after the load event (search index, palette)
    title = pipe.send("Runtime.evaluate", session, expression="document.title")["result"]
    report = PageReport(url, str(title.get("value", "")))
    for event in pipe.events:
        if event.get("sessionId") != session:
            continue
        params = event.get("params", {})
        if event.get("method") == "Runtime.consoleAPICalled" and params["type"] in (
            "error",
            "assert",
        ):
            texts = [str(a.get("value", a.get("description", ""))) for a in params["args"]]
            report.errors.append("console: " + " ".join(texts))
        elif event.get("method") == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            report.errors.append(f"exception: {text}")
        elif event.get("method") == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            report.errors.append(f"log: {entry.get('text')} {entry.get('url', '')}".strip())
    pipe.send("Target.closeTarget", targetId=target)
    return report
