"""A consumer whose database connections are cut (a restart, a failover) reconnects with backoff
and keeps handling new messages; it does not die and does not need a restart."""

from __future__ import annotations

import pytest

from catalog.messages import entity_stream
from message_store import queries
from message_store.consumer import Consumer
from message_store.errors import StoreUnavailableError
from message_store.store import MessageStore
from tests.catalog import controls as catalog
from tests.consumers.controls import (
    ConsumerThread,
    Recorder,
    last_position,
    settings_example,
    stored,
    subscription_example,
    wait_until,
    write_examples,
)
from tests.consumers.processes import ConsumerProcesses

APPLICATION_NAME = "consumer-under-test"


def terminate_backends(store: MessageStore) -> int:
    """Cut every connection of the consumer process, as a database restart would."""
    with store.connection() as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND pid <> pg_backend_pid()",
            (APPLICATION_NAME,),
        ).fetchall()
    return sum(1 for (terminated,) in rows if terminated)


def listening(store: MessageStore) -> bool:
    """Whether the consumer process has its notification listener connected."""
    with store.connection() as connection:
        return connection.execute(
            "SELECT EXISTS (SELECT FROM pg_stat_activity WHERE application_name = %s"
            " AND query = %s)",
            (APPLICATION_NAME, queries.LISTEN),
        ).fetchone()[0]


def named(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}application_name={APPLICATION_NAME}"


@pytest.mark.slow
def test_reconnects_and_keeps_handling(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    env = {
        "DATABASE_URL": named(consumer_processes.env["DATABASE_URL"]),
        "MESSAGE_STORE_URL": named(consumer_processes.env["MESSAGE_STORE_URL"]),
    }
    # A long safety poll: only reconnecting (not polling) can find the second command in time.
    consumer = consumer_processes.start("catalog", "--poll-interval", "30", env=env)
    first, second = catalog.video_id_example(1), catalog.video_id_example(2)
    stored(store, catalog.catalog_example(first, n=1))
    wait_until(
        lambda: store.stream_version(entity_stream(first)) is not None,
        timeout=30,
        what="the first video to start",
    )
    # Cut only once the listener is connected: connections opened after the cut never fail,
    # and the pool replaces the dead ones before use, so there would be no outage to see.
    wait_until(lambda: listening(store), timeout=10, what="the consumer to listen")

    assert terminate_backends(store) >= 2  # at least the listener and a pooled connection
    # The pool replaces its dead connections before use, so the consumer notices the cut when
    # it next listens: wait for that, so that the second command comes after the outage.
    wait_until(
        lambda: "database unavailable" in consumer.log_text(),
        timeout=15,
        what="the consumer to notice the cut",
        details=consumer.log_text,
    )

    command = stored(store, catalog.catalog_example(second, n=2))
    wait_until(
        lambda: store.stream_version(entity_stream(second)) is not None,
        timeout=15,
        what="the second video to start",
        details=consumer.log_text,
    )
    assert consumer.is_running()
    exit_code = consumer.terminate()
    log = consumer.log_text()
    assert exit_code == 0, log
    assert "database unavailable" in log
    assert last_position(store, "catalog-commands") == command.global_position


class FlakyStore(MessageStore):
    """A store whose next `failures` reads find the database gone."""

    def __init__(self, conninfo: str) -> None:
        super().__init__(conninfo, max_connections=2)
        self.failures = 0

    def read(self, name, **kwargs):
        if self.failures:
            self.failures -= 1
            raise StoreUnavailableError("message store unreachable: simulated outage")
        return super().read(name, **kwargs)


def test_resumes_at_once_after_reconnecting_not_at_the_next_poll(store: MessageStore) -> None:
    """Messages that arrived while the database was gone are read as soon as it is back."""
    flaky = FlakyStore(store.conninfo)
    recorder = Recorder()
    consumer = Consumer(
        [subscription_example(recorder)],
        store=flaky,
        settings=settings_example(poll_interval=60, max_reconnect_delay=0.2),
    )
    thread = ConsumerThread(consumer)
    thread.start()
    try:
        wait_until(lambda: consumer._listener is not None, timeout=10, what="listening")
        flaky.failures = 2
        [message] = write_examples(store, range(1, 2))

        wait_until(lambda: recorder.handled, timeout=10, what="the message after the outage")
    finally:
        thread.stop()
        flaky.close()
    assert thread.error is None
    assert recorder.handled == [message.id]
    assert flaky.failures == 0
