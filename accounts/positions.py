"""A professional's own position while available (no job needed): their page or app reports it
every POSITION_REPORT_SECONDS, and dispatch counts only positions fresher than
POSITION_STALE_MINUTES. The newest report wins, decided in the UPDATE itself, so a late report
never moves them back; the trip's points on a job (tracking) move the same columns."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import ProfessionalProfile
from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.validation import REQUIRED, position, raise_if_invalid


def professional_position_report(*, user, latitude, longitude) -> ProfessionalProfile:
    if not (user.is_active and user.is_professional):
        raise NotAllowed(gettext("Only professionals report their position."))
    errors: dict[str, list[str]] = {}
    latitude, longitude = position(latitude, longitude, errors)
    if latitude is None and not errors:
        errors["latitude"] = [gettext(REQUIRED)]
    raise_if_invalid(errors)
    profile = ProfessionalProfile.objects.get(user_id=user.pk)
    if not profile.is_available:
        # Nothing to match them for; keeping their whereabouts would only be tracking them.
        raise Conflict(
            gettext("Switch availability on to share your position for offers."), code="not_available"
        )
    now = timezone.now()
    ProfessionalProfile.objects.filter(user_id=user.pk, is_available=True).update(
        current_latitude=latitude, current_longitude=longitude, position_updated_at=now
    )
    profile.current_latitude, profile.current_longitude, profile.position_updated_at = (
        latitude,
        longitude,
        now,
    )
    return profile
