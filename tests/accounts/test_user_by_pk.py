"""accounts.selectors.user_by_pk: the bearer-token authentication's read of the user row, the
same instance as ``User.objects.get(pk=...)`` in one query; and the authentication still
refuses at once what the row says (blocked, deleted, tokens ended)."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts import selectors, services
from accounts.authentication import JWTAuthentication
from accounts.models import User
from accounts.tokens import RefreshToken, access_tokens_end

pytestmark = pytest.mark.django_db
ME = "/api/v1/me/"


def fields(user):
    return {field.attname: getattr(user, field.attname) for field in User._meta.concrete_fields}


def test_the_same_user_as_the_orms_in_one_query(professional, django_assert_num_queries):
    User.objects.filter(pk=professional.pk).update(language="hi")
    with django_assert_num_queries(1):
        user = selectors.user_by_pk(professional.pk)
    expected = User.objects.get(pk=professional.pk)
    assert fields(user) == fields(expected)
    assert user == expected
    assert not user._state.adding
    assert user._state.db == expected._state.db
    # Its relations load as the ORM's instance's do.
    assert user.professional_profile == expected.professional_profile


def test_a_user_id_as_text_is_the_same_user(customer):
    assert selectors.user_by_pk(str(customer.pk)) == customer


def test_no_such_user_is_none(customer):
    assert selectors.user_by_pk(customer.pk + 1000) is None


def test_the_api_reads_the_row_on_every_request(client_for, customer, admin_user):
    client = client_for(customer)
    assert client.get(ME).status_code == 200

    services.user_block(user_id=customer.pk, actor=admin_user)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "account_blocked"


def test_ended_tokens_are_refused(api_client, customer):
    client = api_client
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(customer).access_token}")
    assert client.get(ME).status_code == 200
    access_tokens_end(user_id=customer.pk)
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"


def test_a_deleted_user_is_simplejwts_user_not_found(client_for, customer):
    client = client_for(customer)
    User.objects.filter(pk=customer.pk).delete()
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "user_not_found"


def test_the_authentication_hands_back_the_row_read(customer):
    token = AccessToken.for_user(customer)
    user = JWTAuthentication().get_user(token)
    assert fields(user) == fields(User.objects.get(pk=customer.pk))


def test_an_instance_from_some_columns_in_any_order_defers_the_others(customer):
    from django.db import connection

    from householdsvc.core.rows import instance_from_row

    user = instance_from_row(
        User, ["full_name", "id", "is_active"], [customer.full_name, customer.pk, True], connection=connection
    )
    assert (user.pk, user.full_name, user.is_active) == (customer.pk, customer.full_name, True)
    assert "email" in user.get_deferred_fields()
    assert user.email == customer.email  # loaded when asked for
