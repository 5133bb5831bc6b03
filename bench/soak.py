"""``python -m bench soak``: SOAK_MINUTES (default 10) of mixed traffic from Locust, headless and
in-process, against ``make prod`` (2 uvicorn workers, a Celery worker, beat) on a database and a
redis-server of the soak's own, with Redis restarted once and the whole Celery worker (main
process and pool) SIGKILLed once in the middle; make prod's supervisor loop starts it again.

It prints the error rate outside and inside the outage windows, p95 per endpoint (against the
p95 before the first fault), export jobs requested against done after a drain, and each
process's RSS at the start and the end of the load. On demand only, never in CI.

Knobs: SOAK_MINUTES, SOAK_DATABASE_URL (default householdsvc_soak on the local PostgreSQL),
SOAK_CUSTOMERS / SOAK_PROFESSIONALS / SOAK_ADMINS (Locust users: 6, 4, 2).
"""

from __future__ import annotations

# Locust runs on gevent: bench/__main__ patches the standard library before importing this.
import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psutil
from locust.env import Environment

from bench import soak_traffic
from bench.soak_procs import Redis, answers, free_port, processes, rss_mb, wait_for

ROOT = Path(__file__).resolve().parent.parent
REDIS_DOWN_SECONDS, WORKER_DOWN_SECONDS = 5, 5
# Requests started this long after a dependency came back still count as inside its window.
RECOVERY_GRACE_SECONDS = 10
# After the load: long enough for a lost job's heartbeat to go stale (TASK_LOST_AFTER_SECONDS,
# 60) and the minute's sweep to queue it again.
DRAIN_SECONDS = 240


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20)[-1] if len(values) > 1 else (values[0] if values else float("nan"))
    )


class Soak:
    def __init__(self):
        self.minutes = float(os.environ.get("SOAK_MINUTES", "10"))
        self.database_url = os.environ.get(
            "SOAK_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/householdsvc_soak"
        )
        self.work = Path(tempfile.mkdtemp(prefix="hs-soak-"))
        self.log = (self.work / "soak.log").open("ab")
        self.redis = Redis(self.log)
        self.port = free_port()
        self.prod = None
        self.records: list[tuple[float, str, float, bool, str]] = []
        self.windows: list[tuple[str, float, float]] = []
        # {label: (pid, MB)} when the load starts, and of processes started again mid-soak
        # just after their start; what happened to the processes on the way.
        self.at_start: dict[str, tuple[int, float]] = {}
        self.restarted: dict[str, tuple[int, float]] = {}
        self.notes: list[str] = []

    def env(self) -> dict:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_")) and key not in ("DATABASE_URL", "REDIS_URL")
        }
        env.update(
            PROD_DATABASE_URL=self.database_url,
            PROD_REDIS_URL=f"redis://127.0.0.1:{self.redis.port}/0",
            PORT=str(self.port),
            DJANGO_SECRET_KEY=self.secret,
            JWT_ACCESS_MINUTES="600",
            DJANGO_PRIVATE_MEDIA_ROOT=str(self.work / "private"),
            # Kept between soaks: collectstatic then copies nothing new.
            DJANGO_STATIC_ROOT=str(Path(tempfile.gettempdir()) / "hs-soak-static"),
            EMAIL_URL="dummymail://",
            DJANGO_LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        return env

    # --- the production set -------------------------------------------------------------
    def start(self) -> None:
        self.secret = secrets.token_urlsafe(50)
        self.redis.start()
        # make prod creates the database PROD_DATABASE_URL names, and migrates it.
        self.prod = subprocess.Popen(
            ["make", "--no-print-directory", "prod"],
            cwd=ROOT,
            env=self.env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # `make prod` ends with `kill 0`: its own process group
        )
        wait_for(
            lambda: self.prod.poll() is None and answers(f"http://127.0.0.1:{self.port}/healthz"),
            600,
            "make prod did not answer",
        )
        wait_for(
            lambda: sum("celery pool" in k for k in self.found()) >= 2, 120, "the Celery pool did not start"
        )

    def found(self) -> dict[str, psutil.Process]:
        found = processes([psutil.Process(self.prod.pid)])
        found["redis-server"] = psutil.Process(self.redis.process.pid)
        return found

    def worker_up(self, *, other_than: int | None = None) -> bool:
        found = self.found()
        main = found.get("celery worker")
        pool = sum("celery pool" in label for label in found)
        return main is not None and main.pid != other_than and pool >= 2

    def note_restarts(self) -> None:
        """Processes whose pid changed since the start: their RSS now is their baseline."""
        for label, (pid, size) in rss_mb(self.found()).items():
            moved = label in self.at_start and self.at_start[label][0] != pid
            if moved and self.restarted.get(label, (None,))[0] != pid:
                self.restarted[label] = (pid, size)

    def scene(self, customers: int, professionals: int) -> dict:
        env = dict(
            self.env(),
            DJANGO_SETTINGS_MODULE="householdsvc.settings.production",
            DATABASE_URL=self.database_url,
            REDIS_URL=self.env()["PROD_REDIS_URL"],
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_SECURE_SSL_REDIRECT="false",
        )
        made = subprocess.run(
            [sys.executable, "-m", "bench.soak_data", str(customers), str(professionals)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(made.stdout.strip().splitlines()[-1])

    # --- the faults -----------------------------------------------------------------------
    def restart_redis(self) -> None:
        started = time.time()
        self.redis.stop()
        time.sleep(REDIS_DOWN_SECONDS)
        self.redis.start()
        worker = self.at_start["celery worker"][0]
        time.sleep(RECOVERY_GRACE_SECONDS)
        if not self.worker_up(other_than=None) or self.found()["celery worker"].pid != worker:
            self.notes.append(
                "the Celery worker exited when Redis restarted (kombu: Unrecoverable error, "
                "AttributeError in restore_unacked); make prod's supervisor loop started it again"
            )
            wait_for(self.worker_up, 120, "the Celery worker did not come back")
        self.note_restarts()
        self.windows.append(("redis restart", started, time.time()))

    def kill_worker(self) -> None:
        """SIGKILL to the worker's main process and its pool at once (a node failure, the OOM
        killer); make prod's supervisor loop starts it again, as systemd would."""
        wait_for(self.worker_up, 120, "no Celery worker to kill")
        main = self.found()["celery worker"]
        started = time.time()
        for process in [main, *main.children(recursive=True)]:
            process.send_signal(signal.SIGKILL)
        wait_for(lambda: self.worker_up(other_than=main.pid), 120, "the Celery worker did not come back")
        self.note_restarts()
        self.windows.append(("worker SIGKILL", started, time.time() + RECOVERY_GRACE_SECONDS))

    # --- the load ---------------------------------------------------------------------------
    def on_request(self, request_type, name, response_time, response_length, exception=None, **kw):
        started = kw.get("start_time") or time.time() - response_time / 1000
        self.records.append((started, name, response_time, exception is None, str(exception or "")[:100]))

    def run(self) -> list[str]:
        counts = {
            soak_traffic.Customer: int(os.environ.get("SOAK_CUSTOMERS", "6")),
            soak_traffic.Professional: int(os.environ.get("SOAK_PROFESSIONALS", "4")),
            soak_traffic.Admin: int(os.environ.get("SOAK_ADMINS", "2")),
        }
        for user_class, count in counts.items():
            user_class.fixed_count = count
        self.start()
        soak_traffic.SCENE.update(
            self.scene(counts[soak_traffic.Customer], counts[soak_traffic.Professional])
        )
        base = f"http://127.0.0.1:{self.port}"
        environment = Environment(user_classes=list(counts), host=base)
        environment.events.request.add_listener(self.on_request)
        runner = environment.create_local_runner()
        self.at_start = rss_mb(self.found())
        duration = self.minutes * 60
        users = sum(counts.values())
        runner.start(users, spawn_rate=users)
        began = time.time()
        time.sleep(max(0.0, began + 0.4 * duration - time.time()))
        self.restart_redis()
        time.sleep(max(0.0, began + 0.6 * duration - time.time()))
        self.kill_worker()
        time.sleep(max(0.0, began + duration - time.time()))
        runner.quit()
        ended = time.time()
        at_end = rss_mb(self.found())
        exports = self.drain(base)
        return self.report(began, ended, counts, at_end, exports)

    def drain(self, base: str) -> dict:
        """Wait for every export answered 201 to complete (or the drain to time out)."""
        wanted = list(soak_traffic.EXPORTS["requested"])
        status: dict[int, str] = {}
        deadline = time.monotonic() + DRAIN_SECONDS
        while True:
            for job_id in wanted:
                if status.get(job_id) in ("completed", "failed"):
                    continue
                request = urllib.request.Request(f"{base}/api/v1/exports/{job_id}/")
                request.add_header("Authorization", f"Bearer {soak_traffic.SCENE['admin']}")
                try:
                    with urllib.request.urlopen(request, timeout=10) as response:
                        status[job_id] = json.loads(response.read())["status"]
                except OSError:
                    pass
            done = [j for j in wanted if status.get(j) == "completed"]
            if len(done) == len(wanted) or time.monotonic() > deadline:
                break
            time.sleep(5)
        failed = sum(1 for j in wanted if status.get(j) == "failed")
        return {
            "requested": len(wanted),
            "done": len(done),
            "failed": failed,
            "refused": soak_traffic.EXPORTS["refused"],
        }

    def report(self, began, ended, counts, at_end, exports) -> list[str]:
        inside = lambda t: any(start <= t <= end for _, start, end in self.windows)  # noqa: E731
        first_fault = min(start for _, start, _ in self.windows)
        lines = [
            f"# soak: {self.minutes:g} min, {sum(counts.values())} Locust users "
            f"({', '.join(f'{n} {c.__name__.lower()}' for c, n in counts.items())}), "
            f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
            *(
                f"# window {name}: {start - began:.0f} s to {end - began:.0f} s"
                for name, start, end in self.windows
            ),
        ]
        total = len(self.records)
        lines.append(f"soak requests: {total} in {ended - began:.0f} s ({total / (ended - began):.1f} req/s)")
        for where, rows in (
            ("outside", [r for r in self.records if not inside(r[0])]),
            ("inside", [r for r in self.records if inside(r[0])]),
        ):
            errors = [r for r in rows if not r[3]]
            rate = 100 * len(errors) / len(rows) if rows else 0.0
            lines.append(
                f"soak error rate {where} the outage windows: {rate:.2f} % ({len(errors)} of {len(rows)})"
            )
            seen: dict[str, int] = {}
            for r in errors:
                seen[f"{r[1]}: {r[4]}"] = seen.get(f"{r[1]}: {r[4]}", 0) + 1
            lines += [f"#   {n} x {what}" for what, n in sorted(seen.items(), key=lambda kv: -kv[1])[:8]]
        for name in sorted({r[1] for r in self.records}):
            times = [r[2] for r in self.records if r[1] == name]
            before = [r[2] for r in self.records if r[1] == name and r[0] < first_fault]
            value, baseline = p95(times), p95(before)
            lines.append(
                f"soak p95 {name}: {value:.0f} ms (baseline before the first fault {baseline:.0f} ms, "
                f"ratio {value / baseline if baseline else float('nan'):.2f}; {len(times)} requests)"
            )
        lost = exports["requested"] - exports["done"] - exports["failed"]
        lines.append(
            f"soak exports: {exports['requested']} requested (201), {exports['done']} completed, "
            f"{exports['failed']} failed, {exports['refused']} refused with 503; jobs lost: {lost}"
        )
        for label in sorted(set(self.at_start) | set(at_end)):
            (pid, start), (end_pid, end) = self.at_start.get(label, (0, 0.0)), at_end.get(label, (0, 0.0))
            since = "at start"
            if label in self.restarted and self.restarted[label][0] == end_pid:
                start, since = self.restarted[label][1], f"just after its restart (pid {pid} -> {end_pid})"
            if start and end:
                lines.append(
                    f"soak RSS {label}: {end:.1f} MB "
                    f"(baseline {since} {start:.1f} MB, ratio {end / start:.2f})"
                )
            else:
                lines.append(f"soak RSS {label}: start {start:.1f} MB, end {end:.1f} MB")
        lines += [f"# note: {note}" for note in self.notes]
        return lines

    def stop(self) -> None:
        if self.prod is not None and self.prod.poll() is None:
            os.killpg(self.prod.pid, signal.SIGTERM)  # its own process group (start_new_session)
            try:
                self.prod.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.prod.pid, signal.SIGKILL)
                self.prod.wait()
        self.redis.stop()


def main() -> None:
    soak = Soak()
    try:
        for line in soak.run():
            print(line, flush=True)
    except Exception:
        print(f"# the soak's log: {soak.log.name}", file=sys.stderr)
        raise
    finally:
        soak.stop()
    print(f"# the soak's log (make prod, redis): {soak.log.name}")
