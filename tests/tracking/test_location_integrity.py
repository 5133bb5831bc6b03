"""The points keep to their request and reporter without foreign-key checks in the database
(each cost a lookup per point written): a batch holds its request's row (tests of the locks:
test_ingest_locks.py), its reporter is the request's professional, whom the request protects,
and deleting through Django takes the points along."""

import pytest
from django.db.models import ProtectedError

from accounts.models import User
from requests_app.models import ServiceRequest
from tests.accounts.factories import ProfessionalFactory
from tests.tracking.factories import LocationUpdateFactory
from tracking.models import LocationUpdate

pytestmark = pytest.mark.django_db


def test_a_request_deleted_takes_its_points_and_leaves_the_others(en_route_request, in_state):
    other = in_state("on_site")
    LocationUpdateFactory.create_batch(3, request=en_route_request)
    kept = LocationUpdateFactory(request=other)

    ServiceRequest.objects.filter(pk=en_route_request.pk).delete()

    assert list(LocationUpdate.objects.values_list("id", flat=True)) == [kept.pk]


def test_a_reporter_deleted_takes_their_points(en_route_request):
    stand_in = ProfessionalFactory(email="stand-in@example.com")
    LocationUpdateFactory.create_batch(2, request=en_route_request, reported_by=stand_in)
    theirs = LocationUpdateFactory(request=en_route_request)

    User.objects.filter(pk=stand_in.pk).delete()

    assert list(LocationUpdate.objects.values_list("id", flat=True)) == [theirs.pk]


def test_the_professional_of_a_request_cannot_be_deleted(en_route_request, professional):
    LocationUpdateFactory(request=en_route_request)

    with pytest.raises(ProtectedError):
        User.objects.filter(pk=professional.pk).delete()

    assert LocationUpdate.objects.filter(reported_by=professional).count() == 1
