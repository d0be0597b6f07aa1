"""`manage.py print_messages` prints a stream, a category or the whole store, oldest first: one
readable line per message, or one JSON object per line; from a position, up to a limit."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from message_store.messages import NewMessage
from message_store.store import MessageStore
from message_store.streams import ALL


def print_messages(target: str, **options) -> list[str]:
    out = StringIO()
    call_command("print_messages", target, stdout=out, **options)
    return out.getvalue().splitlines()


@pytest.fixture
def written(store: MessageStore) -> MessageStore:
    """Global positions 1..5: catalog-1 @0 @1, transcode-9 @0, catalog-2 @0, catalog-1 @2."""
    for stream, message_type, n in [
        ("catalog-1", "Started", 1),
        ("catalog-1", "Transcoded", 2),
        ("transcode-9", "Transcoded", 3),
        ("catalog-2", "Started", 4),
        ("catalog-1", "Cataloged", 5),
    ]:
        store.write(
            NewMessage(
                id=f"00000000-0000-4000-8000-{n:012d}",
                stream_name=stream,
                type=message_type,
                data={"n": n, "title": "Zoë"},
                metadata={"traceId": f"trace-{n}"},
            )
        )
    return store


def test_a_stream_prints_one_readable_line_per_message(written):
    lines = print_messages("catalog-1")

    assert len(lines) == 3
    first = lines[0].split()
    assert first[:3] == ["1", "catalog-1@0", "Started"]
    assert first[3].endswith("Z")
    assert first[4:] == ['data={"n":1,"title":"Zoë"}', 'metadata={"traceId":"trace-1"}']
    assert [line.split()[1] for line in lines] == ["catalog-1@0", "catalog-1@1", "catalog-1@2"]


def test_a_category_prints_its_streams_in_global_order(written):
    lines = print_messages("catalog")

    assert [line.split()[:2] for line in lines] == [
        ["1", "catalog-1@0"],
        ["2", "catalog-1@1"],
        ["4", "catalog-2@0"],
        ["5", "catalog-1@2"],
    ]


def test_all_prints_every_message(written):
    assert [line.split()[0] for line in print_messages(ALL)] == ["1", "2", "3", "4", "5"]


def test_position_and_limit(written):
    assert [line.split()[1] for line in print_messages("catalog-1", position=1)] == [
        "catalog-1@1",
        "catalog-1@2",
    ]
    assert [line.split()[0] for line in print_messages("catalog", position=3, limit=1)] == ["4"]
    assert [line.split()[0] for line in print_messages(ALL, limit=2)] == ["1", "2"]
    assert print_messages(ALL, limit=0) == []


def test_a_limit_larger_than_a_batch_reads_on(store: MessageStore, monkeypatch):
    from message_store.management.commands import print_messages as command

    monkeypatch.setattr(command, "BATCH_SIZE", 2)
    for n in range(5):
        store.write(NewMessage(id=f"00000000-0000-4000-8000-{n:012d}", stream_name="a-1", type="T"))

    assert len(print_messages("a-1")) == 5
    assert len(print_messages("a", limit=3)) == 3
    assert [line.split()[1] for line in print_messages("a-1", position=3)] == ["a-1@3", "a-1@4"]


def test_json_prints_one_object_per_line(written):
    lines = print_messages("transcode-9", json=True)

    assert len(lines) == 1
    message = json.loads(lines[0])
    assert message.pop("time").startswith("20")
    assert message == {
        "global_position": 3,
        "stream_name": "transcode-9",
        "position": 0,
        "type": "Transcoded",
        "id": "00000000-0000-4000-8000-000000000003",
        "data": {"n": 3, "title": "Zoë"},
        "metadata": {"traceId": "trace-3"},
    }


def test_an_unknown_target_prints_nothing(written):
    assert print_messages("nothing-1") == []
    assert print_messages("nothing") == []


def test_a_negative_limit_is_a_command_error(written):
    with pytest.raises(CommandError, match="--limit"):
        print_messages(ALL, limit=-1)
