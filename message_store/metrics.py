"""Prometheus metrics of a consumer process (prometheus_client), served by `monitoring`.

Counted as they happen (labels: `component`, and `subscriber` = the subscriber id with its slot):

| metric | type | what |
| --- | --- | --- |
| `consumer_messages_handled_total` | counter | messages whose handler ran to the end |
| `consumer_handler_seconds` | histogram (+ `type`) | time in a handler, failures included |
| `consumer_messages_parked_total` | counter | messages given up on and parked |
| `consumer_reconnects_total` | counter | times the database was lost and the loop resumed |
| `consumer_slot_changes_total` | counter (`change`: claimed, given_back, lost) | healing groups |

Read from the running consumer and the database when scraped, for the subscribers it runs:

| metric | what |
| --- | --- |
| `consumer_slots_held` | consumer-group slots this process runs (1 when ungrouped) |
| `consumer_group_members` | live members of its healing group (absent otherwise) |
| `consumer_position` | global position the subscriber has reached |
| `consumer_lag_messages` | messages still to read after it (counted up to 10,000) |
| `consumer_lag_seconds` | age of the oldest of them (0 when none) |
| `consumer_parked_messages` | its messages parked now (awaiting a person) |
| `consumer_busy_seconds` | how long the message in hand has been handled (0 when idle) |
| `consumer_database_up` | 1 when the scrape's queries answered, else 0 (lag, parked: absent) |
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from message_store import parking
from message_store.errors import first_line
from message_store.positions import Lag

if TYPE_CHECKING:
    from message_store.consumer import Consumer

logger = logging.getLogger(__name__)

HANDLED = Counter(
    "consumer_messages_handled",
    "Messages whose handler ran to the end.",
    ["component", "subscriber"],
)
HANDLER_SECONDS = Histogram(
    "consumer_handler_seconds",
    "Seconds spent in a handler, failed attempts included.",
    ["component", "subscriber", "type"],
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
PARKED = Counter(
    "consumer_messages_parked",
    "Messages given up on after their retries (or malformed) and parked.",
    ["component", "subscriber"],
)
RECONNECTS = Counter(
    "consumer_reconnects",
    "Times the consumer lost its database and resumed once it answered again.",
    ["component"],
)
SLOT_CHANGES = Counter(
    "consumer_slot_changes",
    "Consumer-group slots claimed, given back to the group, or lost with the session.",
    ["component", "change"],
)


class ConsumerMetrics:
    """The counters of one consumer (its component's label applied)."""

    def __init__(self, component: str) -> None:
        self.component = component

    def handled(self, subscriber_id: str, count: int) -> None:
        if count:
            HANDLED.labels(self.component, subscriber_id).inc(count)

    def timed(self, subscriber_id: str, message_type: str, seconds: float) -> None:
        HANDLER_SECONDS.labels(self.component, subscriber_id, message_type).observe(seconds)

    def parked(self, subscriber_id: str) -> None:
        PARKED.labels(self.component, subscriber_id).inc()

    def reconnected(self) -> None:
        RECONNECTS.labels(self.component).inc()


class ConsumerCollector(Collector):
    """The gauges read when scraped: slots, positions, lag, parked messages, the job in hand."""

    def __init__(self, consumer: Consumer) -> None:
        self.consumer = consumer

    def collect(self) -> Iterator[Metric]:
        component = self.consumer.name
        running = self.consumer.positions()
        slots = self.consumer.slots
        yield _gauge(
            "consumer_slots_held",
            "Consumer-group slots this process runs.",
            component,
            len({id(slot) for _, _, slot, _ in running}),
        )
        members = getattr(slots, "members", None)
        if members is not None:
            yield _gauge(
                "consumer_group_members", "Live members of the healing group.", component, members
            )
        activity = self.consumer.activity()
        busy = 0.0 if activity.busy is None else time.monotonic() - activity.busy.since
        yield _gauge(
            "consumer_busy_seconds",
            "Seconds the message in hand has been handled.",
            component,
            busy,
        )
        position = _family("consumer_position", "Global position the subscriber has reached.")
        for _, subscriber_id, _, reached in running:
            position.add_metric([component, subscriber_id], reached)
        yield position
        try:
            lags = {
                subscriber_id: Lag.of(
                    self.consumer.store,
                    subscription,
                    reached,
                    group_member=slot.member,
                    group_size=slot.size,
                )
                for subscription, subscriber_id, slot, reached in running
            }
            parked = parking.waiting_counts(list(lags))
        except Exception as error:  # any database failure: say so with consumer_database_up
            logger.debug("metrics: the database did not answer: %s", first_line(error))
            yield _gauge("consumer_database_up", "The scrape's queries answered.", component, 0)
            return
        lag_messages = _family("consumer_lag_messages", "Messages still to read (to 10,000).")
        lag_seconds = _family("consumer_lag_seconds", "Age of the oldest message still to read.")
        parked_now = _family("consumer_parked_messages", "Messages of the subscriber parked now.")
        for subscriber_id, lag in lags.items():
            labels = [component, subscriber_id]
            lag_messages.add_metric(labels, lag.messages)
            lag_seconds.add_metric(labels, lag.seconds or 0.0)
            parked_now.add_metric(labels, parked.get(subscriber_id, 0))
        yield from (lag_messages, lag_seconds, parked_now)
        yield _gauge("consumer_database_up", "The scrape's queries answered.", component, 1)


def _family(name: str, documentation: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=["component", "subscriber"])


def _gauge(name: str, documentation: str, component: str, value: float) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["component"])
    family.add_metric([component], value)
    return family
