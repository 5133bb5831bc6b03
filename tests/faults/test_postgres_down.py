"""PostgreSQL stopped under a running server (uvicorn with the connection pool, on a cluster of
the test's own): every API call answers a 503 JSON with Retry-After within 3 s, pages a 503 in
the site's own style, and the first request after the database is back succeeds."""

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.faults.servers import ROOT, PostgresCluster, Uvicorn, have, project_env

WITHIN = 3.0  # seconds, whatever is down
SEED = (
    "from tests.accounts.factories import CustomerFactory;"
    "from tests.catalog.factories import ServiceFactory;"
    "from rest_framework_simplejwt.tokens import RefreshToken;"
    "ServiceFactory(name='Deep cleaning');"
    "print(RefreshToken.for_user(CustomerFactory(email='alice@example.com')).access_token)"
)


@pytest.fixture(scope="module")
def own_postgres():
    assert have("pg_createcluster"), "PostgreSQL's cluster tools are needed"
    cluster = PostgresCluster(f"hs_faults_{os.getpid()}")
    cluster.create()
    env = project_env(DATABASE_URL=cluster.url, REDIS_URL=os.environ.get("REDIS_URL", ""))
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    seeded = subprocess.run(
        [*manage, "shell", "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    cluster.token = seeded.stdout.strip().splitlines()[-1]
    yield cluster
    cluster.drop()


@pytest.fixture
def server(own_postgres):
    uvicorn = Uvicorn(
        project_env(
            DATABASE_URL=own_postgres.url,
            REDIS_URL=os.environ.get("REDIS_URL", ""),
            DJANGO_DB_POOL="true",
        )
    )
    uvicorn.start()
    yield uvicorn
    uvicorn.stop()
    if not _up(own_postgres):
        own_postgres.start()


def _up(cluster):
    result = subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(cluster.port)])
    return result.returncode == 0


def timed(method, url, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, timeout=30, allow_redirects=False, **kwargs)
    return response, time.monotonic() - started


def test_with_postgres_down_the_api_is_a_quick_503_and_pages_a_site_503(server, own_postgres):
    bearer = {"Authorization": f"Bearer {own_postgres.token}"}
    assert requests.get(f"{server.url}/api/v1/requests/", headers=bearer, timeout=10).status_code == 200

    own_postgres.stop()
    calls = {
        "list": ("GET", "/api/v1/requests/", {"headers": bearer}),
        "token": ("POST", "/api/v1/auth/token/", {"json": {"email": "alice@example.com", "password": "x"}}),
        "services": ("GET", "/api/v1/services/", {}),
    }
    for name, (method, path, kwargs) in calls.items():
        response, took = timed(method, f"{server.url}{path}", **kwargs)
        assert response.status_code == 503, (name, response.status_code, response.text[:300])
        assert response.headers["Content-Type"] == "application/json", name
        assert response.json() == {
            "code": "database_unavailable",
            "detail": "The service is briefly unavailable. Try again shortly.",
        }
        assert response.headers["Retry-After"] == "5", name
        assert took < WITHIN, (name, took)

    for path in ("/", "/services/"):
        page, took = timed("GET", f"{server.url}{path}")
        assert page.status_code == 503, (path, page.status_code, page.text[:300])
        assert page.headers["Content-Type"].startswith("text/html")
        assert "householdsvc" in page.text and "be right back" in page.text
        assert page.headers["Retry-After"] == "5"
        assert took < WITHIN, (path, took)


def test_the_first_request_after_postgres_returns_succeeds(server, own_postgres):
    bearer = {"Authorization": f"Bearer {own_postgres.token}"}
    assert requests.get(f"{server.url}/api/v1/requests/", headers=bearer, timeout=10).status_code == 200
    own_postgres.stop()
    # Down for a while, with clients knocking: the pool backs off its reconnection attempts
    # (1, 2, 4, 8 s ...), which must not keep it away once the database is back.
    down_since = time.monotonic()
    while time.monotonic() - down_since < 16:
        timed("GET", f"{server.url}/api/v1/requests/", headers=bearer)
        time.sleep(0.5)

    own_postgres.start()
    first, took = timed("GET", f"{server.url}/api/v1/requests/", headers=bearer)
    ready, _ = timed("GET", f"{server.url}/readyz")

    assert first.status_code == 200, (first.status_code, first.text[:300])
    assert took < WITHIN, took
    assert ready.status_code == 200, ready.text
