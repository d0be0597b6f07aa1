"""`manage.py write_message` writes one message through the store and prints its position; bad
input is refused with a CommandError that says what is wrong, and nothing is written."""

from __future__ import annotations

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from message_store.store import MessageStore

STREAM = "cliWrite-1"


def write_message(*args: str, **options) -> str:
    out = StringIO()
    call_command("write_message", *args, stdout=out, **options)
    return out.getvalue()


def test_it_writes_and_prints_the_stream_position(store: MessageStore):
    first = write_message(STREAM, "Started", data='{"videoId": "1"}', metadata='{"traceId": "t"}')
    second = write_message(STREAM, "Transcoded")

    assert (first, second) == ("0\n", "1\n")
    messages = store.read(STREAM)
    assert [(m.type, m.position) for m in messages] == [("Started", 0), ("Transcoded", 1)]
    assert messages[0].data == {"videoId": "1"}
    assert messages[0].metadata == {"traceId": "t"}
    assert messages[1].data == {}
    assert uuid.UUID(messages[1].id)


def test_it_uses_the_given_id(store: MessageStore):
    message_id = str(uuid.UUID(int=42))

    write_message(STREAM, "Started", id=message_id)

    assert store.read(STREAM)[0].id == message_id


def test_it_writes_at_the_expected_version(store: MessageStore):
    assert write_message(STREAM, "Started", expected_version=-1) == "0\n"
    assert write_message(STREAM, "Transcoded", expected_version=0) == "1\n"


def test_a_version_conflict_is_a_command_error_and_nothing_is_written(store: MessageStore):
    write_message(STREAM, "Started")

    with pytest.raises(CommandError, match=f"stream {STREAM} is at version 0, not the expected -1"):
        write_message(STREAM, "Started", expected_version=-1)

    assert len(store.read(STREAM)) == 1


@pytest.mark.parametrize(
    ("arguments", "options", "error"),
    [
        ((STREAM, "Started"), {"data": "{not json"}, "--data is not valid JSON"),
        ((STREAM, "Started"), {"data": "[1, 2]"}, "--data must be a JSON object, not an array"),
        ((STREAM, "Started"), {"metadata": '"text"'}, "--metadata must be a JSON object"),
        (("cliWrite", "Started"), {}, "must be 'category-id'"),
        (("cli write-1", "Started"), {}, "white space"),
        ((STREAM, " "), {}, "message type must be a non-empty string"),
        ((STREAM, "Started"), {"id": "not-a-uuid"}, "is not a UUID"),
        ((STREAM, "Started"), {"expected_version": -2}, "expected_version must be"),
    ],
)
def test_bad_input_is_a_command_error_and_nothing_is_written(
    store: MessageStore, arguments, options, error
):
    with pytest.raises(CommandError, match=error):
        write_message(*arguments, **options)

    assert store.read("$all") == []


def test_a_duplicate_id_is_a_command_error(store: MessageStore):
    message_id = str(uuid.UUID(int=7))
    write_message(STREAM, "Started", id=message_id)

    with pytest.raises(CommandError, match=f"a message with id {message_id} is already stored"):
        write_message("cliWrite-2", "Started", id=message_id)

    assert len(store.read("$all")) == 1
