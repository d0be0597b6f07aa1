"""The videos component declares the aggregator's two subscriptions."""

import pytest

from catalog import messages
from videos import aggregator


def test_subscriptions():
    pytest.importorskip("message_store.consumer")
    from videos.component import subscriptions

    by_id = {subscription.subscriber_id: subscription for subscription in subscriptions()}

    assert set(by_id) == {"videos-aggregator-commands", "videos-aggregator"}
    commands, events = by_id["videos-aggregator-commands"], by_id["videos-aggregator"]
    assert commands.category == messages.COMMAND_CATEGORY
    assert events.category == messages.CATEGORY
    assert set(commands.handlers) == {"Catalog"}
    assert set(events.handlers) == {
        "Started",
        "Transcoded",
        "TranscodeFailed",
        "Transcribed",
        "TranscribeFailed",
        "Cataloged",
        "DetailsChanged",
        "VisibilityChanged",
        "Deleted",
    }
    assert events.handlers is aggregator.EVENT_HANDLERS
