"""The header's links, as each visitor sees them (accounts/templatetags/site_nav.py): the links of
their role in order, the bell, their name and email, a working log-out form; the visitor's own
values escaped; labels in the visitor's language."""

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def nav(client, path="/services/") -> str:
    page = client.get(path).content.decode()
    return page[page.index('<nav class="site-nav"') : page.index("</nav>")]


def links(html: str) -> list[tuple[str, str]]:
    """(href, visible label) of each link and button of the nav."""
    found = re.findall(
        r'<(?:a|form)[^>]*(?:href|action)="([^"]*)"[^>]*>.*?<span[^>]*>([^<]*)</span>', html, re.S
    )
    return [(href, label) for href, label in found]


def test_a_visitor_sees_the_services_log_in_and_sign_up():
    html = nav(Client())

    assert links(html) == [
        ("/services/", "Services"),
        ("/accounts/login/", "Log in"),
        ("/accounts/signup/", "Sign up"),
    ]
    assert 'id="bell"' not in html
    assert "csrfmiddlewaretoken" not in html


def test_a_customer_sees_their_requests_the_booking_and_the_bell(web_client, customer):
    html = nav(web_client(customer))

    assert links(html) == [
        ("/services/", "Services"),
        ("/requests/", "My requests"),
        ("/requests/new/", "New request"),
        ("/accounts/notifications/", "0"),
        ("/accounts/profile/", customer.full_name.split(" ")[0]),
        ("/accounts/logout/", "Log out"),
    ]
    assert f'title="{customer.email} (Customer)"' in html
    assert 'aria-label="Notifications, 0 unread"' in html
    assert '<script type="module" src="/static/accounts/bell.js"></script>' in html


def test_a_professional_sees_offers_jobs_earnings_week_schedule_and_verification(web_client, professional):
    html = nav(web_client(professional))

    assert [href for href, _label in links(html)] == [
        "/services/",
        "/requests/offers/",
        "/requests/jobs/",
        "/requests/earnings/",
        "/requests/schedule/week/",
        "/requests/schedule/",
        "/accounts/notifications/",
        "/accounts/pending/",
        "/accounts/profile/",
        "/accounts/logout/",
    ]
    assert '<span class="label phone-label">Offers</span>' in html
    assert 'title="My schedule"' in html


def test_an_admin_sees_all_requests_and_the_back_office(web_client, admin_user):
    html = nav(web_client(admin_user))

    hrefs = [href for href, _label in links(html)]
    assert hrefs == [
        "/services/",
        "/requests/",
        "/accounts/notifications/",
        "/admin/",
        "/accounts/profile/",
        "/accounts/logout/",
    ]
    assert ("/requests/", "Requests") in links(html)


def test_the_bell_counts_the_unread_notifications(web_client, customer):
    from accounts.notifications import notify

    notify(recipient=customer, kind="request_status", key="assigned", title="A professional is coming")

    html = nav(web_client(customer))

    assert '<span id="bell-count" class="badge">1</span>' in html
    assert 'aria-label="Notifications, 1 unread"' in html


def test_the_bell_is_counted_with_the_session_user_and_changes_at_once(
    web_client, customer, monkeypatch, django_assert_max_num_queries
):
    from accounts import notifications
    from accounts.templatetags import site_nav

    def no_cache(**_):
        raise AssertionError("the bell asked the cache")

    monkeypatch.setattr(site_nav, "cached_unread_count", no_cache)
    client = web_client(customer)
    first = notifications.notify(recipient=customer, kind="request_status", key="a", title="Assigned")
    notifications.notify(recipient=customer, kind="request_status", key="b", title="On the way")

    # The session, its user with the count, the page's preferences: nothing for the nav.
    with django_assert_max_num_queries(3):
        html = client.get("/accounts/notifications/preferences/").content.decode()
    assert '<span id="bell-count" class="badge">2</span>' in html

    notifications.notification_mark_read(user=customer, notification_id=first.pk)
    assert '<span id="bell-count" class="badge">1</span>' in nav(client)
    notifications.notifications_mark_all_read(user=customer)
    assert '<span id="bell-count" class="badge">0</span>' in nav(client)
    notifications.notify(recipient=customer, kind="request_status", key="c", title="Arrived")
    assert 'aria-label="Notifications, 1 unread"' in nav(client)


def test_another_users_notifications_are_not_counted(web_client, customer, other_customer):
    from accounts.notifications import notify

    notify(recipient=other_customer, kind="request_status", key="a", title="For Bob")

    assert '<span id="bell-count" class="badge">0</span>' in nav(web_client(customer))
    assert '<span id="bell-count" class="badge">1</span>' in nav(web_client(other_customer))


def test_the_visitors_own_values_are_escaped(web_client, customer):
    customer.full_name = "<b>Eve</b> O'Hara"
    customer.save(update_fields=["full_name"])

    html = nav(web_client(customer))

    assert "<b>Eve</b>" not in html
    assert '<span class="label secondary-label">&lt;b&gt;Eve&lt;/b&gt;</span>' in html


def test_the_nav_is_in_the_readers_language(web_client, customer):
    customer.language = "hi"
    customer.save(update_fields=["language"])

    html = nav(web_client(customer))

    assert '<span class="label secondary-label">सेवाएँ</span>' in html
    assert "My requests" not in html


def test_the_log_out_form_carries_a_token_the_site_accepts(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    html = nav(client)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    response = client.post("/accounts/logout/", {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert client.get("/requests/").status_code == 302  # logged out: sent to the log-in page


def footer_form(client, path) -> str:
    page = client.get(path).content.decode()
    start = page.index('<form action="/accounts/language/"')
    return page[start : page.index("</form>", start)]


def test_a_visitors_language_form_returns_to_the_page_and_carries_no_token():
    form = footer_form(Client(), '/services/?q=a&b="')

    assert '<input name="next" type="hidden" value="/services/?q=a&amp;b=%22">' in form
    assert "csrfmiddlewaretoken" not in form
    assert '<option value="en-gb" lang="en-gb" selected>English</option>' in form
    assert '<option value="hi" lang="hi">हिन्दी</option>' in form


def test_a_users_language_form_carries_a_token_and_changes_their_language(customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    form = footer_form(client, "/requests/?page=2")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(
        "/accounts/language/", {"language": "hi", "next": "/requests/", "csrfmiddlewaretoken": token}
    )

    assert '<input name="next" type="hidden" value="/requests/?page=2">' in form
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.language == "hi"
    assert '<option value="hi" lang="hi" selected>' in footer_form(client, "/requests/")


def test_the_profiles_language_form_has_its_own_id(web_client, customer):
    page = web_client(customer).get("/accounts/profile/").content.decode()

    assert '<select name="language" id="profile-language">' in page
    assert '<select name="language" id="language-choice">' in page  # the footer's
