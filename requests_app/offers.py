"""Offers and dispatch rounds: who a request is put to, and what happens when nobody takes it.

A new request opens round 1 in the transaction that creates it: ``Offer`` rows for the
candidates of ``requests_app.matching`` (roadside: DISPATCH_BATCH of the nearest, those within
DISPATCH_FAIRNESS_KM of the nearest one first, longest without a job leading; each offer open
for DISPATCH_OFFER_SECONDS; household: everybody serving the pin code, with no timer). When no
offer of the current round is live any more (they expired, were declined or withdrawn) the
round *advances*: its open offers are marked expired and the next round goes to the nearest
not offered yet; after DISPATCH_MAX_ROUNDS, or when nobody is left in range, the request is
flagged unmatched (``unmatched_at``, an event, the customer told) and waits for an admin.

Advancing runs from Celery: a countdown task per round and a beat sweep
(``requests_app.tasks``). Both take the request's row lock and name the round they mean to
close, so a round is advanced once whoever comes first, a request taken meanwhile sends no more,
and the unique (request, professional) pair keeps anybody from being offered it twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from householdsvc.core.errors import Conflict, NotAllowed
from householdsvc.core.transactions import on_commit_robust
from requests_app import notifications, offer_events
from requests_app.matching import fair_order, household_candidates, nearest_professionals
from requests_app.models import Action, Offer, OfferState, RequestEvent, ServiceRequest, Status
from requests_app.selectors import live_offer_q

logger = logging.getLogger(__name__)

# Seconds the round's timer waits beyond the offers' expiry, so they are past it when it fires.
TIMER_MARGIN_SECONDS = 1

# --- Reads ----------------------------------------------------------------------------------


def offer_list(*, user, now=None) -> QuerySet[Offer]:
    """The professional's live offers of requests still open, newest first (none for others)."""
    if not (user.is_authenticated and user.is_active and user.is_professional):
        return Offer.objects.none()
    return (
        Offer.objects.filter(live_offer_q(now), professional_id=user.pk, request__status=Status.REQUESTED)
        .select_related("request__service")
        .order_by("-offered_at", "-id")
    )


def has_offer(user, service_request: ServiceRequest) -> bool:
    """Whether the request was ever offered to this user, in any state: such a professional
    may have seen it, so learning it has been taken (409) leaks nothing."""
    return Offer.objects.filter(request_id=service_request.pk, professional_id=user.pk).exists()


# --- Rounds ---------------------------------------------------------------------------------


def _candidates(service_request: ServiceRequest, now) -> list:
    offered = Offer.objects.filter(request_id=service_request.pk, professional_id=OuterRef("pk"))
    if service_request.service.is_dispatch:
        nearest = nearest_professionals(
            service_request=service_request, now=now, exclude_offered=True, with_last_job=True
        )
        return fair_order(nearest)[: settings.DISPATCH_BATCH]
    return list(household_candidates(service_request=service_request).exclude(Exists(offered)))


def _event(service_request: ServiceRequest, action: str, note: str) -> None:
    RequestEvent.objects.create(
        request=service_request,
        action=action,
        from_status=service_request.status,
        to_status=service_request.status,
        actor=None,
        note=note,
    )


def _flag_unmatched(service_request: ServiceRequest, now, reason: str) -> None:
    service_request.unmatched_at = now
    service_request.save(update_fields=["unmatched_at", "updated_at"])
    _event(service_request, Action.UNMATCHED, reason)
    on_commit_robust(notifications.unmatched_notify, service_request.pk)


def _open_round(service_request: ServiceRequest, now, *, only=None, note="") -> list[Offer]:
    """Offer the request to the next candidates, or flag it unmatched when there are none.
    ``only``: to that one professional alone, timed like a dispatch offer (a series' first
    offer to whoever did the last one); the next round is the usual one, without them."""
    round_number = service_request.dispatch_round + 1
    professionals = [only] if only is not None else _candidates(service_request, now)
    if not professionals:
        reason = "Nobody suitable is in range." if round_number == 1 else "Nobody else is in range."
        _flag_unmatched(service_request, now, reason)
        return []
    timed = service_request.service.is_dispatch or only is not None
    expires_at = now + timedelta(seconds=settings.DISPATCH_OFFER_SECONDS) if timed else None
    offers = Offer.objects.bulk_create(
        [
            Offer(
                request=service_request,
                professional=professional,
                round=round_number,
                distance_km=(
                    round(professional.distance_km, 2) if getattr(professional, "distance_km", None) else None
                ),
                offered_at=now,
                expires_at=expires_at,
            )
            for professional in professionals
        ]
    )
    service_request.dispatch_round = round_number
    service_request.save(update_fields=["dispatch_round", "updated_at"])
    _event(
        service_request,
        Action.OFFER,
        note or f"Round {round_number}: offered to {len(offers)} professional(s).",
    )
    offer_ids = [offer.pk for offer in offers]
    on_commit_robust(offer_events.announce_offers, offer_ids)
    on_commit_robust(notifications.offers_notify, offer_ids)
    if timed:
        on_commit_robust(_start_timer, service_request.pk, round_number)
    return offers


def _start_timer(request_id: int, round_number: int) -> None:
    # Imported here: the task module imports this one.
    from requests_app.tasks import dispatch_round_due

    dispatch_round_due.apply_async(
        args=[request_id, round_number],
        countdown=settings.DISPATCH_OFFER_SECONDS + TIMER_MARGIN_SECONDS,
    )


def _advance(service_request: ServiceRequest, now) -> bool:
    """On the locked request: close the current round if nothing in it is live any more, then
    open the next one or flag the request unmatched. False when there was nothing to do."""
    if service_request.status != Status.REQUESTED or service_request.unmatched_at is not None:
        return False
    if service_request.dispatch_round == 0:
        _open_round(service_request, now)
        return True
    current = Offer.objects.filter(request_id=service_request.pk, round=service_request.dispatch_round)
    if current.filter(live_offer_q(now)).exists():
        return False
    current.filter(state=OfferState.OPEN).update(state=OfferState.EXPIRED, closed_at=now)
    on_commit_robust(offer_events.announce_gone, service_request.pk)
    if service_request.service.is_dispatch and service_request.dispatch_round >= settings.DISPATCH_MAX_ROUNDS:
        _flag_unmatched(
            service_request, now, f"Nobody took it in {service_request.dispatch_round} round(s) of offers."
        )
    else:
        _open_round(service_request, now)
    return True


def offers_open_first_round(*, service_request: ServiceRequest, first_to=None) -> list[Offer]:
    """Round 1 of a request just created, in the transaction that created it. ``first_to`` (a
    series' next occurrence: who did the last one): round 1 goes to them alone, for
    DISPATCH_OFFER_SECONDS, when they suit it and are free then; the usual round follows when
    they decline or let it expire. Otherwise round 1 is the usual one."""
    now = timezone.now()
    if first_to is not None and not service_request.service.is_dispatch:
        only = household_candidates(service_request=service_request).filter(pk=first_to.pk).first()
        if only is not None:
            note = (
                f"Round 1: offered first to {only.full_name} (#{only.pk}), "
                "who did the last one of the series."
            )
            return _open_round(service_request, now, only=only, note=note)
    return _open_round(service_request, now)


def offer_round_advance(*, request_id, after_round: int | None = None, now=None) -> bool:
    """Close round ``after_round`` of the request if it is over and send the next one (the
    countdown task and the sweep call this). A round already advanced, a request taken,
    cancelled or unmatched meanwhile: nothing happens."""
    with transaction.atomic():
        service_request = (
            ServiceRequest.objects.select_for_update().select_related("service").filter(pk=request_id).first()
        )
        if service_request is None:
            return False
        if after_round is not None and service_request.dispatch_round != after_round:
            return False
        return _advance(service_request, now or timezone.now())


def offers_due(*, now=None) -> list[tuple[int, int]]:
    """(request id, round) of the open requests whose current round has nothing live left."""
    live = Offer.objects.filter(
        live_offer_q(now), request_id=OuterRef("pk"), round=OuterRef("dispatch_round")
    )
    return list(
        ServiceRequest.objects.filter(
            status=Status.REQUESTED, unmatched_at__isnull=True, dispatch_round__gt=0
        )
        .exclude(Exists(live))
        .values_list("pk", "dispatch_round")
    )


def offers_sweep(*, now=None) -> int:
    """Advance every round that is over (the beat job; the countdown tasks are the fast path,
    this catches a timer lost with a worker or a broker). Returns how many advanced."""
    now = now or timezone.now()
    return sum(
        offer_round_advance(request_id=request_id, after_round=round_number, now=now)
        for request_id, round_number in offers_due(now=now)
    )


# --- Hooks of the status machine (called by requests_app.services on the locked request) -------


def _ensure_live(offer: Offer | None, now) -> None:
    if offer is None or offer.state == OfferState.DECLINED:
        raise NotAllowed(gettext("This request is not offered to you."), code="not_offered")
    if offer.state == OfferState.EXPIRED or (
        offer.state == OfferState.OPEN and offer.expires_at is not None and offer.expires_at <= now
    ):
        raise Conflict(gettext("Your offer for this request has expired."), code="offer_expired")
    if offer.state != OfferState.OPEN:
        raise Conflict(gettext("Your offer for this request was withdrawn."), code="offer_withdrawn")


def _withdraw_open(service_request: ServiceRequest, now, *, keep=None) -> None:
    others = Offer.objects.filter(request_id=service_request.pk, state=OfferState.OPEN)
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    others.update(state=OfferState.WITHDRAWN, closed_at=now)
    on_commit_robust(offer_events.announce_gone, service_request.pk)


def offer_take(*, service_request: ServiceRequest, professional) -> Offer:
    """The professional takes the request: their offer must be live. Every other open offer of
    the request is withdrawn."""
    now = timezone.now()
    offer = Offer.objects.filter(request_id=service_request.pk, professional_id=professional.pk).first()
    _ensure_live(offer, now)
    profile = getattr(professional, "professional_profile", None)
    if profile is not None and not profile.is_available:
        raise Conflict(
            gettext("You are not available for work: switch availability on first."), code="not_available"
        )
    offer.state, offer.closed_at = OfferState.ACCEPTED, now
    offer.save(update_fields=["state", "closed_at"])
    _withdraw_open(service_request, now, keep=offer)
    return offer


def offer_decline(*, service_request: ServiceRequest, professional) -> None:
    """The professional turns their live offer down; when it was the round's last live one the
    next round goes out at once."""
    now = timezone.now()
    offer = Offer.objects.filter(request_id=service_request.pk, professional_id=professional.pk).first()
    _ensure_live(offer, now)
    offer.state, offer.closed_at = OfferState.DECLINED, now
    offer.save(update_fields=["state", "closed_at"])
    _advance(service_request, now)


def offers_assigned(*, service_request: ServiceRequest) -> None:
    """An admin assigned the request: the assignee's open offer counts as accepted, the rest go."""
    now = timezone.now()
    Offer.objects.filter(
        request_id=service_request.pk, professional_id=service_request.professional_id, state=OfferState.OPEN
    ).update(state=OfferState.ACCEPTED, closed_at=now)
    _withdraw_open(service_request, now)


def offers_withdraw(*, service_request: ServiceRequest) -> None:
    """The request is off (cancelled): nobody may take it any more."""
    _withdraw_open(service_request, timezone.now())


def offers_redispatch(*, service_request: ServiceRequest) -> list[Offer]:
    """The request is open again (moved to a time its professional is not free): it is offered
    anew from round 1 to whoever suits it now. The old offers go (the trail keeps the rounds)."""
    Offer.objects.filter(request_id=service_request.pk).delete()
    service_request.dispatch_round, service_request.unmatched_at = 0, None
    return _open_round(service_request, timezone.now())


def offers_withdraw_for_professional(*, professional_id) -> int:
    """The professional switched availability off: their open offers go at once, and the rounds
    they leave with nothing live advance (through the countdown task, right away)."""
    now = timezone.now()
    with transaction.atomic():
        offers = Offer.objects.filter(professional_id=professional_id, state=OfferState.OPEN)
        pairs = list(offers.values_list("request_id", "round"))
        count = offers.update(state=OfferState.WITHDRAWN, closed_at=now)
        for request_id, round_number in pairs:
            on_commit_robust(_advance_now, request_id, round_number)
    return count


def _advance_now(request_id: int, round_number: int) -> None:
    from requests_app.tasks import dispatch_round_due

    dispatch_round_due.delay(request_id, round_number)


def withdraw_on_availability_off(sender, *, professional_id, **kwargs) -> None:
    """Receiver of ``accounts.signals.availability_switched_off``."""
    offers_withdraw_for_professional(professional_id=professional_id)
