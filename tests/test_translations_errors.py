"""Two languages, the services' refusals: the ``detail`` and field messages of a service error
(householdsvc.core.errors) speak the person's language. On the web a Hindi user (language saved
on the profile) gets the refusal as a Hindi flash message; the API answers in the language of
``Accept-Language`` (LocaleMiddleware; a session's user gets their saved one) with the same
English ``code``. An English user still reads the English bytes the API has always sent."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from catalog import services as catalog_services
from householdsvc.core.errors import ServiceError, ValidationFailed
from requests_app.admin_views import describe_error
from requests_app.models import RequestEvent, Status
from tests.requests_app.factories import ServiceRequestFactory
from tests.test_translations_python import compiled, logged_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

CANCEL_REFUSED = {
    "hi": "इस अनुरोध को रद्द करना अभी संभव नहीं: इसकी स्थिति “पूरा हुआ” है।",
    "en-gb": "Cannot cancel this request: it is completed.",
}


@pytest.fixture
def completed(customer, professional):
    return ServiceRequestFactory(
        customer=customer, professional=professional, status=Status.COMPLETED, final_price=Decimal("55.00")
    )


def error_flashes(response) -> list[str]:
    return [str(m) for m in response.context["messages"] if m.level_tag == "error"]


@pytest.mark.parametrize("language", ["hi", "en-gb"])
def test_a_refused_cancel_on_the_web_is_flashed_in_the_users_language(
    compiled,  # noqa: F811
    customer,
    completed,
    language,
):
    events_before = RequestEvent.objects.filter(request=completed).count()

    response = logged_in(customer, language).post(
        reverse("requests_app:cancel", args=[completed.pk]), {"reason": "x"}, follow=True
    )

    completed.refresh_from_db()
    assert completed.status == Status.COMPLETED
    assert RequestEvent.objects.filter(request=completed).count() == events_before
    assert error_flashes(response) == [CANCEL_REFUSED[language]]
    assert CANCEL_REFUSED[language] in response.content.decode()


@pytest.mark.parametrize(("accept_language", "language"), [("hi", "hi"), ("en-GB,en;q=0.8", "en-gb")])
def test_a_refused_cancel_in_the_api_has_the_detail_in_the_asked_language_and_the_code_in_english(
    compiled,  # noqa: F811
    client_for,
    customer,
    completed,
    accept_language,
    language,
):
    response = client_for(customer).post(
        f"/api/v1/requests/{completed.pk}/cancel/", {}, format="json", HTTP_ACCEPT_LANGUAGE=accept_language
    )

    assert response.status_code == 409
    assert response.json() == {"code": "invalid_transition", "detail": CANCEL_REFUSED[language]}


@pytest.mark.parametrize(
    ("accept_language", "detail", "message"),
    [
        ("hi", "अमान्य इनपुट।", "वह समय बीत चुका है।"),
        ("en-gb", "Invalid input.", "That time is in the past."),
    ],
)
def test_an_api_field_message_is_in_the_asked_language(
    compiled,  # noqa: F811
    client_for,
    customer,
    professional,
    accept_language,
    detail,
    message,
):
    booked = ServiceRequestFactory(customer=customer, professional=professional, status=Status.ASSIGNED)

    response = client_for(customer).post(
        f"/api/v1/requests/{booked.pk}/reschedule/",
        {"scheduled_for": "2020-01-01T10:00:00Z"},
        format="json",
        HTTP_ACCEPT_LANGUAGE=accept_language,
    )

    assert response.status_code == 400, response.content
    assert response.json() == {"code": "invalid", "detail": detail, "errors": {"scheduled_for": [message]}}


def test_an_admin_refusal_reads_in_hindi_detail_and_field_message_joined(compiled, admin_user):  # noqa: F811
    with translation.override("hi"), pytest.raises(ServiceError) as refused:
        catalog_services.service_create(actor=admin_user, name="", base_price="-1", time_required_minutes=30)

    assert refused.value.code == "invalid"
    assert describe_error(refused.value) == ("अमान्य इनपुट। नाम ख़ाली नहीं हो सकता। मूल मूल्य ऋणात्मक नहीं हो सकता।")


def test_a_lazy_text_is_rendered_when_the_error_is_raised(compiled):  # noqa: F811
    from django.utils.translation import gettext_lazy

    with translation.override("hi"):
        error = ValidationFailed(
            gettext_lazy("Invalid input."), errors={"name": [gettext_lazy("Write something.")]}
        )

    assert (error.detail, error.errors, str(error)) == ("अमान्य इनपुट।", {"name": ["कुछ लिखें।"]}, "अमान्य इनपुट।")
    assert describe_error(error) == "अमान्य इनपुट। कुछ लिखें।"


def test_the_checker_reports_a_service_errors_literal_detail_and_field_messages():
    from tests.i18n_scan import problems_in

    source = """
from django.utils.translation import gettext
from householdsvc.core import errors


class SlotGone(errors.Conflict):
    pass


def book(problems, errors_of, n):
    if n:
        raise errors.NotFound("No such thing.")
    raise errors.Conflict(gettext("Taken."), code="taken_code")
    raise SlotGone(f"Slot {n} is gone.")
    raise errors.ValidationFailed(gettext("Invalid input."), errors={"when": ["Too late."]})
    raise errors.ValidationFailed(gettext("Invalid input."), errors={k: [gettext("No.")] for k in n})
    problems["name"] = ["Too long."]
    problems.setdefault("name", []).append(f"At most {n}.")
    errors_of["name"] = ["Not a bag we know."]
    raise errors.NotFound(gettext("No such %(x)s.") % {"x": n})
"""

    assert problems_in(source, "things/services.py") == [
        "things/services.py:12: NotFound(literal detail)",
        "things/services.py:14: SlotGone(literal detail)",
        "things/services.py:15: ValidationFailed(errors={...: [literal]})",
        "things/services.py:17: problems[...] = [literal]",
        "things/services.py:18: problems.append(literal)",
    ]
