"""``{% kept_userlinks %}``: the admin header's user links (templates/admin/base_site.html), and
``{% cached_nav_sidebar %}`` (householdsvc/core/admin_sidebar.py) for every admin page's sidebar.

Django's ``{% block userlinks %}`` (admin/base.html) is on every admin page: "View site", the
docs link (a ``reverse`` that fails and is caught when admindocs is off), "Change password", the
log-out form and the theme toggle (an include): a quarter of the admin index's template time.
Its HTML depends only on the words of the language, the site's URLs, ``site_url``, whether the
user is active, staff and has a usable password, and the CSRF token. So Django's own block
(the nodes of admin/base.html, not a copy) is rendered once for each combination of those,
with a marker for the token, and each page puts its own token into it.

The block is rendered with those values alone (not the page's context): if a later Django
printed more of the user there, that would come out empty, and the comparison with Django's
output (tests/backoffice/test_admin_chrome.py) fail, rather than one user's details be shown
to another.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from types import SimpleNamespace

from django import template
from django.template import Context, Template
from django.template.defaulttags import CsrfTokenNode
from django.template.loader_tags import BlockNode
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from householdsvc.core.admin_sidebar import cached_nav_sidebar

register = template.Library()
# Every admin page's nav sidebar, kept per language, page and links (the changelist's too).
register.simple_tag(cached_nav_sidebar, takes_context=True, name="cached_nav_sidebar")

_KEEP = 256
_MARKER = "kept0userlinks0csrf0token"
_kept: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def _keep(key: tuple, html: str) -> None:
    """Keep a block's HTML, the oldest forgotten past ``_KEEP``."""
    with _lock:
        _kept[key] = html
        if len(_kept) > _KEEP:
            _kept.popitem(last=False)


_blocks: dict[tuple, Template] = {}


def _block(engine, template_name: str, name: str) -> Template:
    """A block of one of Django's templates, as a template of its own (so that what it includes
    or loads is found by the engine)."""
    key = (id(engine), template_name, name)
    block = _blocks.get(key)
    if block is None:
        base = engine.get_template(template_name)
        (node,) = [node for node in base.nodelist.get_nodes_by_type(BlockNode) if node.name == name]
        block = Template("", origin=base.origin, engine=engine)
        block.nodelist = node.nodelist
        _blocks[key] = block
    return block


def _userlinks(engine) -> Template:
    return _block(engine, "admin/base.html", "userlinks")


@functools.cache
def _marked() -> str:
    """What ``{% csrf_token %}`` prints for the marker."""
    return CsrfTokenNode().render(Context({"csrf_token": _MARKER}))


def _current_app(request) -> str | None:
    """The namespace ``{% url %}`` would use on this page (URLNode.render's own lookup)."""
    try:
        return request.current_app
    except AttributeError:
        return getattr(getattr(request, "resolver_match", None), "namespace", None)


@register.simple_tag(takes_context=True)
def kept_userlinks(context) -> str:
    token = context.get("csrf_token")
    if not token or token == "NOTPROVIDED":  # Django prints no input there (or warns): as it does
        return _userlinks(context.template.engine).render(context)
    user, request = context.get("user"), getattr(context, "request", None)
    usable_password = getattr(user, "has_usable_password", None)
    shown = (
        bool(getattr(user, "is_active", False)),
        bool(getattr(user, "is_staff", False)),
        bool(callable(usable_password) and usable_password()),
    )
    current_app = _current_app(request)
    block = _userlinks(context.template.engine)
    key = (
        block,  # the engine's own admin/base.html
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        current_app,
        str(context.get("site_url") or ""),
        context.autoescape,
        shown,
    )
    html = _kept.get(key)
    if html is None:
        is_active, is_staff, usable = shown
        only = Context(
            {
                "site_url": context.get("site_url"),
                "user": SimpleNamespace(
                    is_active=is_active, is_staff=is_staff, has_usable_password=lambda: usable
                ),
                "csrf_token": _MARKER,
            },
            autoescape=context.autoescape,
        )
        only.request = SimpleNamespace(current_app=current_app)  # for {% url %}, as on the page
        html = block.render(only)
        _keep(key, html)
    live_token = CsrfTokenNode().render(context)
    return mark_safe(html.replace(_marked(), live_token))  # Django's own block's output


@register.simple_tag(takes_context=True)
def kept_breadcrumbs(context) -> str:
    """admin/change_list.html's ``{% block breadcrumbs %}`` (Django's own nodes: two links, the
    app's and the model's names), kept per model, language and where URLs resolve. It is
    rendered with the model's options alone, as userlinks with its few values."""
    opts = context["cl"].opts
    block = _block(context.template.engine, "admin/change_list.html", "breadcrumbs")
    current_app = _current_app(getattr(context, "request", None))
    key = (
        block,
        get_language(),
        get_script_prefix(),
        get_urlconf(),
        current_app,
        opts.label,
        context.autoescape,
    )
    html = _kept.get(key)
    if html is None:
        only = Context({"cl": SimpleNamespace(opts=opts)}, autoescape=context.autoescape)
        only.request = SimpleNamespace(current_app=current_app)  # for {% url %}, as on the page
        html = block.render(only)
        _keep(key, html)
    return mark_safe(html)  # Django's own block's output
