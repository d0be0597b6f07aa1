"""`manage.py print_messages TARGET`: print a stream, a category or the whole store, oldest first.

With `--follow` it then prints what is written next, until Ctrl-C: a dedicated connection
LISTENs for the store's commit notifications; like a consumer, it follows a notification or a
fruitful read with quick reads that back off up to the poll interval (the store notifies once
per burst of writes, not once per commit).
"""

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress

import psycopg
from django.core.management.base import BaseCommand, CommandError

from message_store import queries
from message_store.consumer import FOLLOW_UP_DELAY
from message_store.errors import MessageStoreError, StoreUnavailableError
from message_store.messages import Message
from message_store.runtime import get_store
from message_store.store import MessageStore
from message_store.streams import ALL, is_category

BATCH_SIZE = 1000


class Command(BaseCommand):
    help = f"Print the messages of a stream, a category or {ALL} (the whole store), oldest first."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "target", help=f"a stream (category-id), a category, or '{ALL}' for every message"
        )
        parser.add_argument(
            "--position",
            type=int,
            help="start here: a stream position for a stream, a global position otherwise",
        )
        parser.add_argument("--limit", type=int, help="print at most this many messages")
        parser.add_argument(
            "--follow", action="store_true", help="then print new messages until Ctrl-C"
        )
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument(
            "--poll-interval",
            type=float,
            default=5.0,
            help="with --follow: seconds between reads when no notification comes",
        )

    def handle(self, *args, target: str, position: int | None, limit: int | None, **options):
        if limit is not None and limit < 0:
            raise CommandError("--limit must not be negative")
        show = json_line if options["json"] else readable_line
        store = get_store()
        try:
            with ExitStack() as stack:
                wait = None
                if options["follow"]:
                    waiter = commit_waiter(store.conninfo, options["poll_interval"])
                    wait = stack.enter_context(waiter)
                for batch in message_batches(store, target, position, limit=limit, wait=wait):
                    for message in batch:
                        self.stdout.write(show(message))
                    self.stdout.flush()
        except KeyboardInterrupt:
            return
        except MessageStoreError as error:
            raise CommandError(str(error)) from error


def message_batches(
    store: MessageStore,
    target: str,
    position: int | None,
    *,
    limit: int | None = None,
    wait: Callable[[bool], None] | None = None,
) -> Iterator[list[Message]]:
    """The target's messages from `position` on, batch by batch, `limit` at most in all.

    Without `wait` it stops once caught up; with it, it calls `wait(found)` whenever caught up
    (`found`: whether the reads since the last wait returned anything) and then reads on, for
    ever (the caller stops).
    """
    found = False
    while limit is None or limit > 0:
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit)
        batch = store.read(target, position=position, batch_size=size)
        if batch:
            found = True
            yield batch
            position = next_position(target, batch[-1])
            limit = None if limit is None else limit - len(batch)
        if len(batch) < size:
            if wait is None:
                return
            wait(found)
            found = False


def next_position(target: str, message: Message) -> int:
    """Streams are read by stream position; categories and the whole store by global position."""
    if target == ALL or is_category(target):
        return message.global_position + 1
    return message.position + 1


@contextmanager
def commit_waiter(conninfo: str, poll_interval: float) -> Iterator[Callable[[bool], None]]:
    """LISTEN on a dedicated connection (before the first read, so no commit slips between);
    yield `wait(found)`, which returns at the next notification or after a delay: a few
    milliseconds after a notification or a read that found messages, doubling while reads come
    back empty, up to `poll_interval`.

    Any notification means "read again": a commit in another category can move the read
    horizon past messages of ours that were held back.
    """
    state = {"connection": _listen(conninfo), "delay": FOLLOW_UP_DELAY}

    def wait(found: bool) -> None:
        delay = FOLLOW_UP_DELAY if found else min(state["delay"] * 2, poll_interval)
        state["delay"] = delay
        connection = state["connection"]
        try:
            notified = list(connection.notifies(timeout=delay, stop_after=1))
            if notified:
                list(connection.notifies(timeout=0))
                state["delay"] = FOLLOW_UP_DELAY / 2
        except psycopg.OperationalError:
            connection.close()
            state["connection"] = _listen(conninfo)

    try:
        yield wait
    finally:
        with suppress(psycopg.Error):
            state["connection"].close()


def _listen(conninfo: str) -> psycopg.Connection:
    try:
        connection = psycopg.connect(conninfo, autocommit=True)
        connection.execute(queries.LISTEN)
    except psycopg.OperationalError as error:
        raise StoreUnavailableError(f"cannot listen for new messages: {error}") from error
    return connection


def readable_line(message: Message) -> str:
    time = message.time.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    return (
        f"{message.global_position:>7}  {message.stream_name}@{message.position}  "
        f"{message.type}  {time}  data={_compact(message.data)}  "
        f"metadata={_compact(message.metadata)}"
    )


def json_line(message: Message) -> str:
    return _compact(
        {
            "global_position": message.global_position,
            "stream_name": message.stream_name,
            "position": message.position,
            "type": message.type,
            "time": message.time.isoformat(),
            "id": message.id,
            "data": message.data,
            "metadata": message.metadata,
        }
    )


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)
