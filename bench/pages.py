"""Server-rendered pages with the million requests in the database, each against a bare render
of a template of the same size (bench.baseline.page_baseline: the page's own HTML as one
verbatim block, through the same middleware and context processors, no queries of its own).

In process, through Django's test client (the production settings, DEBUG off): the figure is
the page's own cost, without the network or the ASGI server, which both sides would share.
The two sides alternate request by request and each keeps its median, so a busy minute on the
machine weighs on both alike.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator

from bench import figure

WARMUP, SAMPLES = 5, 40
HOST = "127.0.0.1"


def _people():
    """The admin, the customer with most requests, the approved professional with most jobs."""
    from django.db import connection

    from accounts.models import User
    from requests_app.management.commands.load_bulk_data import ADMIN_EMAIL

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.customer_id FROM requests_app_servicerequest r
               JOIN accounts_user u ON u.id = r.customer_id AND u.is_active AND u.role = 'customer'
               GROUP BY r.customer_id ORDER BY count(*) DESC, r.customer_id LIMIT 1"""
        )
        (customer_id,) = cursor.fetchone()
        cursor.execute(
            """SELECT r.professional_id FROM requests_app_servicerequest r
               JOIN accounts_user u ON u.id = r.professional_id AND u.is_active
               JOIN accounts_professionalprofile p ON p.user_id = u.id
                 AND p.verification_status = 'approved'
               GROUP BY r.professional_id ORDER BY count(*) DESC, r.professional_id LIMIT 1"""
        )
        (professional_id,) = cursor.fetchone()
    return (
        User.objects.get(email=ADMIN_EMAIL),
        User.objects.get(pk=customer_id),
        User.objects.get(pk=professional_id),
    )


def _client(user):
    from django.test import Client

    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


def _get(client, path: str):
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return elapsed, response.content


def run() -> Iterator[str]:
    from bench.baseline import prime_page_baseline

    admin, customer, professional = _people()
    cases = [
        ("customer's requests", customer, "/requests/"),
        ("professional's jobs", professional, "/requests/jobs/"),
        ("admin request changelist", admin, "/admin/requests_app/servicerequest/"),
        ("admin index", admin, "/admin/"),
    ]
    yield f"# pages: in process, median of {SAMPLES} alternating requests per side after {WARMUP}"
    for name, user, path in cases:
        client = _client(user)
        _, html = _get(client, path)
        baseline_path = prime_page_baseline(name, html.decode())
        for _ in range(WARMUP):
            _get(client, path)
            _get(client, baseline_path)
        ours, baseline = [], []
        for _ in range(SAMPLES):
            ours.append(_get(client, path)[0])
            baseline.append(_get(client, baseline_path)[0])
        kb = len(html) / 1024
        yield figure(
            f"page {name} ({kb:.0f} KB) median time",
            statistics.median(ours),
            "ms",
            statistics.median(baseline),
        )
