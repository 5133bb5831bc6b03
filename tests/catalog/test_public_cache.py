"""The public cache (householdsvc/core/cache.py): the catalogue API, the catalogue page and the
home page served from Redis to anonymous visitors, invalidated at once by every write that
changes them, with ETag / Last-Modified / Cache-Control, and never shared with a logged-in user.

The writes go through the services with their on-commit callbacks run, as in production (the
test's transaction never commits, so the callbacks are captured and run by hand)."""

import pytest

from accounts import services as account_services
from catalog import services as catalog_services
from householdsvc.core.cache import public_version
from tests.accounts.factories import ProfessionalFactory
from tests.catalog.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/services/?search=clean"


def names(response):
    return [row["name"] for row in response.json()["results"]]


def test_a_repeated_anonymous_search_is_served_from_the_cache(api_client, service, django_assert_num_queries):
    first = api_client.get(SEARCH)

    with django_assert_num_queries(0):
        second = api_client.get(SEARCH)

    assert names(first) == ["Deep cleaning"]
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"


def test_a_service_edit_is_visible_at_once(
    api_client, client, service, admin_user, django_capture_on_commit_callbacks
):
    assert names(api_client.get(SEARCH)) == ["Deep cleaning"]
    assert "Deep cleaning" in client.get("/services/").content.decode()
    assert "Deep cleaning" in client.get("/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.service_update(service_id=service.pk, actor=admin_user, name="Deep clean and shine")

    assert names(api_client.get(SEARCH)) == ["Deep clean and shine"]
    assert "Deep clean and shine" in client.get("/services/").content.decode()
    assert "Deep clean and shine" in client.get("/").content.decode()


def test_a_new_and_a_deactivated_service_show_at_once(
    api_client, service, admin_user, django_capture_on_commit_callbacks
):
    assert names(api_client.get(SEARCH)) == ["Deep cleaning"]

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.service_create(
            actor=admin_user, name="Window cleaning", base_price="30.00", time_required_minutes=45
        )
    assert names(api_client.get(SEARCH)) == ["Deep cleaning", "Window cleaning"]

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.service_update(service_id=service.pk, actor=admin_user, is_active=False)
    assert names(api_client.get(SEARCH)) == ["Window cleaning"]


def test_a_failed_write_leaves_the_version_alone(service, admin_user, django_capture_on_commit_callbacks):
    before = public_version()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception):  # noqa: B017
        catalog_services.service_update(service_id=service.pk, actor=admin_user, base_price="-1")

    assert public_version() == before


def test_approving_and_blocking_a_professional_changes_the_pin_code_search_at_once(
    api_client, client, service, pending_professional, admin_user, django_capture_on_commit_callbacks
):
    pending_professional.professional_profile.pin_code = "560077"
    pending_professional.professional_profile.save(update_fields=["pin_code"])
    by_pin = "/api/v1/services/?pin_code=560077"
    assert names(api_client.get(by_pin)) == []
    assert "Deep cleaning" not in client.get("/services/?pin_code=560077").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        account_services.professional_approve(professional_id=pending_professional.pk, actor=admin_user)
    assert names(api_client.get(by_pin)) == ["Deep cleaning"]
    assert "Deep cleaning" in client.get("/services/?pin_code=560077").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        account_services.user_block(user_id=pending_professional.pk, actor=admin_user, reason="fraud")
    assert names(api_client.get(by_pin)) == []
    assert "Deep cleaning" not in client.get("/services/?pin_code=560077").content.decode()


def test_a_professional_changing_pin_code_or_availability_moves_the_version(
    professional, django_capture_on_commit_callbacks
):
    first = public_version()
    with django_capture_on_commit_callbacks(execute=True):
        account_services.profile_update(user=professional, is_available=False)
    second = public_version()
    with django_capture_on_commit_callbacks(execute=True):
        account_services.profile_update(user=professional, pin_code="560099")

    assert first != second != public_version()


def test_anonymous_answers_carry_http_caching_headers_and_revalidate(
    api_client, service, admin_user, django_capture_on_commit_callbacks
):
    response = api_client.get(SEARCH)

    assert response["Cache-Control"] == "public, max-age=10"
    assert response["Vary"] == "Accept, Authorization, Cookie, Accept-Language"
    assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT")
    not_modified = api_client.get(SEARCH, HTTP_IF_NONE_MATCH=response["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    since = api_client.get(SEARCH, HTTP_IF_MODIFIED_SINCE=response["Last-Modified"])
    assert since.status_code == 304

    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.service_update(service_id=service.pk, actor=admin_user, base_price="55.00")
    changed = api_client.get(SEARCH, HTTP_IF_NONE_MATCH=response["ETag"])

    assert changed.status_code == 200
    assert changed.json()["results"][0]["base_price"] == "55.00"
    assert changed["ETag"] != response["ETag"]


@pytest.mark.parametrize("path", ["/", "/services/", "/services/?search=clean"])
def test_anonymous_pages_carry_http_caching_headers_and_revalidate(client, service, path):
    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=10"
    assert response["Vary"] == "Cookie, Accept-Language"
    assert client.get(path, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_an_admins_catalogue_is_never_shared(client_for, api_client, service, admin_user):
    ServiceFactory(name="Retired cleaning", is_active=False)
    admin = client_for(admin_user)

    as_admin = admin.get(SEARCH)
    anonymous = api_client.get(SEARCH)
    as_admin_again = admin.get(SEARCH)

    assert names(as_admin) == names(as_admin_again) == ["Deep cleaning", "Retired cleaning"]
    assert as_admin["Cache-Control"] == "private, no-cache"
    assert "ETag" not in as_admin
    assert names(anonymous) == ["Deep cleaning"]


def test_a_logged_in_user_gets_the_catalogue_privately(client_for, api_client, customer, service):
    api_client.get(SEARCH)  # cached for the anonymous

    response = client_for(customer).get(SEARCH)

    assert names(response) == ["Deep cleaning"]
    assert response["Cache-Control"] == "private, no-cache"


def test_the_next_link_of_a_cached_page_names_the_host_that_asked(api_client):
    ServiceFactory.create_batch(25)

    here = api_client.get("/api/v1/services/", HTTP_HOST="localhost").json()["next"]
    there = api_client.get("/api/v1/services/", HTTP_HOST="127.0.0.1").json()["next"]

    assert here == "http://localhost/api/v1/services/?page=2"
    assert there == "http://127.0.0.1/api/v1/services/?page=2"


@pytest.mark.parametrize("path", ["/", "/services/"])
def test_a_logged_in_page_is_neither_shared_nor_served_from_the_shared_copy(client, customer, service, path):
    anonymous_before = client.get(path).content.decode()
    client.force_login(customer)

    mine = client.get(path)
    client.logout()
    anonymous_after = client.get(path).content.decode()

    assert "Alice" in mine.content.decode() and "Log out" in mine.content.decode()
    assert mine["Cache-Control"] == "private, no-cache"
    assert "Alice" not in anonymous_before and "Alice" not in anonymous_after
    assert "Sign up" in anonymous_after
    assert "csrfmiddlewaretoken" not in anonymous_after


@pytest.mark.parametrize("cookie", ["sessionid", "messages"])
def test_a_visitor_with_a_session_or_messages_is_not_served_the_shared_copy(client, service, cookie):
    client.get("/")  # the shared copy exists
    client.cookies[cookie] = "something-of-theirs"

    response = client.get("/")

    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response


def test_professionals_by_pin_code_come_from_the_professional_search_not_the_cache(
    client_for, customer, service
):
    # The public cache keeps the catalogue only: the professional search is per user.
    ProfessionalFactory(professional_profile__service=service, professional_profile__pin_code="560011")

    response = client_for(customer).get("/api/v1/professionals/?pin_code=560011")

    assert response.status_code == 200
    assert "ETag" not in response


def test_an_answer_stored_late_under_an_old_version_is_never_served(api_client, service):
    # A reader that read the version, then lost the race to a write, stores its old answer.
    from householdsvc.core.cache import Entry, bump_public, lookup, query_key, store_entry

    old_version = public_version()
    bump_public()
    request = api_client.get(SEARCH).wsgi_request
    key = query_key(request, "search", "kind", "pin_code", "page", "page_size", absolute=True)
    store_entry("services", key, Entry.of(b'{"results": ["stale"]}', "application/json", old_version))

    assert lookup("services", key) == (public_version(), None)
    assert names(api_client.get(SEARCH)) == ["Deep cleaning"]


@pytest.fixture
def redis_down(settings):
    """The cache pointed at a port nobody listens on (bound, then closed: free, and refused)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.mark.parametrize("path", ["/", "/services/", SEARCH])
def test_with_redis_down_the_public_answers_are_served_uncached(redis_down, client, service, path):
    response = client.get(path)

    assert response.status_code == 200
    assert "Deep cleaning" in response.content.decode()
    assert response["Cache-Control"] == "private, no-cache"
    assert "ETag" not in response
