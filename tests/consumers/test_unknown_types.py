"""Messages of types the subscription has no handler for are skipped, and the position passes
them: nothing is parked, nothing stalls."""

from __future__ import annotations

import logging

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import (
    SUBSCRIBER_ID,
    UNKNOWN_TYPE,
    Recorder,
    last_position,
    message_example,
    parked,
    settings_example,
    stored,
    subscription_example,
)


def test_unknown_types_are_skipped(store: MessageStore) -> None:
    known = [stored(store, message_example(n)) for n in (1, 3)]
    unknown = [stored(store, message_example(n, type=UNKNOWN_TYPE)) for n in (4, 5)]
    recorder = Recorder()

    handled = Consumer(
        [subscription_example(recorder)], store=store, settings=settings_example()
    ).run(until_idle=True)

    assert handled == 2
    assert recorder.handled == [m.id for m in known]
    assert set(recorder.attempts) == {m.id for m in known}
    assert last_position(store, SUBSCRIBER_ID) == unknown[-1].global_position
    assert parked() == []


def test_a_skipped_type_is_named_in_a_debug_line(store: MessageStore, caplog) -> None:
    unknown = stored(store, message_example(1, type=UNKNOWN_TYPE))
    caplog.set_level(logging.DEBUG, logger="message_store.consumer")

    Consumer([subscription_example(Recorder())], store=store, settings=settings_example()).run(
        until_idle=True
    )

    [line] = [r for r in caplog.records if r.levelno == logging.DEBUG and "skipped" in r.message]
    assert f"skipped {UNKNOWN_TYPE} {unknown.id}" in line.message
    assert SUBSCRIBER_ID in line.message
