"""Forms of the accounts pages. They check shapes; the rules are in accounts.services."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from accounts.api.throttling import login_attempt_allowed
from accounts.backends import LOCKED_MESSAGE, blocked_account, blocked_message, locked_account
from accounts.services import (
    CUSTOMER_EDITABLE,
    MAX_EXPERIENCE_YEARS,
    MAX_SERVICE_RADIUS_KM,
    PROFESSIONAL_EDITABLE,
    USER_EDITABLE,
)
from catalog.selectors import services_visible_to


def add_service_errors(form: forms.Form, exc) -> None:
    """Show a service's ValidationFailed on the form: per field where the form has the field."""
    for field_name, messages in (exc.errors or {}).items():
        form.add_error(field_name if field_name in form.fields else None, messages)
    if not exc.errors:
        form.add_error(None, exc.detail)


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with email and password; a blocked user is told so (only with the right password)."""

    username = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Please enter a correct email and password."),
        "throttled": _("Too many attempts to log in from here. Wait a minute and try again."),
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            if self.request is not None and not login_attempt_allowed(self.request):
                raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
            self.user_cache = authenticate(self.request, email=email, password=password)
            if self.user_cache is None:
                blocked = blocked_account(email=email, password=password)
                if blocked is not None:
                    raise forms.ValidationError(blocked_message(blocked), code="blocked")
                if locked_account(email=email, password=password) is not None:
                    raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminLoginForm(EmailAuthenticationForm, AdminAuthenticationForm):
    """The admin's login: email, the same throttle and blocked-account message, staff only."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "throttled": EmailAuthenticationForm.error_messages["throttled"],
    }


class SignupForm(forms.Form):
    full_name = forms.CharField(max_length=255, widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    phone = forms.CharField(
        max_length=32, required=False, widget=forms.TextInput(attrs={"autocomplete": "tel"})
    )
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pin_code = forms.CharField(max_length=12, required=False, label=_("Pin code"))


class ProfessionalSignupForm(SignupForm):
    service = forms.ModelChoiceField(queryset=None, empty_label=_("Choose the service you offer"))
    experience_years = forms.IntegerField(
        min_value=0, max_value=MAX_EXPERIENCE_YEARS, initial=0, label=_("Years of experience")
    )
    company_name = forms.CharField(max_length=255, required=False)
    vehicle_registration = forms.CharField(
        max_length=32, required=False, help_text=_("Roadside operators: the vehicle you come with.")
    )
    document = forms.FileField(
        label=_("Verification document"),
        help_text=_("Your ID or trade licence: a PDF, JPEG or PNG file of at most 5 MB. Only admins see it."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/*"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services_visible_to(None)


class ProfileForm(forms.Form):
    """The fields a user may change about themselves, for their role."""

    full_name = forms.CharField(max_length=255)
    phone = forms.CharField(max_length=32, required=False)
    address = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    pin_code = forms.CharField(max_length=12, required=False, label=_("Pin code"))
    # Customers
    latitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(max_digits=9, decimal_places=6, required=False)
    # Professionals
    contact_phone = forms.CharField(max_length=32, required=False)
    company_name = forms.CharField(max_length=255, required=False)
    vehicle_registration = forms.CharField(max_length=32, required=False)
    experience_years = forms.IntegerField(
        min_value=0, max_value=MAX_EXPERIENCE_YEARS, label=_("Years of experience")
    )
    service_radius_km = forms.IntegerField(
        min_value=1, max_value=MAX_SERVICE_RADIUS_KM, label=_("Service radius (km)")
    )
    is_available = forms.BooleanField(required=False, label=_("Available for work now"))
    ev_certified = forms.BooleanField(required=False, label=_("EV certified"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields the service lets this role change, and no others.
        keep = set(USER_EDITABLE)
        if user.is_customer:
            keep |= set(CUSTOMER_EDITABLE)
        elif user.is_professional:
            keep |= set(PROFESSIONAL_EDITABLE)
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if not self.is_bound:
            self.initial = self._current_values(user, keep)

    @staticmethod
    def _current_values(user, names) -> dict:
        profile = None
        if user.is_customer:
            profile = getattr(user, "customer_profile", None)
        elif user.is_professional:
            profile = getattr(user, "professional_profile", None)
        values = {}
        for name in names:
            source = user if name in USER_EDITABLE else profile
            if source is not None:
                values[name] = getattr(source, name)
        return values


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}))


class SetPasswordForm(forms.Form):
    """A new password, typed twice (the rules are Django's validators, in accounts.passwords)."""

    new_password = forms.CharField(
        strip=False,
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password_again = forms.CharField(
        strip=False,
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("new_password") != cleaned.get("new_password_again"):
            self.add_error("new_password_again", _("The two passwords differ."))
        return cleaned


class PasswordChangeForm(SetPasswordForm):
    old_password = forms.CharField(
        strip=False,
        label=_("Current password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password", "new_password_again"]
