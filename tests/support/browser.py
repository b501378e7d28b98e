"""A real headless Chromium, driven over the DevTools protocol, for the HTML report's tests.

The distribution's ``chromium`` package (``apt-get install chromium``; ``chromium_binary`` installs it when
missing and we are root, else the tests skip saying why): no browser is downloaded by a Python package.
``open_page`` loads a file with **every request that is not the file itself refused** (the Fetch domain
intercepts them all: what the page tried to fetch is in ``Page.blocked``) and collects console errors,
uncaught exceptions and log errors. The protocol client is ``websockets``' synchronous client (a
dependency of Prefect's): a few lines, no driver binary.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_binary() -> tuple[str | None, str]:
    """The browser's path, or None and why there is none. Installs Debian's ``chromium`` when missing
    and this process may (root, apt-get present); quietly, once."""
    for name in NAMES:
        if path := shutil.which(name):
            return path, ""
    if os.environ.get("WIREDESK_NO_BROWSER_INSTALL"):
        return None, "no chromium on PATH and WIREDESK_NO_BROWSER_INSTALL is set"
    if not (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get")):
        return None, "no chromium on PATH (install the distribution's package: apt-get install chromium)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "chromium"]):
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
        if done.returncode != 0:
            return None, f"chromium missing and `{' '.join(cmd)}` failed: {done.stderr.strip()[-300:]}"
    path = shutil.which("chromium")
    return (path, "") if path else (None, "apt-get installed chromium but it is not on PATH")


@dataclass
class Page:
    """One loaded page: evaluate JavaScript, take screenshots; what went wrong while loading it."""

    ws: Any
    errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    _next: int = 0

    def send(self, method: str, params: dict | None = None, timeout: float = 30) -> dict:
        self._next += 1
        my_id = self._next
        self.ws.send(json.dumps({"id": my_id, "method": method, "params": params or {}}))
        deadline = time.monotonic() + timeout
        while True:
            msg = json.loads(self.ws.recv(timeout=max(0.1, deadline - time.monotonic())))
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self._event(msg)

    def pump(self, seconds: float) -> None:
        """Handle the browser's events for ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                self._event(json.loads(self.ws.recv(timeout=left)))
            except TimeoutError:
                return

    def _event(self, msg: dict) -> None:
        method, p = msg.get("method"), msg.get("params", {})
        if method == "Fetch.requestPaused":
            url = p["request"]["url"]
            self.requested.append(url)
            if url.startswith(("file:", "data:", "blob:", "about:")):
                self.ws.send(json.dumps({"id": 0, "method": "Fetch.continueRequest", "params": {"requestId": p["requestId"]}}))
            else:
                self.blocked.append(url)
                self.ws.send(json.dumps({"id": 0, "method": "Fetch.failRequest",
                                         "params": {"requestId": p["requestId"], "errorReason": "BlockedByClient"}}))
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            self.errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p["args"]))
        elif method == "Runtime.exceptionThrown":
            d = p["exceptionDetails"]
            self.errors.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
        elif method == "Log.entryAdded" and p["entry"]["level"] == "error":
            self.errors.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")

    def evaluate(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 30) -> Any:
        """Evaluate ``expression`` until it is truthy (its value), or fail after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if value := self.evaluate(expression):
                return value
            self.pump(0.2)
        raise TimeoutError(f"not true after {timeout}s: {expression}")

    def screenshot(self, path: Path, selector: str | None = None) -> None:
        """A PNG of the element ``selector`` (the whole viewport without one)."""
        params: dict[str, Any] = {"format": "png"}
        if selector:
            box = self.evaluate(f"(function(){{var r=document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
                                "return {x:r.left+window.scrollX,y:r.top+window.scrollY,width:r.width,height:r.height};})()")
            params.update(clip={**box, "scale": 1}, captureBeyondViewport=True)
        path.write_bytes(base64.b64decode(self.send("Page.captureScreenshot", params)["data"]))


@contextmanager
def open_page(binary: str, path: Path, width: int = 1300, height: int = 900) -> Iterator[Page]:
    """Chromium showing ``path`` (a file) with every other request refused; closed after."""
    profile = Path(tempfile.mkdtemp(prefix="wiredesk-chromium-"))
    proc = subprocess.Popen(
        [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
         "--disable-extensions", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", f"--window-size={width},{height}", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"chromium did not start (exit {proc.poll()})")
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as resp:  # the browser's own endpoint
            target = next(t for t in json.load(resp) if t["type"] == "page")
        with connect(target["webSocketDebuggerUrl"], max_size=None, open_timeout=30) as ws:
            page = Page(ws)
            for domain in ("Runtime", "Log", "Page", "Network"):
                page.send(f"{domain}.enable")
            page.send("Fetch.enable", {"patterns": [{"urlPattern": "*"}]})
            page.send("Page.navigate", {"url": path.resolve().as_uri()})
            page.wait_for("document.readyState === 'complete'", timeout=60)
            yield page
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)
