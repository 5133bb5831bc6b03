"""Settings modules loaded in a fresh process, as a deployment or `make run` would."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Variables a developer's shell or the test run may hold, which would hide what we check.
CLEARED = (
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_DEBUG",
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "CELERY_BROKER_URL",
    "CELERY_TASK_ALWAYS_EAGER",
    # set by the browser tests' conftest for Playwright; a deployment never has it
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run(args, settings_module, **env):
    environment = {key: value for key, value in os.environ.items() if key not in CLEARED}
    environment.update(DJANGO_SETTINGS_MODULE=settings_module, **env)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run(
        ["manage.py", "check"], "householdsvc.settings.production", DJANGO_ALLOWED_HOSTS="example.com"
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = run(
        ["manage.py", "check"],
        "householdsvc.settings.production",
        DJANGO_SECRET_KEY="too-short",
        DJANGO_ALLOWED_HOSTS="example.com",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run(
        ["manage.py", "check"],
        "householdsvc.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
    )

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr


PRODUCTION_SERVICES = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/householdsvc",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


@pytest.mark.parametrize("missing", sorted(PRODUCTION_SERVICES))
def test_production_refuses_to_start_on_the_embedded_defaults(missing):
    services = {name: url for name, url in PRODUCTION_SERVICES.items() if name != missing}
    result = run(
        ["manage.py", "check"],
        "householdsvc.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.com",
        **services,
    )

    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_production_deploy_check_is_clean_with_everything_set():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        "householdsvc.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="example.com",
        **PRODUCTION_SERVICES,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_local_settings_with_nothing_set_run_embedded():
    probe = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'db': s.DATABASES['default']['ENGINE'], 'cache': s.CACHES['default']['BACKEND'],"
        "'eager': s.CELERY_TASK_ALWAYS_EAGER, 'channels': s.CHANNEL_LAYERS['default']['BACKEND'],"
        "'email': s.EMAIL_BACKEND, 'debug': s.DEBUG}))"
    )

    result = run(["-c", probe], "householdsvc.settings.local")

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded == {
        "db": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "channels": "channels.layers.InMemoryChannelLayer",
        "email": "django.core.mail.backends.console.EmailBackend",
        # A visitor of `make run` gets the site's error pages, not Django's debug page.
        "debug": False,
    }


def test_local_settings_turn_debug_on_for_a_developer_who_asks():
    probe = "import django; django.setup(); from django.conf import settings as s; print(s.DEBUG)"

    result = run(["-c", probe], "householdsvc.settings.local", DJANGO_DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"
