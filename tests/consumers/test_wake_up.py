"""A running consumer reacts within milliseconds, not at its safety poll: to the notification
of its category, and to writes that committed without notifying (the store lets only one
transaction per category notify at a time) or that the read horizon held back."""

from __future__ import annotations

import time

import psycopg

from message_store.consumer import Consumer
from message_store.store import MessageStore
from tests.consumers.controls import (
    CATEGORY,
    HANDLED_TYPE,
    ConsumerThread,
    Recorder,
    id_example,
    settings_example,
    subscription_example,
    wait_until,
)

SLOW_POLL = settings_example(poll_interval=60)
"""A safety poll far beyond the test's deadline: only wake-ups can make it pass."""


def write_in_transaction(store: MessageStore, n: int) -> psycopg.Connection:
    """Open a transaction that writes message n, and leave it open."""
    connection = psycopg.connect(store.conninfo)
    connection.execute(
        "SELECT message_store.write_message(%s, %s, %s, '{}')",
        (id_example(n), f"{CATEGORY}-{n}", HANDLED_TYPE),
    )
    return connection


def running(store: MessageStore, recorder: Recorder) -> ConsumerThread:
    thread = ConsumerThread(
        Consumer([subscription_example(recorder)], store=store, settings=SLOW_POLL)
    )
    thread.start()
    time.sleep(0.3)  # listening, caught up, and waiting
    return thread


def test_a_notified_write_is_handled_at_once(store: MessageStore) -> None:
    recorder = Recorder()
    thread = running(store, recorder)
    try:
        write_in_transaction(store, 1).commit()
        wait_until(lambda: recorder.handled == [id_example(1)], timeout=2, what="handling")
    finally:
        thread.stop()


def test_a_write_that_did_not_notify_is_handled_by_the_follow_up_reads(
    store: MessageStore,
) -> None:
    recorder = Recorder()
    thread = running(store, recorder)
    try:
        notifier = write_in_transaction(store, 1)
        silent = write_in_transaction(store, 2)  # the notify gate is taken: no notification
        notifier.commit()
        wait_until(lambda: id_example(1) in recorder.handled, timeout=2, what="the notifier")
        time.sleep(0.1)
        silent.commit()

        wait_until(
            lambda: recorder.handled == [id_example(1), id_example(2)],
            timeout=3,
            what="the silent write, long before the 60 s poll",
        )
    finally:
        thread.stop()


def test_a_write_held_back_by_an_open_transaction_is_handled_when_it_ends(
    store: MessageStore,
) -> None:
    recorder = Recorder()
    thread = running(store, recorder)
    try:
        blocker = psycopg.connect(store.conninfo)
        blocker.execute(
            "SELECT message_store.write_message(%s, 'elsewhere-1', 'Other', '{}')",
            (id_example(99),),
        )
        write_in_transaction(store, 1).commit()  # committed, but above the horizon for now
        time.sleep(0.3)
        assert recorder.handled == []
        blocker.commit()

        wait_until(lambda: recorder.handled == [id_example(1)], timeout=3, what="handling")
    finally:
        thread.stop()
