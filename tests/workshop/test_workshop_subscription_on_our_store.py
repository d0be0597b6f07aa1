"""What the workshop's own subscriptions do on our store (the double restates its loop): they
read whole categories and keep replies addressed to a catalog stream on the client. Replies to
others cost it nothing while a reply of its own follows within a read batch; 100 or more in a
row (one batch) stall it for good, re-reading the same batch every tick, while our catalog's
subscription, filtered in the database, goes past them. Its positions (`Read`, every 100
handled messages, no metadata) are stored beside ours and show in our admin's subscriber list.
"""

from __future__ import annotations

import pytest

from message_store import queries
from message_store.consumer import POSITION_CATEGORY
from message_store.store import MessageStore
from tests.workshop import controls
from tests.workshop.controls import run_ours
from tests.workshop.double import Workshop, WorkshopSubscription

SUBSCRIBER = "catalogTranscodeEventConsumer"


@pytest.fixture
def sql_positions(store: MessageStore):
    """The stored position of each subscriber, as our admin's subscriber list reads them."""

    def positions() -> dict[str, int]:
        with store.connection() as connection:
            rows = connection.execute(
                queries.SUBSCRIBER_POSITIONS_SQL, {"category": POSITION_CATEGORY}
            ).fetchall()
        return {subscriber: position for subscriber, position, *_ in rows}

    return positions


def foreign_replies(store: MessageStore, count: int, first: int) -> None:
    """Replies of the transcode category addressed to another component's stream."""
    for n in range(first, first + count):
        job = controls.shape_id(5000 + n)
        controls.Shape(
            controls.shape_id(6000 + n),
            f"transcode-{job}",
            "Transcoded",
            {"transcodeId": job, "uri": "x", "transcodedUri": "y"},
            {"originStreamName": f"thumbnails-{job}"},
        ).write(store)


def their_reply_subscription(workshop: Workshop) -> WorkshopSubscription:
    [subscription] = [s for s in workshop.subscriptions() if s.subscriber_id == SUBSCRIBER]
    return subscription


def test_replies_to_others_before_one_of_its_own_are_passed(store):
    controls.v0_started().write(store)
    foreign_replies(store, 50, 0)
    reply = controls.v0_transcoded().write(store)
    workshop = Workshop()
    subscription = their_reply_subscription(workshop)

    handled = subscription.tick(store, workshop.errors)

    assert (handled, subscription.current_position) == (1, reply.global_position)
    assert [m.type for m in store.read_stream(controls.catalog_stream())] == [
        "Started",
        "Transcoded",
    ]


def test_a_full_batch_of_replies_to_others_stalls_it_for_good_but_not_ours(store):
    controls.v0_started().write(store)
    foreign_replies(store, 100, 0)
    controls.v0_transcoded().write(store)
    workshop = Workshop()
    subscription = their_reply_subscription(workshop)

    ticks = [subscription.tick(store, workshop.errors) for _ in range(5)]

    assert (ticks, subscription.current_position, workshop.errors) == ([0] * 5, 0, [])
    assert [m.type for m in store.read_stream(controls.catalog_stream())] == ["Started"]

    run_ours(store, "catalog-transcode-events")

    assert [m.type for m in store.read_stream(controls.catalog_stream())] == [
        "Started",
        "Transcoded",
    ]


def test_its_positions_are_stored_every_100_messages_and_listed_with_ours(store, sql_positions):
    for n in range(150):
        controls.v0_catalog_from_the_web(controls.shape_id(7000 + n), n=8000 + n).write(store)
    workshop = Workshop()
    [commands] = [
        s for s in workshop.subscriptions() if s.subscriber_id == "catalogCommandConsumer"
    ]

    while commands.tick(store, workshop.errors):
        pass

    [read] = store.read_stream("subscriberPosition-catalogCommandConsumer")
    assert (read.type, read.data, read.metadata) == ("Read", {"position": 100}, {})
    restarted = Workshop().subscriptions()[0]
    restarted.load_position(store)
    assert restarted.current_position == 100  # 50 to handle again: its handlers are idempotent
    assert sql_positions()["catalogCommandConsumer"] == 100
