"""The public cache's hit path (householdsvc.core.cache) does less than it did: a query string
seen before is neither parsed nor hashed again, the caching headers are made once, Django's
conditional checks run only for a request that asks one. Every answer and header stays what it
was: these tests say what a visitor gets, on the first request and on the ones served from the
cache."""

import pytest

from householdsvc.core import cache as public_cache
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/services/?search=clean"
# A day long before any version or process start: every cached answer is modified since.
LONG_AGO = "Mon, 01 Jan 2001 00:00:00 GMT"


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_the_same_filters_in_any_order_share_one_answer(api_client, service, django_assert_num_queries):
    ServiceFactory(name="Window cleaning", kind="dispatch")
    first = api_client.get("/api/v1/services/?search=clean&kind=at_address")

    with django_assert_num_queries(0):
        again = api_client.get("/api/v1/services/?kind=at_address&utm_source=mail&search=clean")
        once_more = api_client.get("/api/v1/services/?kind=at_address&utm_source=mail&search=clean")

    assert names(first) == names(again) == names(once_more) == ["Deep cleaning"]
    assert again["ETag"] == first["ETag"]


def test_a_query_string_seen_before_still_gets_its_own_answer(api_client, service):
    ServiceFactory(name="Plumbing repair", kind="at_address")

    asked = [names(api_client.get(f"/api/v1/services/?search={word}")) for word in ("clean", "plumb") * 2]

    assert asked == [["Deep cleaning"], ["Plumbing repair"], ["Deep cleaning"], ["Plumbing repair"]]


def test_a_format_asked_by_name_is_honoured_every_time(api_client, service):
    api_client.get(SEARCH)  # the JSON answer is cached

    browsable = [api_client.get(f"{SEARCH}&format=api") for _ in range(2)]

    for response in browsable:
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Cache-Control"] == "private, no-cache"
        assert "ETag" not in response


def test_endless_new_query_strings_are_remembered_only_up_to_the_bound(api_client, service, monkeypatch):
    monkeypatch.setattr(public_cache, "QUERY_KEYS_KEPT", 3)
    public_cache._QUERY_KEYS.clear()

    answers = [names(api_client.get(f"{SEARCH}&utm_campaign={number}")) for number in range(10)]

    assert answers == [["Deep cleaning"]] * 10
    assert len(public_cache._QUERY_KEYS) <= 3


@pytest.mark.parametrize("path", [SEARCH, "/", "/services/"])
def test_a_hit_carries_the_headers_of_the_answer_that_filled_the_cache(client, service, path):
    filled = client.get(path)
    hit = client.get(path)

    assert hit.content == filled.content
    assert hit["ETag"] == filled["ETag"]
    assert hit["Last-Modified"] == filled["Last-Modified"]
    assert hit["Last-Modified"].endswith(" GMT")
    assert hit["Cache-Control"] == filled["Cache-Control"] == "public, max-age=10"
    assert hit["Vary"] == filled["Vary"]
    assert hit["Content-Language"] == filled["Content-Language"] == "en-gb"
    assert hit["X-Frame-Options"] == "DENY"


def test_a_changed_max_age_shows_on_the_next_answer(api_client, service, settings):
    assert api_client.get(SEARCH)["Cache-Control"] == "public, max-age=10"

    settings.PUBLIC_CACHE_MAX_AGE = 30

    assert api_client.get(SEARCH)["Cache-Control"] == "public, max-age=30"


@pytest.mark.parametrize("path", [SEARCH, "/"])
@pytest.mark.parametrize(
    ("header", "value", "status"),
    [
        ("HTTP_IF_NONE_MATCH", "*", 304),
        ("HTTP_IF_MATCH", '"not-this-one"', 412),
        ("HTTP_IF_UNMODIFIED_SINCE", LONG_AGO, 412),
        ("HTTP_IF_MODIFIED_SINCE", LONG_AGO, 200),
    ],
)
def test_every_conditional_header_is_still_honoured_on_a_hit(client, service, path, header, value, status):
    client.get(path)  # cached

    response = client.get(path, **{header: value})

    assert response.status_code == status
