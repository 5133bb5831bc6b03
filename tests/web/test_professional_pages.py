"""The professional's pages: offers (the area, never the customer's details), jobs, and the
transitions they make from the job page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from requests_app import services
from requests_app.models import Action, RequestEvent, ServiceRequest, Status
from tests.web.conftest import HOME_ADDRESS, PIN_CODE

pytestmark = pytest.mark.django_db

OFFERS_URL = reverse("requests_app:offers")
JOBS_URL = reverse("requests_app:jobs")


def detail_url(service_request):
    return reverse("requests_app:detail", args=[service_request.pk])


def action_url(name, service_request):
    return reverse(f"requests_app:{name}", args=[service_request.pk])


def levels_and_texts(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


# --- Offers ----------------------------------------------------------------------------------


def test_offers_show_the_area_but_never_the_customers_address_or_phone(
    web_client, professional, customer, open_request
):
    response = web_client(professional).get(OFFERS_URL)

    assert response.status_code == 200
    assert [row.id for row in response.context["rows"]] == [open_request.pk]
    body = response.content.decode()
    assert PIN_CODE in body and open_request.description in body
    assert HOME_ADDRESS not in body
    assert customer.phone not in body and customer.full_name not in body


def test_the_offered_request_page_hides_the_customer_until_accepted(
    web_client, professional, customer, open_request
):
    response = web_client(professional).get(detail_url(open_request))

    body = response.content.decode()
    assert response.status_code == 200
    assert PIN_CODE in body
    assert HOME_ADDRESS not in body and customer.phone not in body and customer.full_name not in body
    assert response.context["actions"]["accept"] and response.context["actions"]["reject"]
    assert not response.context["actions"]["cancel"]


def test_a_professional_of_another_service_is_not_offered_it(web_client, stranger_professional, open_request):
    client = web_client(stranger_professional)

    assert [row.id for row in client.get(OFFERS_URL).context["rows"]] == []
    assert client.get(detail_url(open_request)).status_code == 404
    assert client.post(action_url("accept", open_request)).status_code == 404
    open_request.refresh_from_db()
    assert open_request.status == Status.REQUESTED


def test_offers_keep_a_fixed_number_of_queries(
    web_client, professional, make_request, django_assert_max_num_queries
):
    for n in range(5):
        make_request(description=f"Job {n}")
    client = web_client(professional)

    # session, user with their professional profile and the bell's unread count, the page's
    # rows, their availability (the notice).
    with django_assert_max_num_queries(4):
        response = client.get(OFFERS_URL)
    assert len(response.context["rows"]) == 5


@pytest.mark.parametrize("url_name", ["offers", "jobs"])
def test_a_pending_professional_is_sent_to_the_pending_page(web_client, pending_professional, url_name):
    response = web_client(pending_professional).get(reverse(f"requests_app:{url_name}"))

    assert response.status_code == 302 and response.url == reverse("accounts:pending")


def test_a_rejected_professional_cannot_act_either(web_client, professional, open_request):
    profile = professional.professional_profile
    profile.verification_status = "rejected"
    profile.save(update_fields=["verification_status"])

    response = web_client(professional).post(action_url("accept", open_request))

    open_request.refresh_from_db()
    assert response.url == reverse("accounts:pending")
    assert open_request.status == Status.REQUESTED


@pytest.mark.parametrize("url_name", ["offers", "jobs"])
@pytest.mark.parametrize("user_fixture", ["customer", "admin_user"])
def test_offers_and_jobs_are_for_professionals(request, web_client, url_name, user_fixture):
    user = request.getfixturevalue(user_fixture)

    assert web_client(user).get(reverse(f"requests_app:{url_name}")).status_code == 403


# --- Accept, reject ------------------------------------------------------------------------


def test_accepting_assigns_the_job_and_reveals_the_customer(web_client, professional, customer, open_request):
    response = web_client(professional).post(action_url("accept", open_request), follow=True)

    open_request.refresh_from_db()
    assert open_request.status == Status.ASSIGNED and open_request.professional == professional
    assert response.redirect_chain[-1][0] == detail_url(open_request)
    assert ("success", "You accepted the job. The customer's details are below.") in levels_and_texts(
        response
    )
    body = response.content.decode()
    assert HOME_ADDRESS in body and customer.phone not in body  # the thread is the contact
    # Completing waits until they are on site (with the customer's start code).
    assert response.context["actions"]["start"] and not response.context["actions"]["complete"]


def test_the_slower_professional_is_told_the_job_is_taken(
    web_client, professional, other_professional, open_request
):
    services.service_request_accept(request_id=open_request.pk, professional=other_professional)

    response = web_client(professional).post(action_url("accept", open_request), follow=True)

    open_request.refresh_from_db()
    assert open_request.professional == other_professional
    # They can no longer see the request, so they land back on their offers with the reason.
    assert response.redirect_chain[-1][0] == OFFERS_URL
    [(level, text)] = levels_and_texts(response)
    assert level == "error" and "assigned" in text


def test_turning_an_offer_down_removes_it_from_my_offers(web_client, professional, open_request):
    response = web_client(professional).post(
        action_url("reject", open_request), {"note": "Too far"}, follow=True
    )

    assert response.redirect_chain[-1][0] == OFFERS_URL
    assert [row.id for row in response.context["rows"]] == []
    assert RequestEvent.objects.filter(request=open_request, action=Action.REJECT, note="Too far").exists()
    assert ServiceRequest.objects.get(pk=open_request.pk).status == Status.REQUESTED


# --- Working the job ------------------------------------------------------------------------


def test_my_jobs_lists_the_ones_assigned_to_me(web_client, professional, assigned_request, make_request):
    make_request(description="Not mine yet")

    response = web_client(professional).get(JOBS_URL)

    assert [row.id for row in response.context["rows"]] == [assigned_request.pk]
    assert HOME_ADDRESS in response.content.decode()


def test_my_jobs_are_what_i_may_see_narrowed_to_mine(
    professional, stranger_professional, customer, assigned_request, make_request
):
    from requests_app import selectors

    offered = make_request(description="Offered, not mine yet")
    taken = make_request(description="Taken")
    services.service_request_accept(request_id=taken.pk, professional=professional)

    def mine(user):
        return sorted(selectors.professional_job_list(user=user).values_list("description", flat=True))

    seen = selectors.service_request_list(user=professional)
    assert offered in seen
    narrowed = seen.filter(professional=professional).values_list("description", flat=True)
    assert mine(professional) == sorted(narrowed)
    assert offered.description not in mine(professional) and len(mine(professional)) == 2
    assert mine(stranger_professional) == [] and mine(customer) == []


def test_my_jobs_keep_a_fixed_number_of_queries(
    web_client, professional, make_request, django_assert_max_num_queries
):
    for n in range(5):
        sr = make_request(description=f"Job {n}")
        services.service_request_accept(request_id=sr.pk, professional=professional)
    client = web_client(professional)

    # session, user with their professional profile and the bell's unread count, the page's rows.
    with django_assert_max_num_queries(3):
        response = client.get(JOBS_URL, {"status": "assigned"})
    assert len(response.context["rows"]) == 5
    # Again, the statement now kept (householdsvc.core.page_rows): the same three.
    with django_assert_max_num_queries(3):
        client.get(JOBS_URL, {"status": "assigned"})


def test_start_arrive_complete_walk_the_job_through(web_client, professional, assigned_request):
    client = web_client(professional)

    client.post(action_url("start", assigned_request))
    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.EN_ROUTE and assigned_request.started_at

    client.post(action_url("arrive", assigned_request), {"start_code": assigned_request.start_code})
    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.ON_SITE

    response = client.post(action_url("complete", assigned_request), {"final_price": "62.50"}, follow=True)
    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.COMPLETED
    assert assigned_request.final_price == Decimal("62.50")
    assert ("success", "The job is complete.") in levels_and_texts(response)
    assert "62.50" in response.content.decode()


def test_arriving_before_starting_is_refused_and_changes_nothing(web_client, professional, assigned_request):
    response = web_client(professional).post(action_url("arrive", assigned_request), follow=True)

    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.ASSIGNED and assigned_request.arrived_at is None
    [(level, text)] = levels_and_texts(response)
    assert level == "error" and "assigned" in text
    assert response.redirect_chain[-1][0] == detail_url(assigned_request)


def test_completing_needs_a_sensible_price(web_client, professional, assigned_request):
    client = web_client(professional)

    negative = client.post(action_url("complete", assigned_request), {"final_price": "-1"}, follow=True)
    absurd = client.post(action_url("complete", assigned_request), {"final_price": "99999999"}, follow=True)

    assigned_request.refresh_from_db()
    assert assigned_request.status == Status.ASSIGNED
    assert levels_and_texts(negative)[0][0] == "error"
    assert levels_and_texts(absurd)[0][0] == "error"


def test_another_professional_cannot_work_my_job(web_client, other_professional, assigned_request):
    response = web_client(other_professional).post(action_url("start", assigned_request))

    assigned_request.refresh_from_db()
    assert response.status_code == 404 and assigned_request.status == Status.ASSIGNED


def test_a_customer_cannot_take_professional_actions(web_client, customer, open_request):
    response = web_client(customer).post(action_url("accept", open_request))

    open_request.refresh_from_db()
    assert response.status_code == 403 and open_request.status == Status.REQUESTED


def test_the_offers_page_carries_the_live_list_and_says_when_i_am_unavailable(web_client, professional):
    response = web_client(professional).get(OFFERS_URL)
    body = response.content.decode()
    assert response.context["offers_config"]["socket_path"] == "/ws/offers/"
    assert "tracking/offers.js" in body
    assert 'id="unavailable-notice"' not in body

    professional.professional_profile.is_available = False
    professional.professional_profile.save()
    body = web_client(professional).get(OFFERS_URL).content.decode()
    assert "You are not available for work: no new offers reach you." in body
