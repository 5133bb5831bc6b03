"""Accounts pages: home, sign-up, log in/out, profile, verification status, the document."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts import selectors, services
from accounts.documents import document_response
from accounts.forms import (
    EmailAuthenticationForm,
    ProfessionalSignupForm,
    ProfileForm,
    SignupForm,
    add_service_errors,
)
from catalog.selectors import services_visible_to
from householdsvc.core import errors
from householdsvc.core.cache import public_page


@public_page("home")
def home(request):
    services_shown = services_visible_to(request.user).filter(is_active=True)[:12]
    return render(request, "home.html", {"services": services_shown})


def _needs_verification(user) -> bool:
    profile = getattr(user, "professional_profile", None)
    return user.is_professional and (profile is None or not profile.is_approved)


class LoginView(auth_views.LoginView):
    form_class = EmailAuthenticationForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # A professional who may not work yet lands where they learn why.
        if _needs_verification(self.request.user):
            return reverse("accounts:pending")
        return super().get_default_redirect_url()


class LogoutView(auth_views.LogoutView):
    """POST only (Django's rule), so a link or a prefetch cannot log anybody out."""


def signup(request):
    return _signup(request, SignupForm, services.customer_register, "customer")


def signup_professional(request):
    return _signup(request, ProfessionalSignupForm, services.professional_register, "professional")


def _signup(request, form_class, register, kind):
    if request.user.is_authenticated:
        return redirect("home")
    form = form_class(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = register(**form.cleaned_data)
        except errors.ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            login(request, user, backend="accounts.backends.EmailBackend")
            if kind == "professional":
                messages.success(
                    request, _("Thank you. An admin will check your document before you get work.")
                )
                return redirect("accounts:pending")
            messages.success(request, _("Welcome, %(name)s.") % {"name": user.get_short_name()})
            return redirect("home")
    return render(request, "accounts/signup.html", {"form": form, "kind": kind})


@login_required
def profile(request):
    user = selectors.me_get(user=request.user)
    form = ProfileForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=user, **form.cleaned_data)
        except errors.ValidationFailed as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form, "account": user})


@login_required
def pending(request):
    """Where a professional learns whether an admin has approved them yet."""
    user = selectors.me_get(user=request.user)
    if not user.is_professional:
        return redirect("accounts:profile")
    return render(request, "accounts/pending.html", {"account": user, "profile": user.professional_profile})


@login_required
@require_GET
def professional_document(request, pk):
    """The private verification document, for its owner and admins; anyone else sees a 404."""
    try:
        profile = selectors.professional_document_get(user=request.user, professional_id=pk)
    except errors.NotFound:
        raise Http404("No such document.") from None
    return document_response(profile)
