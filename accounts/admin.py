"""Back office for accounts. Verification decisions and blocking go through the actions, which
call accounts.services; the forms cannot change a status directly."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import password_validation
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts import passwords, services
from accounts.forms import AdminLoginForm
from accounts.models import CustomerProfile, ProfessionalProfile, Role, User
from accounts.validation import DUPLICATE_EMAIL, email_taken
from householdsvc.core.admin import EstimatedCountPaginator
from householdsvc.core.errors import ServiceError

# The admin's login counts against the same login throttle as the site's and the API's.
admin.site.login_form = AdminLoginForm


class ReasonActionForm(ActionForm):
    """The action bar with a reason, used by "reject" and "block"."""

    reason = forms.CharField(required=False, max_length=255, label=_("Reason (reject / block)"))


def run_for_each(modeladmin, request, ids, call, done: str) -> None:
    """Call a service once per selected id and report what worked and what was refused."""
    succeeded, refused = 0, []
    for object_id in ids:
        try:
            call(object_id)
        except ServiceError as exc:
            refused.append(f"#{object_id}: {exc.detail}")
        else:
            succeeded += 1
    if succeeded:
        modeladmin.message_user(request, f"{done}: {succeeded}.", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, "Not done — " + "; ".join(refused), messages.WARNING)


def _reason(request) -> str:
    return request.POST.get("reason", "").strip()


class AdminUserCreationForm(forms.ModelForm):
    """Create a customer or another admin (professionals sign up themselves, with a document)."""

    role = forms.ChoiceField(choices=[(Role.CUSTOMER, _("Customer")), (Role.ADMIN, _("Admin"))])
    password1 = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    class Meta:
        model = User
        fields = ("email", "full_name", "phone")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email_taken(email):
            raise forms.ValidationError(_(DUPLICATE_EMAIL))
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password2:
            try:
                password_validation.validate_password(
                    password2, User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as exc:
                self.add_error("password2", exc)
        return cleaned


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = AdminUserCreationForm
    form = UserChangeForm
    action_form = ReasonActionForm
    actions = ["block_users", "unblock_users", "unlock_users"]
    list_display = ("email", "full_name", "role", "is_active", "blocked_at", "locked_at", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("email", "full_name", "phone")
    ordering = ("-id",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    filter_horizontal = ("groups", "user_permissions")
    # The role is fixed at sign-up, staff follows the role, and blocking is an action.
    readonly_fields = (
        "role",
        "is_staff",
        "is_superuser",
        "is_active",
        "blocked_at",
        "block_reason",
        "email_confirmed_at",
        "failed_logins",
        "locked_at",
        "last_login",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "phone")}),
        (
            _("Role and status"),
            {"fields": ("role", "is_staff", "is_superuser", "is_active", "blocked_at", "block_reason")},
        ),
        (_("Sign-in"), {"fields": ("email_confirmed_at", "failed_logins", "locked_at")}),
        (_("Back-office permissions"), {"classes": ("collapse",), "fields": ("groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "created_at", "updated_at")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "phone", "role", "password1", "password2"),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        fields = {
            "email": form.cleaned_data["email"],
            "password": form.cleaned_data["password1"],
            "full_name": form.cleaned_data["full_name"],
            "phone": form.cleaned_data.get("phone", ""),
        }
        if form.cleaned_data["role"] == Role.ADMIN:
            created = services.admin_create(actor=request.user, **fields)
        else:
            created = services.customer_register(**fields)
        # The admin carries on with `obj` (messages, redirect): make it the created user.
        obj.__dict__.update(created.__dict__)

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    @admin.action(description=_("Block the selected users (reason from the box)"))
    def block_users(self, request, queryset):
        reason = _reason(request)
        ids = list(queryset.values_list("pk", flat=True))
        run_for_each(
            self,
            request,
            ids,
            lambda pk: services.user_block(user_id=pk, actor=request.user, reason=reason),
            "Blocked",
        )

    @admin.action(description=_("Unblock the selected users"))
    def unblock_users(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        run_for_each(
            self, request, ids, lambda pk: services.user_unblock(user_id=pk, actor=request.user), "Unblocked"
        )

    @admin.action(description=_("Unlock the selected users (locked after failed log-ins)"))
    def unlock_users(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        run_for_each(
            self, request, ids, lambda pk: passwords.user_unlock(user_id=pk, actor=request.user), "Unlocked"
        )


@admin.register(CustomerProfile)
class CustomerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "pin_code", "latitude", "longitude")
    search_fields = ("user__email", "user__full_name", "pin_code")
    list_select_related = ("user",)
    readonly_fields = ("user",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # a profile is created with its user


@admin.register(ProfessionalProfile)
class ProfessionalProfileAdmin(admin.ModelAdmin):
    action_form = ReasonActionForm
    actions = ["approve", "reject"]
    list_display = (
        "user",
        "service",
        "verification_status",
        "document_link",
        "pin_code",
        "is_available",
        "ev_certified",
        "average_rating",
        "late_releases",
        "created_at",
    )
    list_filter = ("verification_status", "is_available", "ev_certified", "service")
    search_fields = ("user__email", "user__full_name", "pin_code", "company_name", "vehicle_registration")
    list_select_related = ("user", "service")
    ordering = ("-created_at",)
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    exclude = ("document",)
    # Decisions are made with the actions (stamped and emailed), never by editing the form.
    readonly_fields = (
        "user",
        "service",
        "verification_status",
        "verified_by",
        "verified_at",
        "rejection_reason",
        "document_link",
        "document_content_type",
        "average_rating",
        "rating_count",
        "late_releases",
        "current_latitude",
        "current_longitude",
        "position_updated_at",
        "created_at",
        "updated_at",
    )

    def has_add_permission(self, request):
        return False  # professionals sign up themselves, with their document

    @admin.display(description=_("Document"))
    def document_link(self, profile):
        if not profile.document:
            return "—"
        # Through the view that checks who asks; the file has no public URL.
        url = reverse("accounts:professional_document", args=[profile.pk])
        return format_html(
            '<a href="{}">{}</a>',
            url,
            _("Open (%(type)s)") % {"type": profile.document_content_type or _("file")},
        )

    @admin.action(description=_("Approve the selected professionals"))
    def approve(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        run_for_each(
            self,
            request,
            ids,
            lambda pk: services.professional_approve(professional_id=pk, actor=request.user),
            "Approved",
        )

    @admin.action(description=_("Reject the selected professionals (reason from the box)"))
    def reject(self, request, queryset):
        reason = _reason(request)
        ids = list(queryset.values_list("pk", flat=True))
        run_for_each(
            self,
            request,
            ids,
            lambda pk: services.professional_reject(professional_id=pk, actor=request.user, reason=reason),
            "Rejected",
        )
