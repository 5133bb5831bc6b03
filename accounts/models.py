from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.storage import private_storage
from householdsvc.core.geo import LATITUDE_VALIDATORS, LONGITUDE_VALIDATORS, position_constraints


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROFESSIONAL = "professional", _("Professional")
    ADMIN = "admin", _("Admin")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.CUSTOMER)
        extra_fields.setdefault("is_staff", extra_fields["role"] == Role.ADMIN)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(role=Role.ADMIN, is_staff=True, is_superuser=True)
        # Made at the command line by whoever runs the server: nothing to confirm.
        extra_fields.setdefault("email_confirmed_at", timezone.now())
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: a customer, a professional (an "operator" in roadside wording) or
    an admin. The role is fixed at registration. ``is_active`` is the block flag: a blocked user
    can neither log in nor use a token."""

    email = models.EmailField("email address", max_length=254)
    full_name = models.CharField(max_length=255)
    phone = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CUSTOMER)
    is_active = models.BooleanField(
        default=True, help_text=_("Unticked when the account is blocked; a blocked user can do nothing.")
    )
    is_staff = models.BooleanField(default=False, help_text=_("Admins only: may use the back office."))
    blocked_at = models.DateTimeField(null=True, blank=True)
    block_reason = models.CharField(max_length=255, blank=True)
    # The language of their pages and e-mails (settings.LANGUAGES); blank: the browser's.
    language = models.CharField(
        max_length=8,
        blank=True,
        default="",
        # Also in the table: the bulk loaders insert users with SQL that names no language.
        db_default="",
        choices=[("en-gb", "English"), ("hi", "हिन्दी")],
        help_text=_("Pages and e-mails in this language; blank for the browser's."),
    )
    # Set when the user followed the link e-mailed at sign-up: no first booking or offer
    # before it (accounts.passwords).
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The per-account lockout: failed log-ins in a row, and when the account was locked after
    # LOGIN_LOCKOUT_FAILURES of them (the e-mailed link or an admin unlocks it).
    failed_logins = models.PositiveIntegerField(default=0, db_default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    # Access tokens issued before this are refused: a log-out or password change (accounts.tokens).
    tokens_valid_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_valid"),
            # The admin role and back-office access go together, both ways.
            models.CheckConstraint(
                condition=Q(role=Role.ADMIN, is_staff=True) | (~Q(role=Role.ADMIN) & Q(is_staff=False)),
                name="user_staff_iff_admin",
            ),
        ]
        indexes = [models.Index(fields=["role", "is_active"], name="user_role_active_idx")]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @property
    def is_professional(self) -> bool:
        return self.role == Role.PROFESSIONAL

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_admin(self) -> bool:
        """An admin who may act now. A blocked admin is no admin: sign-in and tokens already
        refuse inactive users, but services are also called from tasks, commands and the shell
        with a user read earlier. Every admin check goes through this
        (see ``householdsvc.core.permissions.is_admin``)."""
        return self.role == Role.ADMIN and self.is_staff and self.is_active

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email


class CustomerProfile(models.Model):
    """A customer's home: where household jobs are done unless a request names another place."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="customer_profile"
    )
    address = models.TextField(blank=True)
    pin_code = models.CharField(max_length=12, blank=True, db_index=True)
    latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )

    class Meta:
        constraints = position_constraints("customer", "latitude", "longitude")

    def __str__(self):
        return f"Customer profile of {self.user}"


class VerificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


def verification_document_path(instance, filename):
    return f"verification/{instance.user_id}/{filename}"


def working_professional_q(prefix: str = "") -> Q:
    """Professionals who may take work now (approved by an admin, not blocked): a filter on users,
    or on a relation to them (``prefix="professional__"``)."""
    return Q(
        **{
            f"{prefix}role": Role.PROFESSIONAL,
            f"{prefix}is_active": True,
            f"{prefix}professional_profile__verification_status": VerificationStatus.APPROVED,
        }
    )


class ProfessionalQuerySet(models.QuerySet):
    def working(self):
        """working_professional_q's rule from the profile's side (without joining back to itself)."""
        return self.filter(verification_status=VerificationStatus.APPROVED, user__is_active=True)


class ProfessionalProfile(models.Model):
    """A professional offers one catalogue service from a base address. They work only after an
    admin has checked their verification document and approved them. Roadside operators also
    carry a company, a vehicle, a service radius and a live position."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="professional_profile"
    )
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="professionals")
    experience_years = models.PositiveSmallIntegerField(default=0)
    address = models.TextField(blank=True)
    pin_code = models.CharField(max_length=12, blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)

    verification_status = models.CharField(
        max_length=16, choices=VerificationStatus.choices, default=VerificationStatus.PENDING
    )
    verified_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=255, blank=True)
    document = models.FileField(upload_to=verification_document_path, storage=private_storage, max_length=255)
    document_content_type = models.CharField(max_length=64, blank=True)

    company_name = models.CharField(max_length=255, blank=True)
    vehicle_registration = models.CharField(max_length=32, blank=True)
    service_radius_km = models.PositiveIntegerField(default=50)
    is_available = models.BooleanField(default=False)
    current_latitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LATITUDE_VALIDATORS
    )
    current_longitude = models.DecimalField(
        max_digits=9, decimal_places=6, null=True, blank=True, validators=LONGITUDE_VALIDATORS
    )
    position_updated_at = models.DateTimeField(null=True, blank=True)
    ev_certified = models.BooleanField(default=False)

    # Kept in step with the reviews in the same transaction (reviews.services).
    average_rating = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("0"))
    rating_count = models.PositiveIntegerField(default=0)
    # Jobs given back within LATE_RELEASE_HOURS of their slot (requests_app.schedule.release).
    late_releases = models.PositiveIntegerField(default=0, db_default=0)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProfessionalQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(verification_status__in=VerificationStatus.values),
                name="professional_verification_status_valid",
            ),
            models.CheckConstraint(condition=Q(service_radius_km__gt=0), name="professional_radius_positive"),
            models.CheckConstraint(
                condition=Q(average_rating__gte=0, average_rating__lte=5), name="professional_rating_range"
            ),
            models.CheckConstraint(
                condition=Q(experience_years__lte=80), name="professional_experience_range"
            ),
            *position_constraints("professional", "current_latitude", "current_longitude"),
        ]
        indexes = [
            models.Index(fields=["verification_status", "-created_at"], name="pro_verification_idx"),
            # Offering a request: approved professionals of a service in a pin code.
            models.Index(fields=["service", "pin_code"], name="pro_service_pin_idx"),
            models.Index(fields=["is_available", "ev_certified"], name="pro_availability_idx"),
            # Nearest-available matching: a bounding box on latitude, then longitude.
            models.Index(fields=["current_latitude", "current_longitude"], name="pro_position_idx"),
            models.Index(fields=["-average_rating"], name="pro_rating_idx"),
            # Dispatch: the widest radius of a service's professionals, one index lookup.
            models.Index(fields=["service", "service_radius_km"], name="pro_service_radius_idx"),
        ]

    def __str__(self):
        return f"Professional profile of {self.user}"

    @property
    def is_approved(self) -> bool:
        return self.verification_status == VerificationStatus.APPROVED


class NotificationKind(models.TextChoices):
    """What a notification is about; preferences are chosen per kind."""

    REQUEST_STATUS = "request_status", _("A request of mine changed")
    OFFER = "offer", _("A job offered to me")
    PRICE_CHANGE = "price_change", _("A price change")
    RESCHEDULE = "reschedule", _("A new time for a job")
    MESSAGE = "message", _("A message on a request")
    PAYMENT = "payment", _("A payment")


# Account e-mails (reset, confirmation, unlock: accounts.account_mail) ride on notifications
# for their retried delivery, but are no kind a user chooses channels for.
ACCOUNT_KIND = "account"
NOTIFICATION_KINDS = [*NotificationKind.choices, (ACCOUNT_KIND, "My account")]


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Notification(models.Model):
    """Something a user is told about, recorded once (``key``) whatever the channels; the
    in-app list and bell show the rows with ``in_app``. ``request_id`` is a plain number:
    accounts sits below requests_app and cannot point a foreign key at it."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NOTIFICATION_KINDS)
    request_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=300, blank=True)
    # The e-mail, when richer than title and body (rendered by the caller's own templates).
    email_text = models.TextField(blank=True)
    email_html = models.TextField(blank=True)
    # Who is told what, once: e.g. "request:42:accept:7" for the recipient.
    key = models.CharField(max_length=200)
    in_app = models.BooleanField(default=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
            models.CheckConstraint(
                condition=Q(kind__in=[kind for kind, _ in NOTIFICATION_KINDS]), name="notification_kind_valid"
            ),
        ]
        indexes = [
            # The bell: a user's unread in-app notifications; the list: newest first.
            models.Index(
                fields=["recipient", "-created_at"], condition=Q(in_app=True), name="notification_inbox_idx"
            ),
            models.Index(
                fields=["recipient"],
                condition=Q(in_app=True, read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]

    def __str__(self):
        return f"{self.title} → {self.recipient_id}"


class NotificationDelivery(models.Model):
    """One channel's delivery of a notification (e-mail, SMS), sent once by a retrying task."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=16, choices=Channel.choices)
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the broker took its task; still empty a minute on, the beat sweep queues it again.
    queued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="notification_delivery_once"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="notif_delivery_state_idx")]

    def __str__(self):
        return f"{self.channel} of notification {self.notification_id}: {self.state}"


class NotificationPreference(models.Model):
    """The channels a user chose for one kind; without a row, in-app and e-mail, no SMS."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_preference_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} preferences of {self.user_id}"
