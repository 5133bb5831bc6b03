"""Every write to accounts: sign-up, profile edits, verification decisions, blocking.

Each function runs in one transaction, takes keyword arguments only, checks who may act, and
raises ``householdsvc.errors.*``; web pages, the API and admin actions all call these.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts import passwords
from accounts.account_mail import account_mail
from accounts.documents import DocumentRejected, check_document
from accounts.language import language_of
from accounts.models import CustomerProfile, ProfessionalProfile, Role, User, VerificationStatus
from accounts.signals import availability_switched_off
from accounts.validation import DUPLICATE_EMAIL, check_identity, check_int, check_length
from catalog.selectors import bookable_service
from householdsvc.core import errors
from householdsvc.core.cache import bump_public_on_commit
from householdsvc.core.permissions import is_admin
from householdsvc.core.transactions import on_commit_robust
from householdsvc.core.validation import REQUIRED, position, raise_if_invalid

MAX_EXPERIENCE_YEARS = 80
# No professional search reaches farther (accounts.filters.MAX_RADIUS_KM); without a bound a
# radius past the integer column was a 500 from the database.
MAX_SERVICE_RADIUS_KM = 500

# What a user may change about themselves; the role, the email and the verification status
# are not here on purpose (an admin decides those, or nobody does).
USER_EDITABLE = ("full_name", "phone")
CUSTOMER_EDITABLE = ("address", "pin_code", "latitude", "longitude")
PROFESSIONAL_EDITABLE = (
    "address",
    "pin_code",
    "contact_phone",
    "company_name",
    "vehicle_registration",
    "experience_years",
    "service_radius_km",
    "is_available",
    "ev_certified",
)


# --- helpers ---------------------------------------------------------------------------


def _require_admin(actor, doing: str) -> None:
    if not is_admin(actor):
        raise errors.NotAllowed(_("Only admins may %(doing)s.") % {"doing": doing})


def _create_user(*, email, password, full_name, phone, role) -> User:
    try:
        # A savepoint, so the duplicate can be reported without poisoning the transaction.
        with transaction.atomic():
            return User.objects.create_user(
                email=email, password=password, full_name=full_name, phone=phone, role=role
            )
    except IntegrityError:
        # Another sign-up with the same email won the race between our check and the insert.
        raise errors.ValidationFailed(_("Invalid input."), errors={"email": [_(DUPLICATE_EMAIL)]}) from None


def _notify(user: User, subject, body, **words) -> None:
    """Email the user in their language once the transaction has committed (never about a
    rolled-back change), retried through the notifications' delivery (accounts.account_mail)."""
    with translation.override(language_of(user)):
        subject, body = str(subject), str(body).format(**words)
    account_mail(user=user, purpose="decision", subject=subject, body=body)


# --- registration ------------------------------------------------------------------------


@transaction.atomic
def customer_register(
    *,
    email,
    password,
    full_name,
    phone="",
    address="",
    pin_code="",
    latitude=None,
    longitude=None,
    confirmed=False,
) -> User:
    """Sign up a customer with their home address; returns the new user. The confirmation
    link is e-mailed, unless ``confirmed`` (demo data, a back-office colleague's account)."""
    problems: dict[str, list[str]] = {}
    email, full_name, phone = check_identity(
        problems, email=email, password=password, full_name=full_name, phone=phone
    )
    latitude, longitude = position(latitude, longitude, problems)
    pin_code = (pin_code or "").strip()
    check_length(problems, CustomerProfile, pin_code=pin_code)
    raise_if_invalid(problems)

    user = _create_user(email=email, password=password, full_name=full_name, phone=phone, role=Role.CUSTOMER)
    CustomerProfile.objects.create(
        user=user, address=(address or "").strip(), pin_code=pin_code, latitude=latitude, longitude=longitude
    )
    _confirm_or_send_link(user, confirmed)
    return user


@transaction.atomic
def professional_register(
    *,
    email,
    password,
    full_name,
    phone="",
    service,
    experience_years=0,
    document,
    address="",
    pin_code="",
    contact_phone="",
    company_name="",
    vehicle_registration="",
    service_radius_km=None,
    ev_certified=False,
    confirmed=False,
) -> User:
    """Sign up a professional for one catalogue service. They start *pending*: an admin must
    check the document (a PDF, JPEG or PNG) and approve them before they get any work."""
    problems: dict[str, list[str]] = {}
    email, full_name, phone = check_identity(
        problems, email=email, password=password, full_name=full_name, phone=phone
    )
    chosen_service = bookable_service(service, problems)
    experience_years = check_int(
        problems, "experience_years", experience_years or 0, low=0, high=MAX_EXPERIENCE_YEARS
    )
    if service_radius_km not in (None, ""):
        service_radius_km = check_int(
            problems, "service_radius_km", service_radius_km, low=1, high=MAX_SERVICE_RADIUS_KM
        )
    profile_text = {
        "pin_code": (pin_code or "").strip(),
        "contact_phone": (contact_phone or "").strip(),
        "company_name": (company_name or "").strip(),
        "vehicle_registration": (vehicle_registration or "").strip(),
    }
    check_length(problems, ProfessionalProfile, **profile_text)
    try:
        checked = check_document(document)
    except DocumentRejected as exc:
        problems["document"] = [str(exc)]
    raise_if_invalid(problems)

    user = _create_user(
        email=email, password=password, full_name=full_name, phone=phone, role=Role.PROFESSIONAL
    )
    profile = ProfessionalProfile(
        user=user,
        service=chosen_service,
        experience_years=experience_years,
        address=(address or "").strip(),
        document_content_type=checked.content_type,
        ev_certified=bool(ev_certified),
        **profile_text,
    )
    if service_radius_km:
        profile.service_radius_km = service_radius_km
    # The file is written to private storage before the row; if the row cannot be written the
    # file goes too, so a failed sign-up leaves nothing behind.
    profile.document.save(checked.filename, document, save=False)
    try:
        with transaction.atomic():
            profile.save()
    except Exception:
        profile.document.delete(save=False)
        raise
    _confirm_or_send_link(user, confirmed)
    return user


def _confirm_or_send_link(user, confirmed: bool) -> None:
    if confirmed:
        user.email_confirmed_at = timezone.now()
        user.save(update_fields=["email_confirmed_at"])
    else:
        passwords.email_confirmation_send(user=user)


@transaction.atomic
def admin_create(*, actor, email, password, full_name, phone="") -> User:
    """Another admin, created from the back office by an admin."""
    _require_admin(actor, "create admins")
    problems: dict[str, list[str]] = {}
    email, full_name, phone = check_identity(
        problems, email=email, password=password, full_name=full_name, phone=phone
    )
    raise_if_invalid(problems)
    user = _create_user(email=email, password=password, full_name=full_name, phone=phone, role=Role.ADMIN)
    user.is_superuser = True
    # An admin made this account for a colleague: the address counts as confirmed.
    user.email_confirmed_at = timezone.now()
    user.save(update_fields=["is_superuser", "email_confirmed_at"])
    return user


# --- own profile -------------------------------------------------------------------------


@transaction.atomic
def profile_update(*, user, **changes) -> User:
    """Change the acting user's own name, phone and profile. Only the fields listed in
    ``USER_EDITABLE`` and the role's profile fields may change; anything else is refused."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_customer:
        profile, editable = CustomerProfile.objects.get_or_create(user=user)[0], CUSTOMER_EDITABLE
    elif user.is_professional:
        profile = ProfessionalProfile.objects.select_for_update().get(user=user)
        editable = PROFESSIONAL_EDITABLE
    else:
        profile, editable = None, ()

    was_available = getattr(profile, "is_available", False)
    problems: dict[str, list[str]] = {}
    for field_name in changes:
        if field_name not in USER_EDITABLE and field_name not in editable:
            problems[field_name] = [_("This field cannot be changed.")]
    raise_if_invalid(problems)

    for field_name in USER_EDITABLE:
        if field_name in changes:
            setattr(user, field_name, (changes[field_name] or "").strip())
    if "full_name" in changes and not user.full_name:
        problems["full_name"] = [_(REQUIRED)]
    check_length(problems, User, full_name=user.full_name, phone=user.phone)

    if profile is not None:
        _apply_profile_changes(problems, user, profile, changes)
    raise_if_invalid(problems)

    user.save(update_fields=["full_name", "phone", "updated_at"])
    if user.is_professional and was_available and not profile.is_available:
        on_commit_robust(availability_switched_off.send, sender=ProfessionalProfile, professional_id=user.pk)
    changed = [name for name in editable if name in changes]
    if changed:
        # Only the edited columns: a decision an admin took meanwhile must not be overwritten.
        extra = ["updated_at"] if user.is_professional else []
        profile.save(update_fields=changed + extra)
        if user.is_professional:
            bump_public_on_commit()  # pin code, availability: the public catalogue's search
    return user


def _apply_profile_changes(problems: dict, user, profile, changes: dict) -> None:
    text_fields = ("address", "pin_code", "contact_phone", "company_name", "vehicle_registration")
    for field_name in text_fields:
        if field_name in changes:
            setattr(profile, field_name, (changes[field_name] or "").strip())
    for field_name in ("is_available", "ev_certified"):
        if field_name in changes:
            setattr(profile, field_name, bool(changes[field_name]))
    if "experience_years" in changes:
        profile.experience_years = check_int(
            problems, "experience_years", changes["experience_years"], low=0, high=MAX_EXPERIENCE_YEARS
        )
    if "service_radius_km" in changes:
        profile.service_radius_km = check_int(
            problems, "service_radius_km", changes["service_radius_km"], low=1, high=MAX_SERVICE_RADIUS_KM
        )
    if user.is_customer and ("latitude" in changes or "longitude" in changes):
        profile.latitude, profile.longitude = position(
            changes.get("latitude", profile.latitude), changes.get("longitude", profile.longitude), problems
        )
    check_length(
        problems,
        type(profile),
        **{name: getattr(profile, name) for name in text_fields if hasattr(profile, name)},
    )


# --- verification decisions --------------------------------------------------------------


def _locked_professional(professional_id) -> ProfessionalProfile:
    user = User.objects.filter(pk=professional_id).first()
    if user is None:
        raise errors.NotFound(_("No such user."))
    if not user.is_professional:
        raise errors.Conflict(_("Only professionals are approved or rejected."), code="not_a_professional")
    # Lock the profile row: two admins deciding at once must not both stamp it.
    profile = (
        ProfessionalProfile.objects.select_for_update(of=("self",))
        .select_related("user", "service")
        .filter(user_id=user.pk)
        .first()
    )
    if profile is None:
        raise errors.Conflict(_("This professional has no profile to verify."), code="not_a_professional")
    return profile


def _decide(profile: ProfessionalProfile, *, status, actor, reason="") -> ProfessionalProfile:
    profile.verification_status = status
    profile.verified_by = actor
    profile.verified_at = timezone.now()
    profile.rejection_reason = reason
    profile.save(
        update_fields=["verification_status", "verified_by", "verified_at", "rejection_reason", "updated_at"]
    )
    bump_public_on_commit()  # who offers a service where: the public catalogue's search
    return profile


@transaction.atomic
def professional_approve(*, professional_id, actor) -> ProfessionalProfile:
    """An admin has checked the document: the professional may now be offered work."""
    _require_admin(actor, "approve professionals")
    profile = _locked_professional(professional_id)
    if profile.verification_status == VerificationStatus.APPROVED:
        raise errors.InvalidTransition(_("This professional is already approved."), code="already_approved")
    _decide(profile, status=VerificationStatus.APPROVED, actor=actor)
    _notify(
        profile.user,
        _("Your householdsvc account is approved"),
        _("Hello {name},\n\nAn admin has checked your documents: you can now accept {service} requests.\n"),
        name=profile.user.full_name,
        service=profile.service.name,
    )
    return profile


@transaction.atomic
def professional_reject(*, professional_id, actor, reason="") -> ProfessionalProfile:
    """An admin refuses (or withdraws) the professional's verification, saying why."""
    _require_admin(actor, "reject professionals")
    reason = (reason or "").strip()
    problems: dict[str, list[str]] = {}
    check_length(problems, ProfessionalProfile, rejection_reason=reason)
    raise_if_invalid(problems)
    profile = _locked_professional(professional_id)
    if profile.verification_status == VerificationStatus.REJECTED:
        raise errors.InvalidTransition(_("This professional is already rejected."), code="already_rejected")
    _decide(profile, status=VerificationStatus.REJECTED, actor=actor, reason=reason)
    _notify(
        profile.user,
        _("Your householdsvc verification was not accepted"),
        _("Hello {name},\n\nAn admin could not approve your account.\nReason: {reason}\n")
        if reason
        else _("Hello {name},\n\nAn admin could not approve your account.\n"),
        name=profile.user.full_name,
        reason=reason,
    )
    return profile


# --- blocking ----------------------------------------------------------------------------


@transaction.atomic
def user_block(*, user_id, actor, reason="") -> User:
    """Block an account: the user can no longer log in, and their tokens and sessions stop
    working at once (authentication checks ``is_active`` on every request)."""
    _require_admin(actor, "block accounts")
    if str(actor.pk) == str(user_id):
        raise errors.NotAllowed(_("You cannot block your own account."), code="cannot_block_self")
    reason = (reason or "").strip()
    problems: dict[str, list[str]] = {}
    check_length(problems, User, block_reason=reason)
    raise_if_invalid(problems)
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise errors.NotFound(_("No such user."))
    if not user.is_active:
        raise errors.Conflict(_("This account is already blocked."), code="already_blocked")
    user.is_active = False
    user.blocked_at = timezone.now()
    user.block_reason = reason
    user.save(update_fields=["is_active", "blocked_at", "block_reason", "updated_at"])
    if user.is_professional:
        bump_public_on_commit()
    return user


@transaction.atomic
def user_unblock(*, user_id, actor) -> User:
    """Restore a blocked account."""
    _require_admin(actor, "unblock accounts")
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise errors.NotFound(_("No such user."))
    if user.is_active:
        raise errors.Conflict(_("This account is not blocked."), code="not_blocked")
    user.is_active = True
    user.blocked_at = None
    user.block_reason = ""
    user.save(update_fields=["is_active", "blocked_at", "block_reason", "updated_at"])
    if user.is_professional:
        bump_public_on_commit()
    return user
