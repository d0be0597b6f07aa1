"""Is every consumer alive, and how far behind is it? The answer of `manage.py status` and of the
admin's subscribers page.

It reads what the runtime already records, and nothing else: the processes' heartbeats (who is
alive, which subscribers each runs, the message in hand), each subscriber's stored position
(`Read` events, or the aggregator's tracking rows: `message_store.positions`), the messages
after it, and the parked messages.

Which subscribers there should be comes from the components' subscriptions and the layout
their processes run: ungrouped, or a group of M slots (`{id}+{n}of{M}` for every n), as the live
processes say, or the last process heard of when none is alive. A subscriber that no live
process runs is down, whether its process died, stopped, or never started.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime

from config.components import COMPONENTS, subscriptions
from message_store import parking, queries
from message_store.heartbeat import STALE_AFTER_SECONDS
from message_store.positions import Lag, stored_position
from message_store.runtime import get_store
from message_store.slots import Slot
from message_store.store import MessageStore


@dataclass(frozen=True)
class ProcessStatus:
    id: str
    component: str
    host: str
    pid: int
    group_size: int | None
    group_member: int | None
    subscriber_ids: list[str]
    busy: dict | None
    busy_seconds: float | None
    handled: int
    metrics_port: int | None
    session_pid: int | None
    """The server process of its keeper's session (holding its slot locks, if any)."""
    started_at: datetime
    beat_at: datetime
    stopped_at: datetime | None
    beat_age: float
    alive: bool

    @property
    def state(self) -> str:
        if self.alive:
            return "alive"
        return "stopped" if self.stopped_at is not None else "dead"

    @property
    def where(self) -> str:
        return f"{self.host}:{self.pid}"

    def busy_with(self, subscriber_id: str) -> str | None:
        """ "Transcode 7c3e... in transcode:command-7c3e... for 312 s", when it is at work for
        `subscriber_id`."""
        if not self.busy or self.busy.get("subscriber") != subscriber_id:
            return None
        seconds = self.busy_seconds or 0.0
        return (
            f"{self.busy.get('type')} {self.busy.get('messageId')} in {self.busy.get('stream')}"
            f" for {seconds:.0f} s"
        )


@dataclass(frozen=True)
class SubscriberStatus:
    component: str
    subscriber_id: str
    slot: str | None
    """`n of M` in a consumer group; None for the whole category."""
    position: int
    lag: Lag
    alive: bool
    processes: list[str]
    """Where it runs: host:pid of each live process running it (more than one: a static
    group member started twice)."""
    busy: str | None
    parked: int

    def as_data(self) -> dict[str, object]:
        data = asdict(self)
        data["lag"] = self.lag.messages
        data["lag_capped"] = self.lag.capped
        data["lag_seconds"] = self.lag.seconds
        return data


@dataclass(frozen=True)
class Status:
    subscribers: list[SubscriberStatus]
    processes: list[ProcessStatus]

    def problems(
        self, *, max_lag: int | None = None, max_lag_seconds: float | None = None
    ) -> list[str]:
        """What an operator must hear about: subscribers down, or lagging past a threshold."""
        found = []
        for subscriber in self.subscribers:
            lag = subscriber.lag
            if not subscriber.alive:
                found.append(f"{subscriber.subscriber_id} is down (no live process runs it)")
            if max_lag is not None and lag.messages > max_lag:
                found.append(
                    f"{subscriber.subscriber_id} lags {lag.messages} messages (> {max_lag})"
                )
            if max_lag_seconds is not None and (lag.seconds or 0.0) > max_lag_seconds:
                found.append(
                    f"{subscriber.subscriber_id} lags {lag.seconds:.0f} s (> {max_lag_seconds:g} s)"
                )
        return found


def current(components: Iterable[str] | None = None) -> Status:
    """The status of every subscriber of `components` (default: all)."""
    store = get_store()
    processes = read_processes(store)
    wanted = list(components or COMPONENTS)
    expected = [
        (component, subscription, member, size)
        for component in wanted
        for size in _layouts(component, processes)
        for member in (range(size) if size else [None])
        for subscription in subscriptions(component)
    ]
    ids = [subscription.subscriber_id + Slot(m, s).suffix for _, subscription, m, s in expected]
    parked = parking.waiting_counts(ids)
    found = []
    for (component, subscription, member, size), subscriber_id in zip(expected, ids, strict=True):
        position = stored_position(store, subscription, subscriber_id)
        holders = [p for p in processes if p.alive and subscriber_id in p.subscriber_ids]
        found.append(
            SubscriberStatus(
                component=component,
                subscriber_id=subscriber_id,
                slot=None if size is None else f"{member} of {size}",
                position=position,
                lag=Lag.of(store, subscription, position, group_member=member, group_size=size),
                alive=bool(holders),
                processes=[p.where for p in holders],
                busy=next(filter(None, (p.busy_with(subscriber_id) for p in holders)), None),
                parked=parked.get(subscriber_id, 0),
            )
        )
    return Status(found, [p for p in processes if p.component in wanted])


def read_processes(store: MessageStore) -> list[ProcessStatus]:
    with store.connection() as connection:
        cursor = connection.execute(
            queries.HEARTBEAT_PROCESSES, {"stale_after": STALE_AFTER_SECONDS}
        )
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    return [
        ProcessStatus(**{**dict(zip(names, row, strict=True)), "id": str(row[0])}) for row in rows
    ]


def _layouts(component: str, processes: list[ProcessStatus]) -> list[int | None]:
    """The group sizes the component runs with (None: ungrouped)."""
    mine = [p for p in processes if p.component == component]
    live = {p.group_size for p in mine if p.alive}
    if live:
        return sorted(live, key=lambda size: -1 if size is None else size)
    if mine:
        return [max(mine, key=lambda p: p.beat_at).group_size]
    return [None]
