"""The nav bell's unread count: counted with the session's user in the query that reads them
(accounts.backends), so always the database's; one user's count is never another's. A user not
read that way has it from the cache (``cached_unread_count``) until a committed write changes it."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.notifications import cached_unread_count, notify

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_commit_per_request")]

PAGE = "/accounts/profile/"


def bell(client) -> str:
    page = client.get(PAGE).content.decode()
    start = page.index('<span id="bell-count"')
    return page[start : page.index("</span>", start) + len("</span>")]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_user_sees_their_own_count_first_and_from_the_cache(
    customer, other_customer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=customer, kind="offer", key="a", title="One")
        notify(recipient=customer, kind="offer", key="b", title="Two")
    alice, bob = logged_in(customer), logged_in(other_customer)

    for _ in range(2):
        assert bell(alice) == '<span id="bell-count" class="badge">2</span>'
        assert bell(bob) == '<span id="bell-count" class="badge">0</span>'


def test_the_count_is_no_query_of_its_own(customer):
    client = logged_in(customer)
    for _ in range(2):
        with CaptureQueriesContext(connection) as page:
            client.get(PAGE)

        counts = [q["sql"] for q in page.captured_queries if 'FROM "accounts_notification"' in q["sql"]]
        (user_query,) = counts
        assert user_query.startswith('SELECT "accounts_user"."id"')


def test_a_committed_notification_and_marking_read_move_the_count(
    customer, other_customer, django_capture_on_commit_callbacks
):
    alice, bob = logged_in(customer), logged_in(other_customer)
    assert bell(alice) == '<span id="bell-count" class="badge">0</span>'
    assert bell(bob) == '<span id="bell-count" class="badge">0</span>'

    with django_capture_on_commit_callbacks(execute=True):
        first = notify(recipient=customer, kind="offer", key="c", title="Three")
    assert bell(alice) == '<span id="bell-count" class="badge">1</span>'
    assert bell(bob) == '<span id="bell-count" class="badge">0</span>'

    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=other_customer, kind="offer", key="d", title="Bob's")
    assert bell(alice) == '<span id="bell-count" class="badge">1</span>'
    assert bell(bob) == '<span id="bell-count" class="badge">1</span>'

    alice.post(f"/accounts/notifications/{first.pk}/read/")
    assert bell(alice) == '<span id="bell-count" class="badge">0</span>'
    assert bell(bob) == '<span id="bell-count" class="badge">1</span>'

    bob.post("/accounts/notifications/read-all/")
    assert bell(bob) == '<span id="bell-count" class="badge">0</span>'


def test_a_write_that_never_committed_leaves_the_cached_count_as_it_was(
    customer, django_capture_on_commit_callbacks
):
    assert cached_unread_count(user_id=customer.pk) == 0
    # No commit here (the test's transaction): the version stays, and so does the answer the
    # cache was given, as another process would see it until the commit.
    notify(recipient=customer, kind="offer", key="e", title="Uncommitted")
    assert cached_unread_count(user_id=customer.pk) == 0
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipient=customer, kind="offer", key="f", title="Committed")
    assert cached_unread_count(user_id=customer.pk) == 2
