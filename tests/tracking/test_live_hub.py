"""Watchers of one request in one server process share one subscription to its group
(tracking.live_hub): one leaving takes nothing from the others, and the last to leave and the
next to come find the feed working."""

import pytest

from tests.tracking.factories import track_json
from tests.tracking.test_websocket import next_message, own_loop, post_batch, token_for, watching
from tracking import live_hub

pytestmark = pytest.mark.django_db(transaction=True)


@own_loop
async def test_a_watcher_leaving_does_not_stop_the_others_and_the_next_one_hears_again(
    en_route_request, professional, admin_user
):
    group = f"request_{en_route_request.pk}"
    async with watching(en_route_request.pk, token=token_for(professional)) as (_, staying):
        assert (await next_message(staying))["type"] == "status"
        async with watching(en_route_request.pk, token=token_for(admin_user)) as (_, leaving):
            assert (await next_message(leaving))["type"] == "status"
            assert len(live_hub.hub().groups[group].members) == 2

        await post_batch(professional, en_route_request, track_json(1, newest_seconds_ago=30))
        assert (await next_message(staying))["point"]["latitude"] == "12.900000"
        assert len(live_hub.hub().groups[group].members) == 1

    assert group not in live_hub.hub().groups  # the last one out unsubscribed
    async with watching(en_route_request.pk, token=token_for(admin_user)) as (_, coming):
        assert (await next_message(coming))["type"] == "status"
        assert (await next_message(coming))["type"] == "location"  # the latest, on connect
        await post_batch(professional, en_route_request, track_json(2, newest_seconds_ago=10))
        assert (await next_message(coming))["point"]["latitude"] == "12.900100"
