"""Django's Redis cache, timed and counted for /metrics: every read counted as a hit or a miss
(django-prometheus' own counters, ``django_cache_get_hits_total`` …, labelled
``backend="redis"``), and each operation's latency in ``django_cache_operation_duration_seconds``.

django-prometheus' Redis backends subclass django-redis, which this project does not use: this
one keeps Django's built-in ``RedisCache`` (its options, its errors) and only adds the figures,
and keeps its ``redis.Redis`` client object: Django makes a new one for every operation, whose
``__init__`` (copying the command callbacks) cost as much as the round trip to Redis.
"""

from __future__ import annotations

import time
from contextlib import contextmanager

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django_prometheus.cache.metrics import (
    django_cache_get_fail_total,
    django_cache_get_total,
    django_cache_hits_total,
    django_cache_misses_total,
)
from prometheus_client import Histogram

BACKEND = "redis"
CACHE_SECONDS = Histogram(
    "django_cache_operation_duration_seconds",
    "Time a cache operation took, failures included.",
    ["backend", "operation"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
_MISSING = object()


@contextmanager
def _timed(operation: str, *, reads: int = 0):
    started = time.perf_counter()
    try:
        yield
    except Exception:
        if reads:
            django_cache_get_fail_total.labels(backend=BACKEND).inc(reads)
        raise
    finally:
        CACHE_SECONDS.labels(BACKEND, operation).observe(time.perf_counter() - started)


class KeptClientRedisCacheClient(RedisCacheClient):
    """One ``redis.Redis`` per server, made on first use. A client is safe to share between
    threads (it takes a connection from its pool per command); the cache object itself is
    per thread anyway (django.core.cache.caches)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


# Redis names of keys read over and over (get_values), per cache; emptied when full.
MADE_KEYS_KEPT = 4096


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClientRedisCacheClient
        self._made_keys: dict[str, str] = {}

    def get(self, key, default=None, version=None):
        django_cache_get_total.labels(backend=BACKEND).inc()
        with _timed("get", reads=1):
            value = super().get(key, _MISSING, version)
        if value is _MISSING:
            django_cache_misses_total.labels(backend=BACKEND).inc()
            return default
        django_cache_hits_total.labels(backend=BACKEND).inc()
        return value

    def get_many(self, keys, version=None):
        keys = list(keys)
        django_cache_get_total.labels(backend=BACKEND).inc(len(keys))
        with _timed("get_many", reads=len(keys)):
            found = super().get_many(keys, version)
        django_cache_hits_total.labels(backend=BACKEND).inc(len(found))
        django_cache_misses_total.labels(backend=BACKEND).inc(len(keys) - len(found))
        return found

    def get_values(self, keys: tuple[str, ...]) -> list:
        """``get_many`` for a few keys read on every request (the public cache's version and
        entry): their values in the keys' order, None where missing, in one MGET, counted as
        ``get_many`` is. Each key's Redis name is made (and validated, a walk over its
        characters) once and kept, and the answer skips get_many's dictionaries from and back
        to the keys: on a page served from the cache these were most of what a read of two keys
        cost above a read of one."""
        made = self._made_keys
        names = []
        for key in keys:
            name = made.get(key)
            if name is None:
                if len(made) >= MADE_KEYS_KEPT:
                    made.clear()
                name = made[key] = self.make_and_validate_key(key)
            names.append(name)
        django_cache_get_total.labels(backend=BACKEND).inc(len(names))
        with _timed("get_many", reads=len(names)):
            stored = self._cache.get_client(None).mget(names)
            loads = self._cache._serializer.loads
            values = [None if value is None else loads(value) for value in stored]
        hits = len(stored) - stored.count(None)  # as get_many: a stored None is found
        django_cache_hits_total.labels(backend=BACKEND).inc(hits)
        django_cache_misses_total.labels(backend=BACKEND).inc(len(values) - hits)
        return values

    def set(self, *args, **kwargs):
        with _timed("set"):
            return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        with _timed("add"):
            return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        with _timed("incr"):
            return super().incr(*args, **kwargs)

    def delete(self, *args, **kwargs):
        with _timed("delete"):
            return super().delete(*args, **kwargs)
