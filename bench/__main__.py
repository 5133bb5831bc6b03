"""``python -m bench [api|catalog|pages|live|export|slots|geo|fairness|dispatch|ingest|soak]``:
make sure the bench database holds the data, run the benchmarks, print every figure as
``name: value unit (baseline value, ratio r)``. ``soak`` is not part of ``all``."""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time

from bench import configure_environment

TARGET = {"requests": 1_000_000, "professionals": 100_000, "customers": 100_000, "services": 24}
INGEST_TARGET = {"requests": 20_000, "professionals": 1_000, "customers": 1_000, "services": 24}


def ensure_database(*, bulk: bool = True, target: dict | None = None) -> None:
    """Create the bench database if missing, migrate it, and load the data (kept for next time)."""
    import psycopg
    from django.conf import settings
    from django.core.management import call_command

    database = settings.DATABASES["default"]
    if not database["ENGINE"].endswith("backends.postgresql"):  # django-prometheus wraps it
        raise SystemExit("The benchmarks need PostgreSQL: set DATABASE_URL (see `make bench`).")
    server = psycopg.connect(
        host=database["HOST"],
        port=database["PORT"] or 5432,
        user=database["USER"],
        password=database["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database["NAME"]]).fetchone()
        if not exists:
            server.execute(f'CREATE DATABASE "{database["NAME"]}"')
    call_command("migrate", interactive=False, verbosity=0)
    if bulk:
        call_command("load_bulk_data", **(target or TARGET))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument(
        "which",
        nargs="?",
        choices=[
            "api",
            "catalog",
            "pages",
            "live",
            "export",
            "slots",
            "geo",
            "fairness",
            "dispatch",
            "ingest",
            "soak",
            "all",
        ],
        default="all",
    )
    which = parser.parse_args().which
    if which == "soak":
        # Not part of "all": minutes of load with faults, against `make prod` (bench/soak.py).
        # Locust runs on gevent, patched in before anything imports socket or ssl.
        from gevent import monkey

        monkey.patch_all()
        from bench.soak import main as soak

        soak()
        return
    private_media = tempfile.mkdtemp(prefix="hs-bench-private-")
    configure_environment(private_media)
    try:
        import django

        django.setup()
        # The slots bench makes its own small data set: no need for the million rows.
        # The geo bench reads the 100,000 professionals alone: any number of requests will do.
        # The fairness bench is a simulation of the rule's code: no data at all.
        # The ingest bench needs 100 requests being worked on: a small data set will do.
        small = {
            "geo": {**TARGET, "requests": 1},
            "dispatch": {**TARGET, "requests": 1},
            "ingest": INGEST_TARGET,
        }
        ensure_database(bulk=which not in ("slots", "fairness"), target=small.get(which))
        from bench import api, catalog, dispatch, export, fairness, geo, ingest, live, pages, slots

        benches = {
            "api": api.run,
            "catalog": catalog.run,
            "pages": pages.run,
            "live": live.run,
            "export": export.run,
            "slots": slots.run,
            "geo": geo.run,
            "fairness": fairness.run,
            "dispatch": dispatch.run,
            "ingest": ingest.run,
        }
        for name, run in benches.items():
            if which in (name, "all"):
                started = time.monotonic()
                print(f"# running the {name} bench…", flush=True)
                for line in run():
                    print(line, flush=True)
                print(f"# {name} bench took {time.monotonic() - started:.0f} s", flush=True)
    finally:
        shutil.rmtree(private_media, ignore_errors=True)


main()
