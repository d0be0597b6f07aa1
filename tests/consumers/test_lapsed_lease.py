"""A leased slot whose renewal stops (a keeper cut off by a silent network, or stuck) lapses after
LEASE_SECONDS: the consumer stops handling its messages, although the lock may still be held,
because the server may soon free it for another member; a renewal brings it back."""

from __future__ import annotations

import time

import psycopg
import pytest

from message_store.consumer import Consumer
from message_store.slots import LEASE_SECONDS, LeasedSlots
from message_store.store import MessageStore
from tests.consumers.controls import (
    ConsumerThread,
    Recorder,
    settings_example,
    subscription_example,
    wait_until,
    write_examples,
)


@pytest.mark.slow
def test_a_slot_not_renewed_stops_being_handled_until_renewed(store: MessageStore) -> None:
    recorder = Recorder()
    leases = LeasedSlots("lapse-example", 1)
    consumer = Consumer(
        [subscription_example(recorder)], store=store, settings=settings_example(), slots=leases
    )
    thread = ConsumerThread(consumer)
    with psycopg.connect(store.conninfo, autocommit=True) as session:  # the keeper's, driven here
        leases.join(session)
        leases.renew(session)
        thread.start()
        try:
            [first] = write_examples(store, range(1, 2))
            wait_until(lambda: recorder.handled == [first.id], timeout=10, what="the first")
            time.sleep(LEASE_SECONDS)  # no renewal: the lease lapses

            [second] = write_examples(store, range(2, 3))
            time.sleep(1.0)
            handled_while_lapsed = list(recorder.handled)
            leases.renew(session)

            wait_until(
                lambda: recorder.handled == [first.id, second.id],
                timeout=10,
                what="the second once renewed",
            )
        finally:
            thread.stop()
            leases.leave(session)
    assert handled_while_lapsed == [first.id]
    assert thread.error is None
