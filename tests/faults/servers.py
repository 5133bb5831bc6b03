"""Real processes a fault test starts, stops and starts again: a Redis of its own, uvicorn
serving the project. Each listens on a free port; none touches the machine's shared services."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} after {timeout}s")
        time.sleep(0.05)


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


# Nothing written to disk: a test's Redis starts empty.
REDIS_EPHEMERAL = ("--save", "", "--appendonly", "no")


class RedisServer:
    """A redis-server of the test's own; ``stop()`` and ``start()`` keep the same port."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [*("redis-server", "--bind", "127.0.0.1", "--port", str(self.port)), *REDIS_EPHEMERAL],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: _port_open(self.port), timeout=10, what="redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


class PostgresCluster:
    """A PostgreSQL 15 cluster of the test's own (pg_createcluster), stopped and started with
    pg_ctlcluster; dropped at the end. Never the machine's main cluster."""

    def __init__(self, name: str):
        self.name = name
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/householdsvc"

    def create(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", "15", self.name], capture_output=True)
        subprocess.run(
            ["pg_createcluster", "15", self.name, "--port", str(self.port), "--", "--auth=trust"],
            check=True,
            capture_output=True,
        )
        self.start()
        subprocess.run(
            ["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "householdsvc"],
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        subprocess.run(["pg_ctlcluster", "15", self.name, "start"], check=True, capture_output=True)
        wait_until(lambda: _port_open(self.port), timeout=30, what="postgres did not start")

    def stop(self) -> None:
        subprocess.run(
            ["pg_ctlcluster", "15", self.name, "stop", "-m", "fast"], check=True, capture_output=True
        )

    def drop(self) -> None:
        subprocess.run(["pg_dropcluster", "--stop", "15", self.name], capture_output=True)


def project_env(**overrides) -> dict:
    """The environment a process of the project runs with: the test settings, nothing of the
    caller's DJANGO_* or service URLs unless given."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_")) and key not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(DJANGO_SETTINGS_MODULE="householdsvc.settings.test", PYTHONUNBUFFERED="1")
    env.update(overrides)
    return env


class Uvicorn:
    """``uvicorn householdsvc.asgi:application`` in a process of its own, on a free port."""

    def __init__(self, env: dict, *, args: tuple = (), command: list | None = None):
        self.env = env
        self.args = args
        self.command = command
        self.port = free_port()
        self.process = None
        self.log = tempfile.NamedTemporaryFile(prefix="uvicorn-", suffix=".log", delete=False)  # noqa: SIM115

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        command = self.command or [
            str(Path(sys.executable).parent / "uvicorn"),
            "householdsvc.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(
            [*command, *self.args],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

        def answers():
            if self.process.poll() is not None:
                raise AssertionError(f"uvicorn exited:\n{self.output()}")
            try:
                return requests.get(f"{self.url}/healthz", timeout=1).status_code == 200
            except requests.RequestException:
                return False

        wait_until(answers, timeout=60, what="uvicorn did not answer")

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


def have(program: str) -> bool:
    return shutil.which(program) is not None


class HangingServer:
    """A TCP server on a free port that accepts every connection and never answers: a
    dependency that hangs, rather than one that refuses."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return  # closed
            self.held.append(conn)  # kept open, never read from, never written to

    def close(self) -> None:
        self.listener.close()
        for conn in self.held:
            conn.close()
