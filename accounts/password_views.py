"""Pages for passwords and sessions: forgot password, the reset link, change password, the
e-mail confirmation link and its resend, the unlock link. Thin: accounts.passwords decides."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import passwords
from accounts.api.throttling import login_attempt_allowed
from accounts.forms import PasswordChangeForm, PasswordResetRequestForm, SetPasswordForm, add_service_errors
from householdsvc.core import errors


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def password_reset(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The login throttle's budget: a reset asked in a loop would be a mail bomb.
        if not login_attempt_allowed(request):
            form.add_error(None, _("Too many attempts from here. Wait a minute and try again."))
        else:
            passwords.password_reset_request(email=form.cleaned_data["email"], base_url=_base_url(request))
            # The same page whether or not the address has an account.
            return render(request, "accounts/password_reset_sent.html", status=200)
    return render(request, "accounts/password_reset.html", {"form": form})


def password_reset_confirm(request, uidb64, token):
    try:
        passwords.password_reset_check(uidb64=uidb64, token=token)
    except errors.ValidationFailed:
        return render(request, "accounts/link_invalid.html", {"what": "password reset"}, status=400)
    form = SetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.password_reset_confirm(
                uidb64=uidb64, token=token, new_password=form.cleaned_data["new_password"]
            )
        except errors.ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your new password is set: log in with it."))
            return redirect("accounts:login")
    return render(request, "accounts/password_set.html", {"form": form})


@login_required
def password_change(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = passwords.password_change(
                user=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except errors.ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            # This session stays; every other one (and every app's refresh token) has ended.
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password is changed. You are logged out everywhere else."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


def email_confirm(request, uidb64, token):
    try:
        passwords.email_confirm(uidb64=uidb64, token=token)
    except errors.ValidationFailed:
        return render(request, "accounts/link_invalid.html", {"what": "confirmation"}, status=400)
    messages.success(request, _("Thank you: your e-mail address is confirmed."))
    return redirect("accounts:profile" if request.user.is_authenticated else "accounts:login")


@login_required
@require_POST
def email_confirmation_resend(request):
    try:
        passwords.email_confirmation_send(user=request.user, base_url=_base_url(request))
    except errors.Conflict as exc:
        messages.info(request, exc.detail)
    else:
        messages.success(
            request,
            _("We have e-mailed a new confirmation link to %(email)s.") % {"email": request.user.email},
        )
    return redirect("accounts:profile")


def unlock(request, uidb64, token):
    """GET shows a button, POST unlocks: a mail scanner following the link unlocks nothing."""
    if request.method == "POST":
        try:
            passwords.account_unlock(uidb64=uidb64, token=token)
        except errors.ValidationFailed:
            return render(request, "accounts/link_invalid.html", {"what": "unlock"}, status=400)
        messages.success(request, _("Your account is unlocked: log in again."))
        return redirect("accounts:login")
    return render(request, "accounts/unlock.html")
