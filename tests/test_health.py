import pytest


def test_healthz_answers_without_touching_anything(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_database_cache_and_broker_up(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"] == ["database", "cache", "broker"]


@pytest.mark.django_db
def test_readyz_names_what_is_down(client, settings):
    # A real Redis client pointed at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "cache" in response.json()["down"]
    assert "database" not in response.json()["down"]
    # Public: what is down, not where it lives.
    assert "127.0.0.1" not in response.content.decode()


def test_readyz_says_the_database_is_down_without_waiting_out_the_pool(tmp_path):
    # A fresh process, as a deployment runs: the pool's own wait is 60 s, the probe's is short.
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(r.status_code, json.dumps(r.json()))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="householdsvc.settings.test",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
        DJANGO_DB_POOL="true",
        DJANGO_DB_POOL_TIMEOUT="60",
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )

    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503", result.stderr
    assert "database" in body
