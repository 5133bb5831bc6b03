"""Approving, rejecting, blocking and unblocking: admins only, stamped, emailed after commit."""

import pytest
from django.core import mail

from accounts import services
from accounts.models import User, VerificationStatus
from householdsvc.core import errors

pytestmark = pytest.mark.django_db


def test_admin_approves_a_pending_professional_and_it_is_stamped_and_emailed(
    admin_user, pending_professional, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.professional_approve(professional_id=pending_professional.pk, actor=admin_user)

    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.APPROVED
    assert profile.verified_by == admin_user
    assert profile.verified_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["erin@example.com"]
    assert "approved" in mail.outbox[0].subject


def test_no_email_leaves_before_the_transaction_commits(admin_user, pending_professional):
    # Without commit callbacks executed (the test's transaction never commits), no mail goes.
    services.professional_approve(professional_id=pending_professional.pk, actor=admin_user)

    assert mail.outbox == []


def test_admin_rejects_with_a_reason(admin_user, pending_professional, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.professional_reject(
            professional_id=pending_professional.pk, actor=admin_user, reason="Document unreadable"
        )

    profile = pending_professional.professional_profile
    profile.refresh_from_db()
    assert profile.verification_status == VerificationStatus.REJECTED
    assert profile.rejection_reason == "Document unreadable"
    assert profile.verified_by == admin_user
    assert "Document unreadable" in mail.outbox[0].body


def test_approving_a_rejected_professional_clears_the_reason(admin_user, pending_professional):
    services.professional_reject(professional_id=pending_professional.pk, actor=admin_user, reason="Blurry")
    profile = services.professional_approve(professional_id=pending_professional.pk, actor=admin_user)

    assert profile.verification_status == VerificationStatus.APPROVED
    assert profile.rejection_reason == ""


def test_approving_twice_is_a_conflict(admin_user, professional):
    with pytest.raises(errors.Conflict) as caught:
        services.professional_approve(professional_id=professional.pk, actor=admin_user)

    assert caught.value.code == "already_approved"
    assert caught.value.status_code == 409


def test_approving_a_customer_is_a_conflict_and_changes_nothing(admin_user, customer):
    with pytest.raises(errors.Conflict) as caught:
        services.professional_approve(professional_id=customer.pk, actor=admin_user)

    assert caught.value.code == "not_a_professional"
    assert not hasattr(User.objects.get(pk=customer.pk), "professional_profile")


def test_approving_an_unknown_user_is_not_found(admin_user):
    with pytest.raises(errors.NotFound):
        services.professional_approve(professional_id=987654, actor=admin_user)


@pytest.mark.parametrize("actor_fixture", ["customer", "professional", "pending_professional"])
def test_only_admins_decide(request, actor_fixture, pending_professional):
    actor = request.getfixturevalue(actor_fixture)

    with pytest.raises(errors.NotAllowed):
        services.professional_approve(professional_id=pending_professional.pk, actor=actor)
    with pytest.raises(errors.NotAllowed):
        services.professional_reject(professional_id=pending_professional.pk, actor=actor)

    pending_professional.professional_profile.refresh_from_db()
    assert pending_professional.professional_profile.verification_status == VerificationStatus.PENDING


def test_rejection_reason_longer_than_its_column_is_a_field_error(admin_user, pending_professional):
    with pytest.raises(errors.ValidationFailed) as caught:
        services.professional_reject(
            professional_id=pending_professional.pk, actor=admin_user, reason="x" * 300
        )

    assert "rejection_reason" in caught.value.errors


def test_admin_blocks_a_user_with_a_reason(admin_user, customer):
    user = services.user_block(user_id=customer.pk, actor=admin_user, reason="Chargeback fraud")

    user.refresh_from_db()
    assert not user.is_active
    assert user.blocked_at is not None
    assert user.block_reason == "Chargeback fraud"


def test_admin_unblocks_a_user(admin_user, customer):
    services.user_block(user_id=customer.pk, actor=admin_user, reason="Mistake")
    user = services.user_unblock(user_id=customer.pk, actor=admin_user)

    user.refresh_from_db()
    assert user.is_active
    assert user.blocked_at is None
    assert user.block_reason == ""


def test_admin_cannot_block_themselves(admin_user):
    with pytest.raises(errors.NotAllowed) as caught:
        services.user_block(user_id=admin_user.pk, actor=admin_user)

    assert caught.value.code == "cannot_block_self"
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_blocking_twice_and_unblocking_an_active_user_are_conflicts(admin_user, customer):
    services.user_block(user_id=customer.pk, actor=admin_user)
    with pytest.raises(errors.Conflict) as caught:
        services.user_block(user_id=customer.pk, actor=admin_user)
    assert caught.value.code == "already_blocked"

    services.user_unblock(user_id=customer.pk, actor=admin_user)
    with pytest.raises(errors.Conflict) as caught:
        services.user_unblock(user_id=customer.pk, actor=admin_user)
    assert caught.value.code == "not_blocked"


def test_non_admin_cannot_block(customer, other_customer):
    with pytest.raises(errors.NotAllowed):
        services.user_block(user_id=other_customer.pk, actor=customer)

    other_customer.refresh_from_db()
    assert other_customer.is_active
