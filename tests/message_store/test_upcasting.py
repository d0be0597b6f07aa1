"""The upcasting mechanism: chains run in order before handlers and projections; what is stored,
and what a consumer parks, stays as written; a step that cannot understand a shape parks it."""

from __future__ import annotations

from dataclasses import replace

from message_store.consumer import Consumer
from message_store.contracts import MalformedMessageError
from message_store.messages import Message
from message_store.projection import Projection
from message_store.store import MessageStore
from message_store.upcasting import (
    Upcaster,
    origin_is_the_correlation,
    renamed,
    with_data,
)
from tests.consumers.controls import (
    HANDLED_TYPE,
    message_example,
    parked,
    read_example,
    settings_example,
    stored,
    subscription_example,
)

n_is_count = renamed("n", "count")


def doubled(message: Message) -> Message:
    return with_data(message, {**message.data, "count": message.data["count"] * 2})


def refused(message: Message) -> Message:
    raise MalformedMessageError(f"{message.type} {message.id}: a shape nobody understands")


UPCASTER = Upcaster({HANDLED_TYPE: (n_is_count, doubled)})


def test_a_chain_runs_its_steps_in_order():
    assert UPCASTER(read_example(message_example(3))).data == {"count": 6}


def test_renamed_is_named_after_its_change_and_keeps_a_present_new_key():
    assert n_is_count.__name__ == "n_is_count"
    message = read_example(message_example(3))
    both = with_data(message, {"n": 1, "count": 2})
    assert n_is_count(both) is both


def test_origin_is_the_correlation_only_when_there_is_none():
    message = read_example(message_example(1))
    workshop = replace(message, metadata={"originStreamName": "a-1"})
    ours = replace(message, metadata={"originStreamName": "a-1", "correlationStreamName": "b-2"})

    assert origin_is_the_correlation(workshop).metadata["correlationStreamName"] == "a-1"
    assert origin_is_the_correlation(ours) is ours
    assert origin_is_the_correlation(message) is message


def test_before_keeps_the_function_name_and_upcasts_its_message():
    seen = []

    def handle_something(message, *, store):
        seen.append(message.data)

    [(kind, handler)] = UPCASTER.before({HANDLED_TYPE: handle_something}).items()
    handler(read_example(message_example(2)), store=None)

    assert (kind, handler.__name__, seen) == (HANDLED_TYPE, "handle_something", [{"count": 4}])


def test_a_projection_folds_the_upcast_shape():
    counter = Projection(
        initial=lambda: 0, handlers={HANDLED_TYPE: lambda total, m: total + m.data["count"]}
    )
    messages = [read_example(message_example(n)) for n in (1, 2)]

    assert UPCASTER.projection(counter).fold(messages) == 6


def test_the_store_and_the_parked_message_keep_the_shape_as_written(store: MessageStore):
    original = stored(store, message_example(5))
    upcaster = Upcaster({HANDLED_TYPE: (n_is_count, refused)})

    def handle(message, *, store):
        raise AssertionError("never reached: the step refused the shape")

    subscription = replace(
        subscription_example(handle), handlers=upcaster.before({HANDLED_TYPE: handle})
    )
    Consumer([subscription], store=store, settings=settings_example()).run(until_idle=True)

    [row] = parked()
    assert "a shape nobody understands" in row.error
    assert row.data == {"n": 5}
    assert store.read(original.stream_name) == [original]
