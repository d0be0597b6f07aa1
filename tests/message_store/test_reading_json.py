"""Messages read back with their JSON as Python's `json` reads PostgreSQL's text of it, whatever
the numbers and text another writer stored: integers of any size exactly, numbers beyond a
float as infinity, escapes, nesting, scalars and null."""

from __future__ import annotations

import json
import random

import pytest

NUMBERS = [
    "0",
    "-0",
    "1",
    "-1",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "123456789012345678901234567890123456789",
    "1" + "0" * 400,
    "1" + "0" * 400 + ".5",
    "-1" + "0" * 400 + ".25",
    "0." + "0" * 400 + "1",
    "0.1",
    "2.5",
    "-0.0",
    "1.7976931348623157e308",
    "5e-324",
    "3.141592653589793238462643383279",
]
TEXTS = ["", "plain", "é ✓ 漢字 🎬", 'quote " backslash \\ slash /', "tab\tnew\nline", "\u2028"]


def stored_and_read(store, sql, data_sql: str) -> tuple[object, object]:
    """Write `data_sql` (a jsonb expression) with SQL, read it with the store; return what the
    store read and what `json` reads from PostgreSQL's text of the same value."""
    sql.execute(
        "SELECT message_store.write_message(gen_random_uuid()::varchar, 'probe-1', 'Probe',"
        f" {data_sql}, '{{\"traceId\": 1}}'::jsonb)"
    )
    [message] = store.read_stream("probe-1")
    text = sql.execute(
        "SELECT data::varchar FROM message_store.messages WHERE stream_name = 'probe-1'"
    ).fetchone()[0]
    sql.execute("TRUNCATE message_store.messages")
    return message, json.loads(text)


@pytest.mark.parametrize("number", NUMBERS)
def test_numbers_are_read_as_json_reads_them(store, sql, number):
    message, expected = stored_and_read(store, sql, f"jsonb_build_object('n', {number}::numeric)")

    assert message.data == expected
    assert type(message.data["n"]) is type(expected["n"])
    assert repr(message.data["n"]) == repr(expected["n"])


def test_random_decimals_are_read_as_json_reads_them(store, sql):
    rng = random.Random(11)
    numbers = [f"{rng.uniform(-1e6, 1e6):.{rng.randint(0, 17)}f}" for _ in range(200)]
    numbers += [repr(rng.uniform(-1, 1) * 10 ** rng.randint(-300, 300)) for _ in range(200)]
    literal = '{"n": [' + ", ".join(numbers) + "]}"

    message, expected = stored_and_read(store, sql, f"{_quoted(literal)}::jsonb")

    assert [repr(n) for n in message.data["n"]] == [repr(n) for n in expected["n"]]


@pytest.mark.parametrize("text", TEXTS)
def test_text_is_read_as_written(store, sql, text):
    literal = json.dumps({"t": text, "nested": [{"t": text}, None, True, 1.5]})
    message, expected = stored_and_read(store, sql, f"{_quoted(literal)}::jsonb")

    assert message.data == expected == {"t": text, "nested": [{"t": text}, None, True, 1.5]}


@pytest.mark.parametrize(
    ("data_sql", "kind", "data"),
    [
        ("'null'::jsonb", "null", {}),
        ("'[1, 2]'::jsonb", "array", {"value": [1, 2]}),
        ("'\"x\"'::jsonb", "string", {"value": "x"}),
        ("'7'::jsonb", "number", {"value": 7}),
        ("'false'::jsonb", "boolean", {"value": False}),
    ],
)
def test_data_that_is_not_an_object_keeps_its_kind(store, sql, data_sql, kind, data):
    message, _ = stored_and_read(store, sql, data_sql)

    assert (message.data_kind, message.data) == (kind, data)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
