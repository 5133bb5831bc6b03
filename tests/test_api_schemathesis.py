"""Schemathesis against the project's own OpenAPI schema, in process (WSGI), as an admin: for
generated valid and invalid input, no 5xx, every status code and body as the schema says.

Bounded (a few derandomised examples per operation) so it runs in seconds and gives the same
cases every run. It covers every endpoint under /api/v1/.
"""

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

# Documented, so checked; not checked: business rules the schema cannot say (a customer's
# sign-up with a professional's fields is a 400) and the leniency of empty query values.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OURS = r"^/api/v1/"


# Loaded once at collection, through the app itself (the schema view needs no database).
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler()).include(path_regex=OURS)


@pytest.fixture(autouse=True)
def _keep_the_test_connection(db):
    # As Django's test client does: the handler would close the test's connection at the end of
    # each request, inside the transaction the test runs in.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(admin_user, service, professional, pending_professional):
    return str(RefreshToken.for_user(admin_user).access_token)


@schema.parametrize()
@settings(
    max_examples=2,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_bad_input_is_a_documented_4xx_and_every_answer_matches_the_schema(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"}, checks=CHECKS)
