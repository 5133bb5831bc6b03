"""The booking form's view of the chosen service, so the page can show only that kind's fields
without JavaScript (a catalogue card's ``?service=``, or the service just posted)."""

from django import template

register = template.Library()


@register.filter
def chosen_service(form):
    """The service the form holds (posted or initial), or None when none is chosen yet."""
    field = form.fields.get("service")
    value = form["service"].value()
    if field is None or value in (None, ""):
        return None
    try:
        return field.queryset.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None
