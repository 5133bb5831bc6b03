"""The nav bell's unread count comes from the cache until a committed write changes it, and
one user's count is never another's."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.notifications import notify

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


def test_a_second_page_asks_the_database_no_count(customer):
    client = logged_in(customer)
    with CaptureQueriesContext(connection) as first:
        client.get(PAGE)
    with CaptureQueriesContext(connection) as second:
        client.get(PAGE)

    def counts(queries):
        return [q["sql"] for q in queries if 'FROM "accounts_notification"' in q["sql"]]

    assert len(counts(first.captured_queries)) == 1
    assert counts(second.captured_queries) == []


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


def test_a_write_that_never_committed_leaves_the_count_as_it_was(customer):
    client = logged_in(customer)
    assert bell(client) == '<span id="bell-count" class="badge">0</span>'
    # No commit here (the test's transaction): the version stays, and so does the answer the
    # page was given, as another process would see it until the commit.
    notify(recipient=customer, kind="offer", key="e", title="Uncommitted")
    assert bell(client) == '<span id="bell-count" class="badge">0</span>'
