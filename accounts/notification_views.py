"""Notification pages: the list (mark read, open), and the preferences form on the profile."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import notifications
from accounts.models import Channel, NotificationKind
from householdsvc.core import errors


@login_required
def notification_list(request):
    page = Paginator(notifications.notifications_for(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "accounts/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk):
    """Mark read; with ``open``, go to the page it is about."""
    try:
        notification = notifications.notification_mark_read(user=request.user, notification_id=pk)
    except errors.NotFound:
        raise Http404("No such notification.") from None
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("accounts:notifications")


@login_required
@require_POST
def notification_read_all(request):
    notifications.notifications_mark_all_read(user=request.user)
    return redirect("accounts:notifications")


class PreferencesForm(forms.Form):
    """One checkbox per kind and channel, named ``<kind>__<channel>``."""

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            for channel, channel_label in Channel.choices:
                self.fields[f"{kind}__{channel}"] = forms.BooleanField(
                    required=False, label=f"{label}: {channel_label}", initial=current[kind][channel]
                )

    def changes(self) -> dict:
        chosen: dict[str, dict[str, bool]] = {}
        for name, value in self.cleaned_data.items():
            kind, channel = name.split("__")
            chosen.setdefault(kind, {})[channel] = bool(value)
        return chosen

    def rows(self):
        for kind, label in NotificationKind.choices:
            yield label, [self[f"{kind}__{channel}"] for channel in Channel.values]


@login_required
def notification_preferences(request):
    current = notifications.preferences_for(user=request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        notifications.preferences_update(user=request.user, changes=form.changes())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/notification_preferences.html", {"form": form, "channels": Channel.choices}
    )
