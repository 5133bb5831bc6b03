"""``/readyz`` checks each dependency with its own timeout: with one that hangs (a server that
accepts connections and never answers) it still answers within about 3 s, a 503 that names the
hung dependency and the others as up."""

import pytest
import requests

from tests.faults.servers import HangingServer

# The probe's own budget is READY_TIMEOUT_SECONDS (2 s) and a little; past this, it hung.
PROBE_WAIT = 3.5

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hanging():
    server = HangingServer()
    yield server
    server.close()


def test_a_hung_redis_is_named_and_the_database_is_up(serve, hanging, test_database_url):
    server = serve(DATABASE_URL=test_database_url, REDIS_URL=f"redis://127.0.0.1:{hanging.port}/0")

    response = requests.get(f"{server.url}/readyz", timeout=PROBE_WAIT)

    assert response.status_code == 503
    body = response.json()
    assert sorted(body["down"]) == ["broker", "cache"]
    assert body["up"] == ["database"]
    # Asked again while the first checks still hang: the same answer, as quickly.
    again = requests.get(f"{server.url}/readyz", timeout=PROBE_WAIT)
    assert (again.status_code, sorted(again.json()["down"])) == (503, ["broker", "cache"])


def test_a_hung_database_is_named_and_redis_is_up(serve, hanging, own_redis):
    server = serve(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{hanging.port}/householdsvc", REDIS_URL=own_redis.url
    )

    response = requests.get(f"{server.url}/readyz", timeout=PROBE_WAIT)

    assert response.status_code == 503
    assert response.json()["down"] == {"database": response.json()["down"]["database"]}
    assert response.json()["up"] == ["cache", "broker"]
