"""professional_list: who sees whom, and the search filters (including near + radius)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import selectors
from accounts.models import VerificationStatus
from householdsvc.core import errors
from householdsvc.core.geo import haversine_km
from tests.accounts.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

# Around Bengaluru: MG Road, Whitefield (~16 km east), Mysuru (~128 km south-west).
MG_ROAD = (Decimal("12.975300"), Decimal("77.605900"))
WHITEFIELD = (Decimal("12.969800"), Decimal("77.749900"))
MYSURU = (Decimal("12.295800"), Decimal("76.639400"))


def pro_at(position, **profile):
    return ProfessionalFactory(
        professional_profile__current_latitude=position[0],
        professional_profile__current_longitude=position[1],
        **{f"professional_profile__{name}": value for name, value in profile.items()},
    )


def ids(queryset):
    return {profile.user_id for profile in queryset}


def test_everyone_but_admins_sees_approved_active_professionals_only(
    customer, professional, pending_professional, admin_user
):
    rejected = ProfessionalFactory(professional_profile__verification_status=VerificationStatus.REJECTED)
    blocked = ProfessionalFactory(is_active=False)

    for viewer in (AnonymousUser(), customer, professional, pending_professional):
        assert ids(selectors.professional_list(user=viewer)) == {professional.pk}
    assert ids(selectors.professional_list(user=admin_user)) == {
        professional.pk,
        pending_professional.pk,
        rejected.pk,
        blocked.pk,
    }


def test_filters_by_service_pin_code_availability_and_ev(customer, service, dispatch_service):
    plumber = ProfessionalFactory(
        professional_profile__service=service, professional_profile__pin_code="560034"
    )
    ev_operator = ProfessionalFactory(
        professional_profile__service=dispatch_service,
        professional_profile__ev_certified=True,
        professional_profile__pin_code="560001",
    )
    resting = ProfessionalFactory(
        professional_profile__service=service, professional_profile__is_available=False
    )

    assert ids(selectors.professional_list(user=customer, service=service)) == {plumber.pk, resting.pk}
    assert ids(selectors.professional_list(user=customer, pin_code="560034")) == {plumber.pk}
    assert ids(selectors.professional_list(user=customer, ev_certified=True)) == {ev_operator.pk}
    assert ids(selectors.professional_list(user=customer, available=False)) == {resting.pk}


# The exact geometry is an admin's search; everyone else's is coarse (test_professional_search_privacy).
def test_near_keeps_those_within_the_radius_nearest_first(admin_user):
    whitefield = pro_at(WHITEFIELD)
    mg_road = pro_at(MG_ROAD)
    pro_at(MYSURU)

    found = list(selectors.professional_list(user=admin_user, near=MG_ROAD, radius_km=20))

    assert [profile.user_id for profile in found] == [mg_road.pk, whitefield.pk]
    expected = haversine_km(*map(float, MG_ROAD), *map(float, WHITEFIELD))
    assert found[1].distance_km == pytest.approx(expected, rel=1e-6)
    assert 15 < found[1].distance_km < 17


def test_a_small_radius_leaves_out_the_farther_professional(customer):
    pro_at(WHITEFIELD)
    mg_road = pro_at(MG_ROAD)

    assert ids(selectors.professional_list(user=customer, near="12.9753,77.6059", radius_km=5)) == {
        mg_road.pk
    }


def test_near_leaves_out_professionals_without_a_position(customer):
    pro_at((None, None))

    assert ids(selectors.professional_list(user=customer, near=MG_ROAD, radius_km=500)) == set()


def test_a_corner_of_the_bounding_box_is_not_inside_the_circle(admin_user):
    # 14 km north and 14 km east of MG Road: inside a 15 km box, ~19.8 km away.
    corner = pro_at((Decimal("13.101900"), Decimal("77.735300")))

    assert ids(selectors.professional_list(user=admin_user, near=MG_ROAD, radius_km=15)) == set()
    assert ids(selectors.professional_list(user=admin_user, near=MG_ROAD, radius_km=21)) == {corner.pk}


@pytest.mark.parametrize("near", ["12.9", "north,east", "95,10"])
def test_a_malformed_position_is_a_field_error(customer, near):
    with pytest.raises(errors.ValidationFailed) as caught:
        selectors.professional_list(user=customer, near=near)

    assert "near" in caught.value.errors


def test_a_pending_professional_sees_their_own_detail_but_others_do_not(pending_professional, customer):
    own = selectors.professional_get(user=pending_professional, professional_id=pending_professional.pk)

    assert own.user_id == pending_professional.pk
    with pytest.raises(errors.NotFound):
        selectors.professional_get(user=customer, professional_id=pending_professional.pk)


def test_the_document_is_found_only_for_its_owner_and_admins(
    pending_professional, professional, customer, admin_user
):
    for viewer in (pending_professional, admin_user):
        assert selectors.professional_document_get(user=viewer, professional_id=pending_professional.pk)
    for viewer in (AnonymousUser(), customer, professional):
        with pytest.raises(errors.NotFound):
            selectors.professional_document_get(user=viewer, professional_id=pending_professional.pk)
