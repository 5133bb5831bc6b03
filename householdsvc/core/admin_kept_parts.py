"""The changelist's results table, actions bar, pagination and search box, their templates'
output kept.

Both print a handful of values through Django's templates (admin/change_list_results.html and
admin/actions.html, or an app's own, chosen as ``InclusionAdminNode`` chooses): the table's
headers (each with its sort links) around the rows, and the action select with the selection
counter. The same values print the same HTML, so it is kept (householdsvc.core.admin_sidebar's
bounded store) under those values and the language, and rendered only for values not seen yet.

The pagination and the search box likewise, by the page, the pages it offers and the filters its links keep.

The date drill-down's links (admin/date_hierarchy.html: a link and a title each) likewise, by
those links and titles (``kept_date_hierarchy``).

The page's media (``{{ media.css }}``, ``{{ media.js }}``: the admin's scripts and the action
form's, merged in order and each file's URL looked up) likewise, by its lists of files and
where static files are served from (``kept_media``).

The table is rendered once with a marker where the rows go (householdsvc.core.admin_rows gives
them whole) and kept as the part before and after it. What these do not cover (rows Django's
way, a form other than Django's unbound ``ActionForm``) is rendered as Django does.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from householdsvc.core.admin_sidebar import freeze, kept

_ROWS_GO_HERE = mark_safe("\x00rows\x00")


def _printed(value) -> tuple:
    """A value as a key: its type and text (a lazy or safe string prints as its text)."""
    return type(value).__name__, str(value)


def _template(node, context):
    opts = context["opts"]
    app_label, object_name = opts.app_label.lower(), opts.model_name
    return context.template.engine.select_template(
        [
            f"admin/{app_label}/{object_name}/{node.template_name}",
            f"admin/{app_label}/{node.template_name}",
            f"admin/{node.template_name}",
        ]
    )


def _ours(node, template) -> bool:
    """The site-wide template (Django's or this project's), whose every printed value is in the
    key; an app's or model's own may print more of the context, so it is rendered every time."""
    return template.origin.template_name == f"admin/{node.template_name}"


def _inner_context(context, values):
    inner = context.new(values)
    csrf_token = context.get("csrf_token")
    if csrf_token is not None:
        inner["csrf_token"] = csrf_token
    return inner


def _params(params: dict) -> tuple:
    """A changelist's parameters as a key, each value with its type, a list as a tuple."""
    return tuple(
        (name, type(value), tuple(value) if isinstance(value, list) else value)
        for name, value in sorted(params.items())
    )


def _header_inputs(cl) -> tuple:
    """What ``result_headers`` reads: the admin, its columns and which may be sorted, the sorting
    in force and the filters its sort links keep (``TypeError`` for a value not fit for a key)."""
    model_admin = cl.model_admin
    key = (
        type(model_admin).__module__,
        type(model_admin).__qualname__,
        cl.model._meta.label,
        tuple(cl.list_display),
        None if cl.sortable_by is None else tuple(cl.sortable_by),
        tuple(cl.get_ordering_field_columns().items()),
        _params(cl.filter_params),
    )
    hash(key)
    return key


class KeptResultListNode(InclusionAdminNode):
    """``{% scalable_result_list cl %}``: ``body(cl)`` gives the rows whole (``None`` when Django's
    loop must print them), ``func(cl)`` the template's values. The table around the rows is kept
    by what its headers are made of, so they are worked out only for a table not seen yet."""

    def __init__(self, *args, body, **kwargs):
        super().__init__(*args, **kwargs)
        self.body = body

    def render(self, context):
        template = _template(self, context)
        args, kwargs = self.get_resolved_arguments(context)
        body = self.body(*args, **kwargs)
        try:
            inputs = None if body is None else _header_inputs(args[0])
        except TypeError:
            inputs = None
        if inputs is None or not _ours(self, template):
            return template.render(_inner_context(context, self.func(*args, **kwargs)))
        key = ("results", template.origin.name, get_language(), bool(body.strip()), inputs)

        def marked():
            values = {**self.func(*args, **kwargs), "body": _ROWS_GO_HERE}
            return template.render(_inner_context(context, values))

        head, found, tail = kept(key, marked).partition(_ROWS_GO_HERE)
        if not found:  # a template of the app's own that does not print body
            return template.render(_inner_context(context, self.func(*args, **kwargs)))
        return mark_safe(head + body + tail)  # Django's template's output around escaped rows


class KeptActionsNode(InclusionAdminNode):
    """``{% admin_actions %}`` (which counts its uses in ``action_index``), its output kept."""

    def render(self, context):
        context["action_index"] = context.get("action_index", -1) + 1  # what admin_actions does
        template = _template(self, context)
        form, cl = context.get("action_form"), context.get("cl")
        if type(form) is not helpers.ActionForm or form.is_bound or cl is None or not _ours(self, template):
            return template.render(_inner_context(context, context))
        key = (
            "actions",
            template.origin.name,
            get_language(),
            context["action_index"],
            form.prefix,
            form.auto_id,
            tuple((value, _printed(label)) for value, label in form.fields["action"].choices),
            bool(context.get("actions_selection_counter")),
            _printed(context.get("selection_note")),
            _printed(context.get("selection_note_all")),
            _printed(context.get("module_name")),
            cl.result_count,
            len(cl.result_list),
        )
        return kept(key, lambda: template.render(_inner_context(context, context)))


class KeptPaginationNode(InclusionAdminNode):
    """``{% pagination cl %}``, its output kept by the page, the pages offered and the filters
    the links keep (each link is a query string and a template tag otherwise)."""

    def render(self, context):
        template = _template(self, context)
        args, kwargs = self.get_resolved_arguments(context)
        cl = args[0]
        values = self.func(*args, **kwargs)
        values["page_range"] = tuple(values["page_range"])  # a generator, printed once
        if not _ours(self, template):
            return template.render(_inner_context(context, values))
        try:
            key = (
                "pagination",
                template.origin.name,
                get_language(),
                cl.opts.label,
                cl.page_num,
                cl.paginator.num_pages,
                cl.result_count,
                bool(cl.formset),
                values["pagination_required"],
                values["show_all_url"],
                values["page_range"],
                _params(cl.filter_params),
            )
            hash(key)
        except TypeError:
            return template.render(_inner_context(context, values))
        return kept(key, lambda: template.render(_inner_context(context, values)))


class KeptSearchFormNode(InclusionAdminNode):
    """``{% search_form cl %}``, its output kept by the search, the count and the parameters it
    carries as hidden fields."""

    def render(self, context):
        template = _template(self, context)
        args, kwargs = self.get_resolved_arguments(context)
        cl = args[0]
        values = self.func(*args, **kwargs)
        if not _ours(self, template):
            return template.render(_inner_context(context, values))
        try:
            key = (
                "search",
                template.origin.name,
                get_language(),
                cl.opts.label,
                bool(cl.search_fields),
                _printed(cl.search_help_text),
                cl.query,
                cl.result_count,
                cl.full_result_count,
                bool(cl.show_full_result_count),
                bool(cl.is_popup),
                bool(cl.add_facets),
                values["show_result_count"],
                _params(cl.params),
            )
            hash(key)
        except TypeError:
            return template.render(_inner_context(context, values))
        return kept(key, lambda: template.render(_inner_context(context, values)))


class KeptMedia(forms.Media):
    """A ``Media`` whose printed parts are kept by its files (``key``)."""

    def __init__(self, media: forms.Media, key: tuple):
        super().__init__()
        self._css_lists, self._js_lists, self._key = media._css_lists, media._js_lists, key

    def _where(self) -> tuple:
        return str(settings.STATIC_URL), settings.STORAGES.get("staticfiles", {}).get("BACKEND")

    def render(self):
        return kept(("media", None, self._key, self._where()), super().render)

    def __getitem__(self, name):
        if name not in forms.widgets.MEDIA_TYPES:
            return super().__getitem__(name)  # Django's KeyError
        return kept(
            ("media", name, self._key, self._where()), lambda: forms.Media.__getitem__(self, name).render()
        )


def kept_media(media):
    """The page's media, printed once per its lists of files (plain paths: a file given as an
    object may print more than its path, and is printed as Django does)."""
    if type(media) is not forms.Media:
        return media
    js = tuple(tuple(paths) for paths in media._js_lists)
    css = tuple(
        tuple((medium, tuple(paths)) for medium, paths in sorted(lists.items())) for lists in media._css_lists
    )
    paths = [path for lists in js for path in lists]
    paths += [path for lists in css for _, files in lists for path in files]
    if not all(type(path) is str for path in paths):
        return media
    return KeptMedia(media, (js, css))


def kept_date_hierarchy(context, hierarchy) -> str:
    """``{% include "admin/date_hierarchy.html" with show=True back=… choices=… %}`` of the
    drill-down (householdsvc.core.admin.bounded_date_hierarchy), kept by its links and titles:
    the site-wide template prints those alone; another is rendered every time."""
    template = context.template.engine.get_template("admin/date_hierarchy.html")
    values = {"show": True, "back": hierarchy["back"], "choices": hierarchy["choices"]}
    try:
        key = ("date_hierarchy", template.origin.name, get_language(), freeze(hierarchy))
    except TypeError:
        key = None
    if key is None or template.origin.template_name != "admin/date_hierarchy.html":
        with context.push(**values):
            return template.render(context)
    return kept(key, lambda: template.render(context.new(values)))
