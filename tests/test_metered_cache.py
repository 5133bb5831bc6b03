"""The project's Redis cache (householdsvc.core.metered_cache) on the real Redis: one client
object per server for the cache's life (Django's own makes one per operation), values as
Django's backend stores them, and a Redis that goes away and comes back is used again."""

import subprocess
import time

import pytest
import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from prometheus_client import REGISTRY

from householdsvc.core import metered_cache
from householdsvc.core.metered_cache import RedisCache
from tests.faults.servers import free_port


def make(location: str, cls=RedisCache):
    return cls(location, {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}})


def test_every_operation_uses_the_same_client(settings):
    cache = make(settings.CACHES["default"]["LOCATION"])

    first = cache._cache.get_client("a")
    cache.set("metered-a", {"n": 1})
    assert cache.get("metered-a") == {"n": 1}
    assert cache._cache.get_client("b", write=True) is first


def test_values_read_back_as_djangos_own_backend_stores_them(settings):
    location = settings.CACHES["default"]["LOCATION"]
    ours, django = make(location), make(location, DjangoRedisCache)

    ours.set("metered-b", [1, "two"], 30)
    django.set("metered-c", 41, 30)
    ours.incr("metered-c")

    assert django.get("metered-b") == [1, "two"]
    assert ours.get_many(["metered-b", "metered-c", "metered-none"]) == {
        "metered-b": [1, "two"],
        "metered-c": 42,
    }
    ours.delete_many(["metered-b", "metered-c"])


def test_get_values_reads_what_was_stored_in_the_order_asked(settings):
    location = settings.CACHES["default"]["LOCATION"]
    cache = RedisCache(location, {"KEY_PREFIX": "metered-test", "OPTIONS": {"socket_timeout": 1}})
    cache.set("metered-d", 7, 30)
    cache.set("metered-e", {"x": [1, 2]}, 30)

    first = cache.get_values(("metered-e", "metered-none", "metered-d"))
    again = cache.get_values(("metered-e", "metered-none", "metered-d"))  # the Redis names kept

    assert first == again == [{"x": [1, 2]}, None, 7]
    assert cache.get_many(["metered-d", "metered-e"]) == {"metered-d": 7, "metered-e": {"x": [1, 2]}}
    cache.delete_many(["metered-d", "metered-e"])


def _sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, {"backend": "redis", **labels}) or 0.0


def test_get_values_is_counted_as_get_many_is(settings):
    cache = make(settings.CACHES["default"]["LOCATION"])
    cache.set("metered-f", "here", 30)
    before = {
        name: _sample(name)
        for name in ("django_cache_get_total", "django_cache_get_hits_total", "django_cache_get_misses_total")
    }
    timed_before = _sample("django_cache_operation_duration_seconds_count", operation="get_many")

    cache.get_values(("metered-f", "metered-none", "metered-none-either"))

    assert _sample("django_cache_get_total") - before["django_cache_get_total"] == 3
    assert _sample("django_cache_get_hits_total") - before["django_cache_get_hits_total"] == 1
    assert _sample("django_cache_get_misses_total") - before["django_cache_get_misses_total"] == 2
    assert _sample("django_cache_operation_duration_seconds_count", operation="get_many") - timed_before == 1
    cache.delete("metered-f")


def test_the_kept_redis_names_stay_within_their_bound(settings, monkeypatch):
    monkeypatch.setattr(metered_cache, "MADE_KEYS_KEPT", 2)
    cache = make(settings.CACHES["default"]["LOCATION"])

    for number in range(5):
        assert cache.get_values((f"metered-none-{number}",)) == [None]

    assert len(cache._made_keys) <= 2


def test_a_redis_that_restarts_is_used_again():
    port = free_port()
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        cache = make(f"redis://127.0.0.1:{port}/0")
        _wait_until_up(port)
        cache.set("k", "before")
        server.terminate()
        server.wait(10)

        with pytest.raises(redis.exceptions.ConnectionError):
            cache.get("k")

        server = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _wait_until_up(port)
        assert cache.get("k") is None  # a new, empty Redis
        cache.set("k", "after")
        assert cache.get("k") == "after"
    finally:
        server.terminate()
        server.wait(10)


def _wait_until_up(port: int) -> None:
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("redis-server did not start")
