"""``AskedFilterBackend`` builds a FilterSet only when the query names one of its parameters.

That is right only for FilterSets whose every filter takes one parameter of its own name and
filters nothing when it is absent: the FilterSets it serves are held to that here, so a filter
added later that takes other parameters (a range's ``_min``/``_max``) or filters by default
fails this test instead of being skipped silently."""

import pytest
from django_filters.widgets import SuffixedMultiWidget

from householdsvc.core.filters import AskedFilterBackend, filters_asked
from requests_app.api.views import ServiceRequestViewSet
from requests_app.filters import ServiceRequestFilter
from reviews.api.views import ReviewViewSet
from reviews.filters import ReviewFilter

SERVED = [(ServiceRequestViewSet, ServiceRequestFilter), (ReviewViewSet, ReviewFilter)]


@pytest.mark.parametrize(("viewset", "filterset_class"), SERVED)
def test_the_lists_use_it_with_their_filter_set(viewset, filterset_class):
    assert viewset.filter_backends == [AskedFilterBackend]
    assert viewset.filterset_class is filterset_class


@pytest.mark.parametrize("filterset_class", [filterset for _, filterset in SERVED])
def test_every_filter_takes_one_parameter_of_its_own_name_and_has_no_default(filterset_class):
    form = filterset_class({}).form
    for name, base_filter in filterset_class.base_filters.items():
        assert not isinstance(form.fields[name].widget, SuffixedMultiWidget), name
        assert base_filter.extra.get("initial") is None, name
    # An empty query filters nothing: the FilterSet's queryset is the one it was given.
    assert filterset_class({}).is_valid()


def test_filters_asked_reads_only_the_filter_sets_parameters():
    assert filters_asked(ServiceRequestFilter, {}) is False
    assert filters_asked(ServiceRequestFilter, {"page": "2", "page_size": "50"}) is False
    assert filters_asked(ServiceRequestFilter, {"status": ""}) is True
    assert filters_asked(ServiceRequestFilter, {"page": "2", "ordering": "-created_at"}) is True
    assert filters_asked(ReviewFilter, {"rating_min": "4"}) is True


@pytest.mark.django_db
def test_a_bad_filter_value_is_still_refused_and_paging_alone_is_not_filtering(client_for, customer):
    client = client_for(customer)

    refused = client.get("/api/v1/requests/", {"status": "lost", "page_size": "10"})
    paged = client.get("/api/v1/requests/", {"page_size": "10"})

    assert refused.status_code == 400
    assert "status" in refused.json()["errors"]
    assert paged.status_code == 200
    assert paged.json()["results"] == []
