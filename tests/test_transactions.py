"""Side effects after commit never fail or undo the committed change."""

import logging

import pytest
from django.db import transaction

from accounts.models import User
from householdsvc.core.transactions import on_commit_robust

pytestmark = pytest.mark.django_db(transaction=True)


def send_the_email(user_id, *, subject):
    raise ConnectionRefusedError(f"no mail server for {subject} to user {user_id}")


def test_a_failing_side_effect_is_logged_and_the_change_stays_committed(customer, caplog):
    with caplog.at_level(logging.ERROR, logger="django.db.backends.base"), transaction.atomic():
        User.objects.filter(pk=customer.pk).update(full_name="Alice Renamed")
        on_commit_robust(send_the_email, customer.pk, subject="Welcome")

    assert User.objects.get(pk=customer.pk).full_name == "Alice Renamed"
    assert "Error calling send_the_email in on_commit()" in caplog.text


def test_the_side_effect_gets_its_arguments_once_committed(customer):
    calls = []
    with transaction.atomic():
        on_commit_robust(calls.append, customer.pk)
        assert calls == []

    assert calls == [customer.pk]
