"""The Python client (`MessageStore`) writes, reads and fetches through the SQL interface, and
turns the database's refusals into the store's own errors, with the right details in them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest

from message_store.errors import (
    DuplicateMessageIdError,
    InvalidMessageError,
    MessageStoreError,
    ReadError,
    VersionConflictError,
)
from message_store.messages import Message, NewMessage
from message_store.metadata import follow, with_origin
from message_store.projection import Projection
from message_store.streams import ALL
from tests.message_store import controls
from tests.message_store.controls import (
    CATEGORY,
    OTHER_CATEGORY,
    id_example,
    message_example,
    stream_name_example,
    write_raw,
)

STREAM = stream_name_example("1")
OTHER_STREAM = stream_name_example("2")


@dataclass(frozen=True)
class Counter:
    total: int = 0
    seen: tuple[str, ...] = ()


COUNTER = Projection(
    initial=Counter,
    handlers={
        "Added": lambda counter, message: replace(
            counter, total=counter.total + message.data["amount"], seen=(*counter.seen, message.id)
        ),
        "Reset": lambda counter, message: replace(counter, total=0),
    },
)


def added(n: int, amount: int, *, stream_name: str = STREAM) -> NewMessage:
    return message_example(n, stream_name=stream_name, type="Added", data={"amount": amount})


# Writing and reading a stream ----------------------------------------------------------------


def test_write_returns_the_stream_position(store):
    assert [store.write(message_example(n)) for n in (1, 2, 3)] == [0, 1, 2]
    assert store.write(message_example(4, stream_name=OTHER_STREAM)) == 0


def test_read_a_stream_gives_messages_with_dict_data_and_aware_utc_time(store):
    metadata = controls.metadata_example()
    store.write(message_example(1, data={"a": 1}, metadata=metadata))
    store.write(message_example(2, stream_name=OTHER_STREAM))
    store.write(message_example(3, type="Other", data={"b": [1, 2]}))

    messages = store.read(STREAM)

    assert [(m.id, m.type, m.position, m.global_position) for m in messages] == [
        (id_example(1), "SomethingHappened", 0, 1),
        (id_example(3), "Other", 1, 3),
    ]
    assert messages[0].data == {"a": 1}
    assert messages[0].metadata == metadata
    assert messages[1].metadata == {}
    assert messages[1].data == {"b": [1, 2]}
    assert messages[0].time.tzinfo is UTC
    assert abs(datetime.now(UTC) - messages[0].time) < timedelta(minutes=1)


def test_read_a_stream_from_a_position_with_a_batch_size(store):
    for n in range(1, 6):
        store.write(message_example(n))
    assert [m.position for m in store.read(STREAM, position=2)] == [2, 3, 4]
    assert [m.position for m in store.read(STREAM, position=1, batch_size=2)] == [1, 2]
    assert [m.position for m in store.read(STREAM, batch_size=-1)] == [0, 1, 2, 3, 4]


def test_a_message_id_may_be_a_uuid_object(store):
    message_id = uuid.UUID(id_example(7))
    store.write(NewMessage(id=message_id, stream_name=STREAM, type="T"))
    assert store.read(STREAM)[0].id == str(message_id)


def test_read_last_with_and_without_a_type(store):
    for n, message_type in enumerate(["A", "B", "A", "C"], start=1):
        store.write(message_example(n, type=message_type))
    assert store.read_last(STREAM).id == id_example(4)
    last_a = store.read_last(STREAM, "A")
    assert (last_a.id, last_a.position) == (id_example(3), 2)
    assert store.read_last(STREAM, "Z") is None
    assert store.read_last(OTHER_STREAM) is None


def test_stream_version(store):
    assert store.stream_version(STREAM) is None
    store.write(message_example(1))
    store.write(message_example(2))
    assert store.stream_version(STREAM) == 1
    assert store.stream_version(OTHER_STREAM) is None


def test_messages_from_foreign_writers_are_read_as_objects(store, sql):
    write_raw(sql, 1, stream_name=STREAM, data=[1, 2])
    sql.execute(
        "SELECT message_store.write_message(%s, %s, 'Odd', 'null'::jsonb, '\"text\"'::jsonb)",
        (id_example(2), STREAM),
    )
    first, second = store.read(STREAM)
    assert first.data == {"value": [1, 2]}
    assert first.metadata == {}
    assert second.data == {}
    assert second.metadata == {"value": "text"}


# Fetching an entity --------------------------------------------------------------------------


def test_fetch_an_empty_stream_gives_the_initial_entity_and_version_minus_one(store):
    assert store.fetch(STREAM, COUNTER) == (Counter(), -1)


def test_fetch_folds_the_stream_and_gives_its_version(store):
    store.write(added(1, 5))
    store.write(added(2, 7))
    store.write(message_example(3, type="Unknown"))
    store.write(added(4, 100, stream_name=OTHER_STREAM))
    store.write(added(5, 1))

    entity, version = store.fetch(STREAM, COUNTER)

    assert entity == Counter(total=13, seen=(id_example(1), id_example(2), id_example(5)))
    assert version == 3


def test_fetch_reads_a_stream_longer_than_one_batch(store, sql):
    sql.execute(
        "INSERT INTO message_store.messages (stream_name, position, type, data) "
        "SELECT %s, n - 1, 'Added', jsonb_build_object('amount', n) "
        "FROM generate_series(1, 2500) AS n",
        (STREAM,),
    )
    entity, version = store.fetch(STREAM, COUNTER)
    assert version == 2499
    assert entity.total == 2500 * 2501 // 2
    assert len(entity.seen) == 2500


def test_fetched_version_is_the_expected_version_for_the_next_write(store):
    store.write(added(1, 5))
    _, version = store.fetch(STREAM, COUNTER)
    assert store.write(replace(added(2, 1), expected_version=version)) == 1


# Categories and the whole store --------------------------------------------------------------


def test_read_a_category_in_global_order(store):
    store.write(message_example(1, stream_name=STREAM))
    store.write(message_example(2, stream_name=stream_name_example(1, category=OTHER_CATEGORY)))
    store.write(message_example(3, stream_name=OTHER_STREAM))
    store.write(message_example(4, stream_name=STREAM))

    messages = store.read(CATEGORY)

    assert [(m.stream_name, m.global_position) for m in messages] == [
        (STREAM, 1),
        (OTHER_STREAM, 3),
        (STREAM, 4),
    ]
    assert [m.global_position for m in store.read(CATEGORY, position=2, batch_size=1)] == [3]


def test_read_a_category_with_correlation_and_consumer_group(store):
    store.write(message_example(1, metadata={"correlationStreamName": "origin-1"}))
    store.write(message_example(2, stream_name=OTHER_STREAM))
    store.write(message_example(3, metadata={"correlationStreamName": "else-1"}))

    assert [m.id for m in store.read(CATEGORY, correlation="origin")] == [id_example(1)]
    by_member = {
        member: [m.stream_name for m in store.read(CATEGORY, group_member=member, group_size=2)]
        for member in (0, 1)
    }
    for member, streams in by_member.items():
        assert all(controls.consumer_group_member(s, 2) == member for s in streams)
    assert sorted(by_member[0] + by_member[1]) == sorted([STREAM, STREAM, OTHER_STREAM])


def test_read_all_gives_every_message_in_global_order(store):
    streams = [STREAM, "otherCategory-1", "third:command-9", OTHER_STREAM]
    for n, stream in enumerate(streams, start=1):
        store.write(message_example(n, stream_name=stream))
    assert [(m.stream_name, m.global_position) for m in store.read(ALL)] == [
        (s, n) for n, s in enumerate(streams, start=1)
    ]
    assert [m.global_position for m in store.read(ALL, position=3)] == [3, 4]
    assert [m.global_position for m in store.read(ALL, position=2, batch_size=1)] == [2]


# Batches -------------------------------------------------------------------------------------


def test_write_batch_returns_positions_and_checks_expected_versions_in_order(store):
    batch = [
        message_example(1, expected_version=-1),
        message_example(2, expected_version=0),
        message_example(3, stream_name=OTHER_STREAM),
        message_example(4, expected_version=1),
    ]
    assert store.write_batch(batch) == [0, 1, 0, 2]
    assert [m.id for m in store.read(CATEGORY)] == [id_example(n) for n in (1, 2, 3, 4)]


def test_write_batch_of_nothing_writes_nothing(store, sql):
    assert store.write_batch([]) == []
    assert controls.count_messages(sql) == 0


def test_write_batch_with_a_conflict_in_the_middle_writes_nothing_at_all(store, sql):
    store.write(message_example(1, stream_name=OTHER_STREAM))
    batch = [
        message_example(2, expected_version=-1),
        message_example(3, stream_name=OTHER_STREAM, expected_version=5),
        message_example(4, stream_name=stream_name_example(3)),
    ]
    with pytest.raises(VersionConflictError) as caught:
        store.write_batch(batch)
    assert (caught.value.stream_name, caught.value.expected_version) == (OTHER_STREAM, 5)
    assert caught.value.actual_version == 0
    assert [row[3] for row in controls.table_rows(sql)] == [id_example(1)]


def test_write_batch_with_a_duplicate_id_writes_nothing_at_all(store, sql):
    batch = [message_example(1), message_example(2), message_example(1, stream_name=OTHER_STREAM)]
    with pytest.raises(DuplicateMessageIdError):
        store.write_batch(batch)
    assert controls.count_messages(sql) == 0


# Errors --------------------------------------------------------------------------------------


def test_version_conflict_on_an_existing_stream_names_stream_expected_and_actual(store):
    store.write(message_example(1))
    store.write(message_example(2))
    with pytest.raises(VersionConflictError) as caught:
        store.write(message_example(3, expected_version=0))
    error = caught.value
    assert (error.stream_name, error.expected_version, error.actual_version) == (STREAM, 0, 1)
    assert "0" in str(error)
    assert "1" in str(error)
    assert STREAM in str(error)


def test_version_conflict_on_a_new_stream_has_actual_version_minus_one(store):
    with pytest.raises(VersionConflictError) as caught:
        store.write(message_example(1, expected_version=3))
    error = caught.value
    assert (error.stream_name, error.expected_version, error.actual_version) == (STREAM, 3, -1)
    assert store.stream_version(STREAM) is None


def test_version_conflict_parses_stream_names_with_odd_characters():
    text = "Wrong expected version: 4 (Stream: cat:x-1+a_b, Stream Version: 12)"
    error = VersionConflictError.parse(text)
    assert (error.stream_name, error.expected_version, error.actual_version) == (
        "cat:x-1+a_b",
        4,
        12,
    )
    assert VersionConflictError.parse("Must be a category: x-1") is None


def test_duplicate_id_raises_duplicate_message_id_error_with_the_id(store, sql):
    store.write(message_example(1))
    with pytest.raises(DuplicateMessageIdError) as caught:
        store.write(message_example(1, stream_name=OTHER_STREAM))
    assert caught.value.message_id == id_example(1)
    assert id_example(1) in str(caught.value)
    assert controls.count_messages(sql) == 1


@pytest.mark.parametrize(
    ("name", "arguments", "problem"),
    [
        ("", {}, "stream name"),
        (STREAM, {"batch_size": -2}, "batch_size"),
        (STREAM, {"batch_size": "10"}, "batch_size"),
        (STREAM, {"correlation": "origin"}, "category reads only"),
        (STREAM, {"group_member": 0, "group_size": 2}, "category reads only"),
        (ALL, {"correlation": "origin"}, "category reads only"),
        (ALL, {"group_member": 0, "group_size": 2}, "category reads only"),
        (CATEGORY, {"correlation": "origin-1"}, "Correlation must be a category"),
        (CATEGORY, {"group_member": 1}, "Consumer group member and size must be specified"),
        (CATEGORY, {"group_member": 2, "group_size": 2}, "must be less than the group size"),
        (CATEGORY, {"group_member": 0, "group_size": 0}, "size must not be less than 1"),
    ],
)
def test_a_bad_read_raises_read_error_naming_the_problem(store, name, arguments, problem):
    with pytest.raises(ReadError, match=problem):
        store.read(name, **arguments)


@pytest.mark.parametrize("method", ["read_last", "stream_version"])
def test_a_category_is_not_a_stream_for_single_stream_reads(store, method):
    with pytest.raises(InvalidMessageError, match=CATEGORY):
        getattr(store, method)(CATEGORY)


def test_errors_are_the_stores_own_never_psycopgs(store):
    store.write(message_example(1))
    for attempt in (
        lambda: store.write(message_example(1)),
        lambda: store.write(message_example(2, expected_version=9)),
        lambda: store.read(CATEGORY, correlation="a-b"),
    ):
        with pytest.raises(MessageStoreError) as caught:
            attempt()
        assert type(caught.value).__module__ == "message_store.errors"


# follow(): metadata that carries over --------------------------------------------------------


def previous_message(**metadata) -> Message:
    return Message(
        id=id_example(1),
        stream_name="catalog-1",
        type="Started",
        position=4,
        global_position=40,
        data={},
        metadata=metadata,
        time=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_follow_carries_trace_user_and_correlation_and_sets_causation():
    previous = previous_message(
        traceId="trace-9",
        userId="user-9",
        originStreamName="catalog-1",
        correlationStreamName="catalog-1",
        replyStreamName="reply-1",
        causationMessageStreamName="older-1",
        unrelated="not carried",
    )
    assert follow(previous) == {
        "traceId": "trace-9",
        "userId": "user-9",
        "originStreamName": "catalog-1",
        "correlationStreamName": "catalog-1",
        "replyStreamName": "reply-1",
        "causationMessageStreamName": "catalog-1",
        "causationMessagePosition": 4,
        "causationMessageGlobalPosition": 40,
    }


def test_follow_drops_values_that_are_not_strings_and_adds_extras():
    previous = previous_message(traceId=12, userId=None, correlationStreamName=["x"])
    metadata = follow(previous, userId="user-2", replyStreamName=None)
    assert metadata == {
        "userId": "user-2",
        "causationMessageStreamName": "catalog-1",
        "causationMessagePosition": 4,
        "causationMessageGlobalPosition": 40,
    }


def test_followed_metadata_round_trips_and_serves_the_correlation_filter(store):
    command = NewMessage(
        id=id_example(1),
        stream_name="transcode:command-1",
        type="Transcode",
        metadata=with_origin({"traceId": "trace-1", "userId": "user-1"}, "catalog-1"),
    )
    store.write(command)
    [stored_command] = store.read("transcode:command")
    event = NewMessage(
        id=id_example(2),
        stream_name="transcode-1",
        type="Transcoded",
        metadata=follow(stored_command),
    )
    store.write(event)
    store.write(message_example(3, stream_name="transcode-2", type="Transcoded"))

    [stored_event] = store.read("transcode", correlation="catalog")

    assert stored_event.id == id_example(2)
    assert stored_event.metadata["traceId"] == "trace-1"
    assert stored_event.metadata["userId"] == "user-1"
    assert stored_event.metadata["originStreamName"] == "catalog-1"
    assert stored_event.metadata["causationMessageStreamName"] == "transcode:command-1"
    assert stored_event.metadata["causationMessagePosition"] == 0
    assert stored_event.metadata["causationMessageGlobalPosition"] == 1
