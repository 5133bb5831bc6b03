"""Back office for the schedule: admins see and edit any professional's working hours and time
off. The forms run the schedule services' own checks (no overlapping or inverted ranges, no
time off in the past), so the admin cannot store what the API and pages refuse."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from householdsvc.core.errors import ValidationFailed
from requests_app.schedule import services
from requests_app.schedule.models import TimeOff, WorkingHours


def _as_form_errors(exc: ValidationFailed, fields) -> ValidationError:
    return ValidationError(
        {(field if field in fields else None): messages for field, messages in exc.errors.items()}
    )


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["professional", "weekday", "starts_at", "ends_at"]

    def clean(self):
        cleaned = super().clean()
        professional = cleaned.get("professional")
        if professional is None or None in (cleaned.get("starts_at"), cleaned.get("ends_at")):
            return cleaned
        others = WorkingHours.objects.filter(professional=professional).exclude(pk=self.instance.pk)
        week = [(h.weekday, h.starts_at, h.ends_at) for h in others]
        try:
            services.check_week([*week, (cleaned["weekday"], cleaned["starts_at"], cleaned["ends_at"])])
        except ValidationFailed as exc:
            raise ValidationError(exc.errors["ranges"]) from exc
        return cleaned


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["professional", "starts_at", "ends_at", "reason"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None and None not in (cleaned.get("starts_at"), cleaned.get("ends_at")):
            try:
                services.check_time_off(cleaned["starts_at"], cleaned["ends_at"], cleaned.get("reason", ""))
            except ValidationFailed as exc:
                raise _as_form_errors(exc, self.fields) from exc
        return cleaned


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    form = WorkingHoursForm
    list_display = ("professional", "weekday", "starts_at", "ends_at")
    list_filter = ("weekday",)
    search_fields = ("professional__email", "professional__full_name")
    raw_id_fields = ("professional",)
    list_select_related = ("professional",)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    form = TimeOffForm
    list_display = ("professional", "starts_at", "ends_at", "reason")
    search_fields = ("professional__email", "professional__full_name")
    raw_id_fields = ("professional",)
    list_select_related = ("professional",)
    date_hierarchy = "starts_at"
