"""Time, rows/s and peak memory of a service-request CSV export job, at 100,000 rows and at
1,000,000, against psql's own ``\\copy`` of the very same SELECT in the same run.

The job is created for an admin with ``export_job_create`` and run by ``export_job_run`` (what
the Celery task calls) in a child process of its own, so its peak memory is that process's
maximum resident set (``VmHWM``, see ``_run_child``), Django and all. The time is that of
``export_job_run`` alone (count, COPY into a scratch file, storing the file, completing the job),
measured in the child; psql's is the whole ``psql -c '\\copy …'`` process. The SELECT given to psql
is the export's own (``exports.writers.copy_sql``), with its parameters bound by psycopg, and the
two CSV files are compared byte for byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import figure

BASE_DIR = Path(__file__).resolve().parent.parent
PSQL = "/usr/bin/psql"
SIZES = (100_000, 1_000_000)
SAMPLE_SECONDS = 0.005
REPEATS = 3


@dataclass
class Run:
    seconds: float
    rows: int
    peak_mb: float
    sha256: str


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def vm_hwm_kib(pid: int | str = "self") -> int:
    """The peak resident set of a live process's own memory (``VmHWM``), in KiB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _run_child(command: list[str], env: dict | None = None) -> tuple[float, int, str]:
    """Runs a child to its end: (wall seconds, peak RSS in KiB, its stdout).

    Not ``ru_maxrss``: Linux folds the forking parent's high-water mark into the child's at
    ``exec``, so every child of this (Django-sized) process would report about this process's
    size, psql included. ``VmHWM`` belongs to the child's own address space; it is sampled
    until the child exits (it only grows, so the last sample is the peak within a few ms).
    """
    peak = 0
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=BASE_DIR, stdout=out, stderr=subprocess.STDOUT, env=env)
        try:
            while process.poll() is None:
                # The child may exit between poll() and the read.
                with contextlib.suppress(OSError, ValueError):
                    peak = max(peak, vm_hwm_kib(process.pid))
                time.sleep(SAMPLE_SECONDS)
        except BaseException:
            process.kill()
            process.wait()
            raise
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read().decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed ({process.returncode}):\n{output[-4000:]}")
    return seconds, peak, output


def psql_copy(filters: dict, target: str) -> Run:
    from django.conf import settings
    from django.db import connection

    from exports.models import ExportKind
    from exports.writers import copy_sql

    statement, params = copy_sql(ExportKind.SERVICE_REQUESTS, filters)
    with connection.cursor() as cursor:
        bound = cursor.cursor.mogrify(statement, params)  # psycopg's client-side binding
    prefix, stdout_clause = "COPY (", ") TO STDOUT WITH "
    if not bound.startswith(prefix) or stdout_clause not in bound or "\n" in bound:
        raise RuntimeError(f"Unexpected COPY statement from the export: {bound[:200]}")
    select, options = bound[len(prefix) :].rsplit(stdout_clause, 1)
    meta = f"\\copy ({select}) TO '{target}' WITH {options}"
    database = settings.DATABASES["default"]
    url = f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    env = {**os.environ, "PGTZ": "UTC", "PGPASSWORD": database.get("PASSWORD") or ""}
    seconds, peak_kib, _ = _run_child([PSQL, "-X", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", meta], env)
    with open(target, "rb") as csv_file:
        rows = sum(1 for _ in csv_file) - 1
    return Run(seconds, rows, peak_kib / 1024, _sha256(target))


def export_job(admin, filters: dict) -> Run:
    from exports.models import ExportJob, ExportKind
    from exports.services import export_job_create

    # Queued to the bench's in-memory broker, where nobody takes it: the child runs it.
    job = export_job_create(actor=admin, kind=ExportKind.SERVICE_REQUESTS, filters=filters)
    _, peak_kib, output = _run_child([sys.executable, "-m", "bench.export", "child", str(job.pk)])
    report = json.loads(output.strip().splitlines()[-1])
    peak_kib = max(peak_kib, report["peak_kib"])  # the child's own last word on its peak
    job = ExportJob.objects.get(pk=job.pk)
    if job.status != "completed":
        raise RuntimeError(f"Export job #{job.pk} ended {job.status}: {job.error}")
    path = job.file.path
    run = Run(report["seconds"], job.row_count, peak_kib / 1024, _sha256(path))
    job.file.delete(save=False)
    return run


def _median(runs: list[Run]) -> float:
    return statistics.median(run.seconds for run in runs)


def _filters_for(rows: int, total: int) -> dict:
    """The export's own filters selecting about ``rows`` rows: the newest days."""
    if rows >= total:
        return {}
    from requests_app.models import ServiceRequest

    newest = ServiceRequest.objects.order_by("-created_at").values_list("created_at", flat=True)
    return {"created_after": newest[rows - 1].date().isoformat()}


def run() -> list[str]:
    from accounts.models import User
    from requests_app.management.commands.load_bulk_data import ADMIN_EMAIL
    from requests_app.models import ServiceRequest

    admin = User.objects.get(email=ADMIN_EMAIL)
    total = ServiceRequest.objects.count()
    lines = []
    with tempfile.TemporaryDirectory(prefix="hs-export-bench-") as folder:
        # One untimed pass so neither side pays for a cold cache.
        psql_copy({}, str(Path(folder) / "warm.csv"))
        for size in SIZES:
            filters = _filters_for(size, total)
            baselines, ours = [], []
            # Alternated and repeated: the machine is shared, so one run can catch a busy moment.
            for _ in range(REPEATS):
                baselines.append(psql_copy(filters, str(Path(folder) / f"psql-{size}.csv")))
                ours.append(export_job(admin, filters))
            rows = {run.rows for run in baselines + ours}
            if len(rows) != 1:
                raise RuntimeError(f"Row counts differ between runs: {sorted(rows)}")
            rows = rows.pop()
            same = {run.sha256 for run in baselines + ours}
            ours_time, baseline_time = _median(ours), _median(baselines)
            name = f"export {size} requests"
            lines += [
                f"# {name}: {rows} rows, filters {json.dumps(filters)}, median of {REPEATS} alternated runs; "
                f"CSV {'identical to' if len(same) == 1 else 'DIFFERENT from'} psql's",
                figure(f"{name} time", ours_time, "s", baseline_time, digits=2),
                figure(f"{name} throughput", rows / ours_time, "rows/s", rows / baseline_time, digits=0),
                figure(
                    f"{name} peak memory",
                    max(run.peak_mb for run in ours),
                    "MB",
                    max(run.peak_mb for run in baselines),
                ),
            ]
    return lines


def child(job_id: int) -> None:
    """In the child process: run the job and report how long ``export_job_run`` took."""
    import django

    django.setup()
    from exports.services import export_job_run

    started = time.perf_counter()
    job = export_job_run(job_id=job_id)
    seconds = time.perf_counter() - started
    report = {"seconds": seconds, "rows": job.row_count, "status": job.status, "peak_kib": vm_hwm_kib()}
    print(json.dumps(report))


if __name__ == "__main__" and sys.argv[1:2] == ["child"]:
    child(int(sys.argv[2]))
