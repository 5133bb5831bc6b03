"""The message thread of an assigned request: its customer and professional write, admins
read, others get a 404; read-only once closed or cancelled; bad bodies are a 400; each message
notifies the other side and goes live to both sockets."""

import asyncio

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import channel_layers
from django.test import Client

from accounts.models import Notification
from requests_app import services
from requests_app.models import RequestMessage, Status
from tests.requests_app.factories import ServiceRequestFactory

pytestmark = pytest.mark.django_db


def url(service_request) -> str:
    return f"/api/v1/requests/{service_request.pk}/messages/"


@pytest.fixture
def thread(assigned_request):
    return assigned_request


def test_customer_and_professional_write_and_both_read_in_order(thread, customer, professional, client_for):
    assert client_for(customer).post(url(thread), {"body": "Is 10 am fine?"}).status_code == 201
    answer = client_for(professional).post(url(thread), {"body": "  Yes, see you then.  "})
    assert answer.status_code == 201
    assert answer.json()["body"] == "Yes, see you then."
    for user in (customer, professional):
        bodies = [(m["sender_name"], m["body"]) for m in client_for(user).get(url(thread)).json()["results"]]
        assert bodies == [("Alice", "Is 10 am fine?"), ("Carol", "Yes, see you then.")]


def test_admins_read_but_do_not_write(thread, customer, admin_user, client_for):
    client_for(customer).post(url(thread), {"body": "Hello"})
    assert [m["body"] for m in client_for(admin_user).get(url(thread)).json()["results"]] == ["Hello"]
    refused = client_for(admin_user).post(url(thread), {"body": "Admin here"})
    assert refused.status_code == 403
    assert RequestMessage.objects.count() == 1


def test_other_people_get_a_404(thread, other_customer, other_professional, client_for):
    for user in (other_customer, other_professional):
        assert client_for(user).get(url(thread)).status_code == 404
        assert client_for(user).post(url(thread), {"body": "Hi"}).status_code == 404
    assert RequestMessage.objects.count() == 0


def test_an_unassigned_request_has_no_thread_yet(customer, service, client_for):
    open_request = ServiceRequestFactory(customer=customer, service=service)
    response = client_for(customer).post(url(open_request), {"body": "Anyone?"})
    assert response.status_code == 409
    assert response.json()["code"] == "not_assigned"


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 2001])
def test_empty_or_too_long_messages_are_a_400_and_nothing_is_written(thread, customer, client_for, body):
    response = client_for(customer).post(url(thread), {"body": body})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "body" in response.json()["errors"]
    assert RequestMessage.objects.count() == 0


def test_2000_characters_are_fine(thread, customer, client_for):
    assert client_for(customer).post(url(thread), {"body": "x" * 2000}).status_code == 201


@pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
def test_the_thread_is_read_only_after_the_end(thread, customer, client_for, status):
    client_for(customer).post(url(thread), {"body": "Thanks!"})
    if status == Status.CLOSED:
        professional = thread.professional
        services.service_request_start(request_id=thread.pk, professional=professional)
        services.service_request_arrive(
            request_id=thread.pk, professional=professional, start_code=thread.start_code
        )
        services.service_request_complete(
            request_id=thread.pk, professional=professional, final_price="45.00"
        )
        services.service_request_close(request_id=thread.pk, actor=customer)
    else:
        services.service_request_cancel(request_id=thread.pk, actor=customer)
    refused = client_for(customer).post(url(thread), {"body": "One more"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "thread_closed"
    assert [m["body"] for m in client_for(customer).get(url(thread)).json()["results"]] == ["Thanks!"]


def test_a_message_notifies_the_other_side_once(thread, customer, professional, client_for):
    client_for(customer).post(url(thread), {"body": "Ring twice"})
    notification = Notification.objects.get(recipient=professional)
    assert notification.kind == "message"
    assert notification.title == f"New message on request #{thread.pk} from Alice"
    assert notification.body == "Ring twice"
    assert notification.url == f"/requests/{thread.pk}/"
    assert not Notification.objects.filter(recipient=customer).exists()


def test_a_message_goes_live_to_both_sides_sockets(
    thread, customer, professional, client_for, django_capture_on_commit_callbacks
):
    def send():
        with django_capture_on_commit_callbacks(execute=True):
            client_for(customer).post(url(thread), {"body": "Live!"})

    async def listen_while_sending():
        # A layer of the test's own (through the same Redis), its channel made in this loop as a
        # consumer's would be; the message is sent from the test's thread meanwhile.
        layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
        channel = await layer.new_channel()
        await layer.group_add(f"user_{professional.pk}", channel)
        await sync_to_async(send)()
        events = []
        while True:
            try:
                events.append(await asyncio.wait_for(layer.receive(channel), timeout=1))
            except TimeoutError:
                return events

    received = async_to_sync(listen_while_sending)()
    assert sorted(event["type"] for event in received) == ["chat_message", "unread"]
    chat = next(event for event in received if event["type"] == "chat_message")
    assert chat["message"]["body"] == "Live!"
    assert chat["message"]["sender_name"] == "Alice"
    assert chat["message"]["request_id"] == thread.pk


def test_the_request_page_shows_the_panel_to_the_two_sides_only(thread, customer, professional, admin_user):
    client_for_page = Client()
    client_for_page.force_login(customer)
    page = client_for_page.get(f"/requests/{thread.pk}/").content.decode()
    assert 'id="messages"' in page and 'id="message-form"' in page
    client_for_page.force_login(admin_user)
    admin_page = client_for_page.get(f"/requests/{thread.pk}/").content.decode()
    assert 'id="messages"' in admin_page and 'id="message-form"' not in admin_page


def test_the_page_form_sends_without_javascript(thread, customer):
    client = Client()
    client.force_login(customer)
    response = client.post(f"/requests/{thread.pk}/messages/", {"body": "From the form"})
    assert response.status_code == 302
    assert RequestMessage.objects.get().body == "From the form"
    too_long = client.post(f"/requests/{thread.pk}/messages/", {"body": "y" * 2001}, follow=True)
    assert "At most 2000 characters (2001 given)." in too_long.content.decode()


def test_the_list_is_paginated_in_few_queries(thread, customer, client_for, django_assert_max_num_queries):
    for number in range(5):
        RequestMessage.objects.create(request=thread, sender=customer, body=f"m{number}")
    client = client_for(customer)
    with django_assert_max_num_queries(5):
        response = client.get(url(thread))
    assert [m["body"] for m in response.json()["results"]] == ["m0", "m1", "m2", "m3", "m4"]
