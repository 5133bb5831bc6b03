"""``{% site_nav %}``: the header's links for the visitor's role, with the bell, and
``{% language_switcher %}``: the footer's language form, written in Python.

Through the template engine the nav cost about a millisecond of every page (a dozen ``url`` and
``translate`` tags, the icons, the bell's inclusion template), as much as a list page's query.
Here each link's URL is reversed and its icon rendered once per process (no URL here takes an
argument, and the site has no language prefix), the labels come from Django's catalogue
(memoised per language, householdsvc/core/i18n.py), and what is the visitor's own (the bell's
count, their email, role and first name, the CSRF token) is escaped into one string.

One line at 375 px for each role: short labels, the rarer links icon-only on a phone (the
``secondary-label`` and ``phone-label`` classes, static/site/site.css).
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from accounts.notifications import cached_unread_count
from householdsvc.core.icons import lucide

register = template.Library()

LABEL, SECONDARY, PHONE = "label", "label secondary-label", "label phone-label"
# (URL name, icon, label, label class, whether the link has the label as its title too)
SERVICES = ("catalog:list", "layout-grid", gettext_noop("Services"), SECONDARY, True)
CUSTOMER_LINKS, PROFESSIONAL_LINKS, ADMIN_LINKS = (
    (
        ("requests_app:list", "list", gettext_noop("My requests"), LABEL, False),
        ("requests_app:new", "plus", gettext_noop("New request"), SECONDARY, True),
    ),
    (
        ("requests_app:offers", "inbox", gettext_noop("Offers"), PHONE, True),
        ("requests_app:jobs", "briefcase", gettext_noop("My jobs"), PHONE, True),
        ("requests_app:earnings", "wallet", gettext_noop("Earnings"), SECONDARY, True),
        ("requests_app:week", "calendar-days", gettext_noop("My week"), SECONDARY, True),
        ("requests_app:schedule", "clock", gettext_noop("My schedule"), SECONDARY, True),
    ),
    (("requests_app:list", "list", gettext_noop("Requests"), LABEL, False),),
)
VERIFICATION = ("accounts:pending", "badge-check", gettext_noop("Verification"), SECONDARY, True)
BACK_OFFICE = ("admin:index", "settings", gettext_noop("Back office"), SECONDARY, True)
LOG_IN = ("accounts:login", "log-in", gettext_noop("Log in"), LABEL, False)


@lru_cache(maxsize=64)
def _url(name: str, prefix: str) -> str:
    return escape(reverse(name))


@lru_cache(maxsize=64)
def _icon(name: str) -> str:
    return lucide(name, size=18, aria_hidden="true")


def _href(name: str) -> str:
    return _url(name, get_script_prefix())


def _link(link) -> str:
    name, icon, label, label_class, titled = link
    shown = escape(gettext(label))
    title_attr = f' title="{shown}"' if titled else ""
    return f'<a href="{_href(name)}"{title_attr}>{_icon(icon)}<span class="{label_class}">{shown}</span></a>'


# What reads only the language and the site's URL prefix is made once per both (the two
# arguments of each function below are its key: gettext and reverse read them).
@lru_cache(maxsize=256)
def _bell(unread: int, language: str, prefix: str) -> str:
    """The bell with its count, kept live over ``/ws/me/`` by ``accounts/bell.js``."""
    label = escape(gettext("Notifications, %(unread)s unread") % {"unread": unread})
    return (
        f'<a id="bell" href="{_href("accounts:notifications")}" title="{escape(gettext("Notifications"))}" '
        f'aria-label="{label}">{_icon("bell")} '
        f'<span id="bell-count" class="badge">{unread}</span></a>\n'
        f'<script type="module" src="{escape(static("accounts/bell.js"))}"></script>'
    )


@lru_cache(maxsize=64)
def _links(links: tuple, language: str, prefix: str) -> str:
    return "\n".join(_link(link) for link in links)


@lru_cache(maxsize=16)
def _visitor_nav(language: str, prefix: str) -> str:
    sign_up = escape(gettext("Sign up"))
    return (
        _links((SERVICES, LOG_IN), language, prefix)
        + f'\n<a class="nav-cta" href="{_href("accounts:signup")}"><span>{sign_up}</span></a>'
    )


@lru_cache(maxsize=16)
def _log_out(language: str, prefix: str) -> tuple[str, str]:
    """The log-out form, before and after its CSRF token."""
    log_out = escape(gettext("Log out"))
    return (
        f'<form method="post" action="{_href("accounts:logout")}">',
        f'<button type="submit" title="{log_out}">{_icon("log-out")}'
        f'<span class="{SECONDARY}">{log_out}</span></button></form>',
    )


def _token_input(context, request) -> str:
    """``{% csrf_token %}``'s input, from the page's own token (the context processor's, masked
    once a page) where there is one."""
    token = str(context.get("csrf_token") or get_token(request))
    if token == "NOTPROVIDED":  # as the tag: no token to give
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    # The 400 and 500 pages are rendered without a request: a visitor's nav.
    request = context.get("request")
    user = getattr(request, "user", None)
    language, prefix = get_language(), get_script_prefix()
    if user is None or not user.is_authenticated:
        return mark_safe(_visitor_nav(language, prefix))
    if user.is_customer:
        role_links = CUSTOMER_LINKS
    elif user.is_professional:
        role_links = PROFESSIONAL_LINKS
    else:
        role_links = ADMIN_LINKS if user.is_admin else ()
    more = (VERIFICATION,) if user.is_professional else ()
    more += (BACK_OFFICE,) if user.is_staff else ()
    # Counted with the session's user (accounts.backends); a user read otherwise asks the cache.
    unread = getattr(user, "unread_notifications", None)
    if unread is None:
        unread = cached_unread_count(user_id=user.pk)
    parts = [_links((SERVICES, *role_links), language, prefix), _bell(unread, language, prefix)]
    if more:
        parts.append(_links(more, language, prefix))
    who = f"{escape(user.email)} ({escape(user.get_role_display())})"
    parts.append(
        f'<a href="{_href("accounts:profile")}" title="{who}">'
        f'{_icon("circle-user")}<span class="{SECONDARY}">{escape(user.get_short_name())}</span></a>'
    )
    form_start, form_end = _log_out(language, prefix)
    parts.append(form_start + _token_input(context, request) + form_end)
    return mark_safe("\n".join(parts))  # every value escaped above


@register.simple_tag(takes_context=True)
def language_switcher(context, switcher_id: str = "language-choice") -> str:
    """The language form, back to this page once changed. A visitor's has no CSRF token: their
    pages are cached and shared (householdsvc.core.cache.public_page), and the language view
    takes a visitor's change without one (accounts/language_views.py)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    token = ""
    if user is not None and user.is_authenticated:
        token = _token_input(context, request)
    here = escape(request.get_full_path()) if request is not None else ""
    current, box, label = get_language(), escape(switcher_id), escape(gettext("Language"))
    options = "".join(
        f'<option value="{code}" lang="{code}"{" selected" if code == current else ""}>'
        f"{escape(gettext(name))}</option>"
        for code, name in settings.LANGUAGES
    )
    return mark_safe(  # every value escaped above
        f'<form action="{_href("accounts:set_language")}" method="post" class="language-switcher">{token}\n'
        f'  <input name="next" type="hidden" value="{here}">\n'
        f'  <label for="{box}">{_icon("languages")}<span class="visually-hidden">{label}</span></label>\n'
        f'  <select name="language" id="{box}">\n    {options}\n  </select>\n'
        f'  <button type="submit" class="secondary btn small">{escape(gettext("Change"))}</button>\n</form>'
    )
