"""householdsvc.core.geo.path_km: the same float as summing haversine_km over the legs."""

import random
from decimal import Decimal
from itertools import pairwise

import pytest

from householdsvc.core.geo import haversine_km, path_km


@pytest.mark.parametrize("count", [0, 1, 2, 3, 300])
@pytest.mark.parametrize("kind", [float, lambda value: Decimal(f"{value:.6f}")])
def test_the_same_float_as_the_legs_summed(count, kind):
    rng = random.Random(count)
    path = [(kind(rng.uniform(-89, 89)), kind(rng.uniform(-179, 179)), "extra") for _ in range(count)]
    legs = sum(haversine_km(a[0], a[1], b[0], b[1]) for a, b in pairwise(path))
    assert path_km(path) == legs
    assert type(path_km(path)) is type(legs)
