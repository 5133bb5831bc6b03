"""Searching professionals `near` a point must not reveal a professional's live position.

A professional's current position follows their GPS during jobs. Only admins search and see
distances exactly; everyone else (anonymous visitors included) searches against a ~5 km grid
cell of it, with a radius of at least 5 km, and sees the distance in whole km, never below 1."""

from decimal import Decimal

import pytest

from accounts import selectors
from accounts.filters import PUBLIC_MIN_RADIUS_KM
from accounts.models import ProfessionalProfile, VerificationStatus
from householdsvc.core.geo import haversine_km
from tests.accounts.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

NON_ADMIN_ROLES = ["anonymous", "customer", "professional", "pending_professional"]
# The factory's position, and a point ~450 m from it in the same grid cell.
HERE = (Decimal("12.971600"), Decimal("77.594600"))
NEARBY = (Decimal("12.969000"), Decimal("77.598000"))
# ~1.4 km south-east of HERE, ~1.1 km from the centre of its grid cell.
AWAY = "12.960000,77.600000"


@pytest.fixture
def as_role(request, client_for):
    def make(role):
        return client_for(None if role == "anonymous" else request.getfixturevalue(role))

    return make


def search(client, near, radius_km=None):
    params = {"near": near}
    if radius_km is not None:
        params["radius_km"] = radius_km
    response = client.get("/api/v1/professionals/", params)
    assert response.status_code == 200, response.content
    return {row["id"]: row["distance_km"] for row in response.json()["results"]}


def move(user, position):
    ProfessionalProfile.objects.filter(user=user).update(
        current_latitude=position[0], current_longitude=position[1]
    )


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_a_non_admin_gets_the_distance_in_whole_km_never_below_one(as_role, role, professional):
    client = as_role(role)

    for near in ("12.9716,77.5946", AWAY, "12.9,77.5"):
        distance = search(client, near, radius_km=50)[professional.pk]
        assert isinstance(distance, int)
        assert distance >= 1


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_a_non_admin_cannot_narrow_the_search_with_a_tiny_radius(as_role, role, professional):
    # Exactly, the professional is ~1.4 km from AWAY: outside 0.1 km, inside the 5 km floor.
    assert search(as_role(role), AWAY, radius_km="0.1") == {professional.pk: 1}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_a_live_move_inside_the_same_area_changes_nothing_a_non_admin_sees(as_role, role, professional):
    client = as_role(role)
    points = ["12.9716,77.5946", "12.969,77.598", AWAY, "12.94,77.63", "13.02,77.58"]
    radii = ["0.1", "2", "5", "6.5"]
    before = [search(client, near, radius) for near in points for radius in radii]

    move(professional, NEARBY)

    assert [search(client, near, radius) for near in points for radius in radii] == before


def test_the_public_distance_is_coarse_within_a_few_km_of_the_truth(client_for, customer, professional):
    exact = haversine_km(12.96, 77.60, *map(float, HERE))

    coarse = search(client_for(customer), AWAY, radius_km=50)[professional.pk]

    assert abs(coarse - exact) <= 4


def test_an_admin_gets_the_exact_distance_and_can_narrow_the_radius(client_for, admin_user, professional):
    client = client_for(admin_user)
    exact = haversine_km(12.96, 77.60, *map(float, HERE))

    assert search(client, AWAY, radius_km=50) == {professional.pk: round(exact, 1)}
    assert search(client, "12.9716,77.5946", radius_km="0.1") == {professional.pk: 0.0}
    assert search(client, AWAY, radius_km="0.1") == {}


def test_an_admin_sees_a_live_move_inside_the_same_area(client_for, admin_user, professional):
    client = client_for(admin_user)
    before = search(client, "12.9716,77.5946", radius_km="0.1")

    move(professional, NEARBY)

    assert before == {professional.pk: 0.0}
    assert search(client, "12.9716,77.5946", radius_km="0.1") == {}


@pytest.mark.parametrize("role", NON_ADMIN_ROLES)
def test_pending_and_blocked_professionals_stay_hidden_from_a_near_search(
    as_role, role, professional, pending_professional
):
    blocked = ProfessionalFactory(is_active=False)
    rejected = ProfessionalFactory(professional_profile__verification_status=VerificationStatus.REJECTED)

    found = search(as_role(role), "12.9716,77.5946", radius_km=50)

    assert set(found) == {professional.pk}
    assert not {pending_professional.pk, blocked.pk, rejected.pk} & set(found)


def test_an_admin_near_search_still_finds_pending_and_blocked_professionals_exactly(
    client_for, admin_user, professional, pending_professional
):
    blocked = ProfessionalFactory(is_active=False)

    found = search(client_for(admin_user), "12.9716,77.5946", radius_km="0.1")

    assert found == {professional.pk: 0.0, pending_professional.pk: 0.0, blocked.pk: 0.0}


def test_the_selector_applies_the_same_rule_for_customers_and_admins(customer, admin_user, professional):
    coarse = list(selectors.professional_list(user=customer, near=AWAY, radius_km="0.1"))
    exact = list(selectors.professional_list(user=admin_user, near=AWAY, radius_km=50))

    assert [profile.user_id for profile in coarse] == [professional.pk]
    assert exact[0].distance_km == pytest.approx(haversine_km(12.96, 77.60, *map(float, HERE)), rel=1e-6)
    assert selectors.professional_list(user=admin_user, near=AWAY, radius_km="0.1").count() == 0


def test_the_schema_says_the_public_distance_is_whole_km_and_the_radius_has_a_floor(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/professionals/"]["get"]["parameters"]}

    public = components["Professional"]["properties"]["distance_km"]
    assert public["type"] == "integer"
    assert public["minimum"] == 1
    assert public["nullable"] is True
    assert components["ProfessionalAdmin"]["properties"]["distance_km"]["type"] == "number"
    assert f"{PUBLIC_MIN_RADIUS_KM} km" in parameters["radius_km"]["description"]
