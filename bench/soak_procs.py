"""The soak's processes (bench.soak): a redis-server of its own, and the production set's
processes found and labelled under ``make prod``, with their memory."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} within {timeout:.0f} s")
        time.sleep(0.5)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class Redis:
    """The soak's own redis-server (nothing saved), so restarting it touches nobody else."""

    def __init__(self, log):
        self.port, self.log, self.process = free_port(), log, None

    def start(self) -> None:
        command = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        self.process = subprocess.Popen(
            [*command, "--appendonly", "no"], stdout=self.log, stderr=subprocess.STDOUT
        )

        def up():
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return True
            except OSError:
                return False

        wait_for(up, 10, "redis-server did not start")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _is_python(process: psutil.Process) -> bool:
    # By the interpreter run: the kernel names a script run by its #! line after the script.
    command = process.cmdline()
    return bool(command) and Path(command[0]).name.startswith("python")


def _label(process: psutil.Process) -> str | None:
    """What a Python process of the set is (the shells running the recipe are none of them)."""
    if not _is_python(process):
        return None
    command = " ".join(process.cmdline())
    parent = process.parent()
    parent = " ".join(parent.cmdline()) if parent and _is_python(parent) else ""
    if "celery" in command and " worker" in command:
        return "celery pool child" if "celery" in parent else "celery worker"
    if "celery" in command and " beat" in command:
        return "celery beat"
    if "uvicorn" in command or "householdsvc.serve" in command:
        return "web main (uvicorn)"
    if "spawn_main" in command and ("uvicorn" in parent or "householdsvc.serve" in parent):
        return "web worker"
    return None


def processes(roots: list[psutil.Process], prefix: str = "") -> dict[str, psutil.Process]:
    """The production set's processes, labelled (web worker 1, 2 …)."""
    found, counts = {}, {}
    for root in roots:
        for process in [root, *root.children(recursive=True)]:
            try:
                label = _label(process)
            except psutil.Error:
                continue
            if label:
                counts[label] = counts.get(label, 0) + 1
                numbered = "child" in label or label == "web worker"
                found[prefix + (f"{label} {counts[label]}" if numbered else label)] = process
    return found


def rss_mb(found: dict[str, psutil.Process]) -> dict[str, tuple[int, float]]:
    """{label: (pid, resident memory in MB)}."""
    sizes = {}
    for label, process in found.items():
        with contextlib.suppress(psutil.Error):
            sizes[label] = (process.pid, process.memory_info().rss / 2**20)
    return sizes
