"""The public cache: what every anonymous visitor sees the same (the catalogue, the home page),
kept in the Django cache (Redis in production) under a version key, plus HTTP caching headers.

Invalidation is by version, never by deleting keys: every write that changes what the public
sees calls ``bump_public_on_commit()`` in its service, so after the commit the version moves
and every entry made under the old one stops counting at once (an entry records its version;
the version and the entry are read together, in one round trip). The version is read before
the data, so a reader racing a write can at worst store an old answer marked with the old
version, which no reader accepts any more.

A cached answer is shared only by requests that carry no credentials at all (no session
cookie, no messages cookie, no ``Authorization`` header): anything else is rendered for its
user and marked ``Cache-Control: private``. ``ETag`` is the hash of the very body sent;
``Last-Modified`` the later of the version's time and this process's start (a deploy restarts
the processes, so a page cached before a deploy is sent anew).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from functools import lru_cache, wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date, quote_etag
from redis.exceptions import RedisError

from householdsvc.core.transactions import on_commit_robust

logger = logging.getLogger(__name__)

VERSION_KEY = "public:version"
PROCESS_STARTED = time.time()


def public_version() -> int:
    """The current version (nanoseconds since the epoch of the last change), made if missing."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_public() -> None:
    """Every public answer cached so far is out of date from now on."""
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def bump_public_on_commit() -> None:
    """Call in a service's transaction: the version moves once the change is committed (so no
    reader can cache the old rows under the new version), and never if it rolls back."""
    on_commit_robust(bump_public)


def is_shareable(request) -> bool:
    """A request whose answer is the same for every such request: no credentials of any kind."""
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return False
    return "HTTP_AUTHORIZATION" not in request.META


# query_key's answers by the raw query string (and what else goes in), so that a hit parses no
# query string and hashes nothing: a few distinct strings make nearly all the traffic. Emptied
# when full, so that clients sending endless new strings cost memory only up to the bound.
_QUERY_KEYS: dict[tuple, str] = {}
QUERY_KEYS_KEPT = 2048


def query_key(request, *names: str, absolute: bool = False) -> str:
    """The query string reduced to the given parameters, in a fixed order (so ``?a=1&b=2`` and
    ``?b=2&a=1&utm=x`` share an entry), hashed to keep keys short whatever a client sends.
    ``absolute``: the answer holds absolute URLs (an API page's next/previous links), so the
    scheme and host are part of the key too."""
    origin = f"{request.scheme}://{request.get_host()}" if absolute else ""
    # request.GET is made from the raw string by the request's class (WSGI and ASGI decode it
    # differently), hence both in the memo's key.
    memo = (type(request), request.META.get("QUERY_STRING", ""), names, origin)
    key = _QUERY_KEYS.get(memo)
    if key is None:
        pairs = [(name, value) for name in names for value in request.GET.getlist(name)]
        if absolute:
            pairs.append(("@", origin))
        key = hashlib.blake2b(urlencode(pairs).encode(), digest_size=12).hexdigest()
        if len(_QUERY_KEYS) >= QUERY_KEYS_KEPT:
            _QUERY_KEYS.clear()
        _QUERY_KEYS[memo] = key
    return key


def asks_for(request, name: str) -> bool:
    """Whether the query string names the parameter (as ``name in request.GET``), memoised with
    query_key's answers."""
    memo = (type(request), request.META.get("QUERY_STRING", ""), "asks_for", name)
    asked = _QUERY_KEYS.get(memo)
    if asked is None:
        asked = name in request.GET
        if len(_QUERY_KEYS) >= QUERY_KEYS_KEPT:
            _QUERY_KEYS.clear()
        _QUERY_KEYS[memo] = asked
    return asked


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    etag: str
    version: int

    @classmethod
    def of(cls, body: bytes, content_type: str, version: int) -> Entry:
        return cls(body, content_type, quote_etag(hashlib.md5(body).hexdigest()), version)


def entry_key(name: str, key: str) -> str:
    return f"public:{name}:{key}"


def lookup(name: str, key: str) -> tuple[int | None, Entry | None]:
    """(the current version, the entry stored for it or None), in one round trip to Redis:
    the entry is kept under a key of its own and counts only if made under this version.
    Redis down: (None, None), and the caller renders afresh without caching (the pages that
    worked without Redis before the cache still do)."""
    try:
        version, entry = _read_both(entry_key(name, key))
        if version is None:
            return public_version(), None
    except RedisError:
        logger.warning("public cache unavailable: serving %s uncached", name, exc_info=True)
        return None, None
    return version, (entry if entry is not None and entry.version == version else None)


def _read_both(entry_name: str) -> tuple:
    """(the version, the entry) as stored, None for either missing: the project's Redis cache
    reads them with its lean ``get_values``; any other backend (the embedded default's local
    memory, a test's) with ``get_many``."""
    get_values = getattr(cache, "get_values", None)
    if get_values is not None:
        return tuple(get_values((VERSION_KEY, entry_name)))
    found = cache.get_many([VERSION_KEY, entry_name])
    return found.get(VERSION_KEY), found.get(entry_name)


def store_entry(name: str, key: str, entry: Entry) -> None:
    try:
        cache.set(entry_key(name, key), entry, timeout=settings.PUBLIC_CACHE_TTL)
    except RedisError:
        logger.warning("public cache unavailable: %s not stored", name, exc_info=True)


def _last_modified(entry: Entry) -> int:
    return int(max(entry.version // 10**9, PROCESS_STARTED))


# The header values a shared answer carries, each made once by Django's own helpers (on a
# response that has none yet, as a fresh cached answer is) and then reused.
@lru_cache(maxsize=64)
def _http_date(seconds: int) -> str:
    return http_date(seconds)


@lru_cache(maxsize=16)
def _public_cache_control(max_age: int) -> str:
    response = HttpResponse()
    patch_cache_control(response, public=True, max_age=max_age)
    return response["Cache-Control"]


@lru_cache(maxsize=16)
def _vary(vary: tuple[str, ...]) -> str:
    response = HttpResponse()
    patch_vary_headers(response, vary)
    return response["Vary"]


def mark_public(response, entry: Entry, vary: tuple[str, ...]) -> None:
    """On a response without caching headers (a fresh one holding the entry's body)."""
    response["ETag"] = entry.etag
    response["Last-Modified"] = _http_date(_last_modified(entry))
    response["Cache-Control"] = _public_cache_control(settings.PUBLIC_CACHE_MAX_AGE)
    response["Vary"] = _vary(vary)


def mark_private(response, vary: tuple[str, ...]) -> None:
    """Rendered for one user: a browser may keep it, a shared cache never."""
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, vary)


# The request headers get_conditional_response looks at; without any, it returns the response.
CONDITIONAL = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE")


def respond(request, entry: Entry, vary: tuple[str, ...]) -> HttpResponse:
    """The cached answer, or 304 Not Modified if the client's copy is this one."""
    response = HttpResponse(entry.body, content_type=entry.content_type)
    mark_public(response, entry, vary)
    meta = request.META
    if not any(header in meta for header in CONDITIONAL):
        return response
    return get_conditional_response(
        request, etag=entry.etag, last_modified=_last_modified(entry), response=response
    )


def public_page(name: str, *params: str, vary: tuple[str, ...] = ("Cookie",)):
    """Decorate a page view whose anonymous answer depends only on ``params`` of the query
    string and on data guarded by the public version. Anonymous requests are served from the
    cache (filled by the first of them); everybody else gets a fresh, private render."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not is_shareable(request):
                response = view(request, *args, **kwargs)
                mark_private(response, vary)
                return response
            # One shared copy per language (the page is rendered in the visitor's).
            key = f"{query_key(request, *params)}|{translation.get_language()}"
            version, entry = lookup(name, key)
            if entry is not None:
                return respond(request, entry, vary)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response.render()
            # Only a plain 200 with nothing per-visitor in it (a CSRF token would be).
            if (
                version is None
                or response.status_code != 200
                or response.streaming
                or response.cookies
                or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
            ):
                mark_private(response, vary)
                return response
            entry = Entry.of(response.content, response["Content-Type"], version)
            store_entry(name, key, entry)
            return respond(request, entry, vary)

        return wrapper

    return decorate
