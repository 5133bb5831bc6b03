"""The professional's schedule page: a line of ranges per weekday, and a time-off form."""

from datetime import time

from django import forms
from django.utils.translation import gettext_lazy as _

from requests_app.schedule.models import Weekday


def _parse_ranges(text: str) -> list[tuple[time, time]]:
    """ "09:00-13:00, 14:00-18:00" -> [(09:00, 13:00), (14:00, 18:00)]; order is checked later."""
    ranges = []
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            bounds = part.replace("\u2013", "-").split("-")
            start, end = (time.fromisoformat(value.strip()) for value in bounds)
        except ValueError as exc:
            raise forms.ValidationError(
                _("Write ranges as 09:00-13:00, separated by commas (not %(part)s).") % {"part": repr(part)}
            ) from exc
        ranges.append((start, end))
    return ranges


class WorkingWeekForm(forms.Form):
    """One text field per weekday; the service checks overlaps and order."""

    def __init__(self, *args, week=None, **kwargs):
        super().__init__(*args, **kwargs)
        week = week or []
        for weekday in Weekday:
            initial = ", ".join(
                f"{start:%H:%M}-{end:%H:%M}" for day, start, end in week if day == weekday.value
            )
            self.fields[f"day_{weekday.value}"] = forms.CharField(
                label=weekday.label, required=False, initial=initial, max_length=200
            )
        self.fields["day_0"].help_text = _(
            "For example 09:00-13:00, 14:00-18:00. Leave a day empty to have it off."
        )

    def ranges(self) -> list[tuple[int, time, time]]:
        found = []
        for weekday in Weekday:
            found += [(weekday.value, start, end) for start, end in self.cleaned_data[f"day_{weekday.value}"]]
        return found

    def clean(self):
        cleaned = super().clean()
        for weekday in Weekday:
            name = f"day_{weekday.value}"
            if name in cleaned:
                try:
                    cleaned[name] = _parse_ranges(cleaned[name])
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return cleaned


class TimeOffForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    ends_at = forms.DateTimeField(
        label=_("Until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(required=False, max_length=120)
