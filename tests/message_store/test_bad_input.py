"""Bad input never reaches the store: each gives an error that names the problem, and nothing is
written (the table is checked to be empty afterwards)."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from message_store.errors import DuplicateMessageIdError, InvalidMessageError
from message_store.messages import NewMessage
from tests.message_store.controls import (
    count_messages,
    id_example,
    message_example,
    stream_name_example,
)

STREAM = stream_name_example("1")


def write_new(store, **fields) -> None:
    fields = {"id": id_example(1), "stream_name": STREAM, "type": "Happened", **fields}
    store.write(NewMessage(**fields))


@pytest.fixture
def empty_afterwards(store, sql):
    yield
    assert count_messages(sql) == 0


@pytest.mark.usefixtures("empty_afterwards")
class TestIds:
    def test_no_id(self, store):
        with pytest.raises(InvalidMessageError, match="no id"):
            write_new(store, id=None)

    def test_empty_id(self, store):
        with pytest.raises(InvalidMessageError, match="no id"):
            write_new(store, id="")

    @pytest.mark.parametrize("bad_id", ["not-a-uuid", "1234", "00000000-0000-4000-8000-0000000001"])
    def test_id_that_is_not_a_uuid(self, store, bad_id):
        with pytest.raises(InvalidMessageError, match=f"{bad_id!r} is not a UUID"):
            write_new(store, id=bad_id)

    @pytest.mark.parametrize("bad_id", [12, b"00000000000040008000000000000001"])
    def test_id_that_is_not_text(self, store, bad_id):
        with pytest.raises(InvalidMessageError, match="must be a UUID"):
            write_new(store, id=bad_id)


def test_duplicate_id_writes_nothing_more(store, sql):
    store.write(message_example(1))
    for duplicate in (id_example(1), id_example(1).upper(), id_example(1).replace("-", "")):
        with pytest.raises(DuplicateMessageIdError, match=id_example(1)):
            store.write(NewMessage(id=duplicate, stream_name=stream_name_example("2"), type="T"))
    assert count_messages(sql) == 1


@pytest.mark.usefixtures("empty_afterwards")
class TestTypes:
    def test_missing_type(self, store):
        with pytest.raises(TypeError, match="type"):
            store.write(NewMessage(id=id_example(1), stream_name=STREAM))

    @pytest.mark.parametrize("bad_type", ["", "   ", None, 5])
    def test_empty_or_non_text_type(self, store, bad_type):
        with pytest.raises(InvalidMessageError, match="type must be a non-empty string"):
            write_new(store, type=bad_type)

    def test_type_with_a_nul_character(self, store):
        bad_type = "Happ\x00ened"
        problem = re.escape(f"type {bad_type!r} contains a NUL character")
        with pytest.raises(InvalidMessageError, match=problem):
            write_new(store, type=bad_type)


@pytest.mark.usefixtures("empty_afterwards")
class TestData:
    @pytest.mark.parametrize(
        ("bad_data", "kind"),
        [([1, 2], "list"), ("text", "str"), (None, "NoneType"), (3, "int"), (b"{}", "bytes")],
    )
    def test_data_that_is_not_a_json_object(self, store, bad_data, kind):
        with pytest.raises(InvalidMessageError, match=f"data must be a JSON object, not {kind}"):
            write_new(store, data=bad_data)

    @pytest.mark.parametrize(
        "bad_data",
        [
            {"tags": {"a", "b"}},
            {"thing": object()},
            {"ratio": math.nan},
            {"ratio": math.inf},
            {"nested": [{"deep": -math.inf}]},
            {"amount": Decimal("1.5")},
            {"when": datetime(2026, 1, 1, tzinfo=UTC)},
            {("a", "b"): 1},
        ],
    )
    def test_data_that_is_not_serializable(self, store, bad_data):
        with pytest.raises(InvalidMessageError, match="data is not serializable as JSON"):
            write_new(store, data=bad_data)

    def test_data_with_a_circular_reference(self, store):
        data: dict = {}
        data["self"] = data
        with pytest.raises(InvalidMessageError, match="data is not serializable as JSON"):
            write_new(store, data=data)

    @pytest.mark.parametrize(
        "bad_data", [{"text": "a\x00b"}, {"list": ["ok", "\x00"]}, {"\x00": 1}]
    )
    def test_data_with_a_nul_character(self, store, bad_data):
        """PostgreSQL's jsonb cannot hold \\u0000: refused before it reaches the database."""
        with pytest.raises(InvalidMessageError, match="data contains a NUL"):
            NewMessage(id=id_example(1), stream_name=STREAM, type="T", data=bad_data)
        with pytest.raises(InvalidMessageError):
            write_new(store, data=bad_data)


def test_data_with_an_escaped_looking_but_harmless_backslash_is_written(store):
    """The NUL check must not confuse the six characters `\\u0000` with a NUL character."""
    write_new(store, data={"text": "\\u0000"})
    assert store.read(STREAM)[0].data == {"text": "\\u0000"}


@pytest.mark.usefixtures("empty_afterwards")
class TestMetadata:
    @pytest.mark.parametrize(("bad", "kind"), [([1], "list"), ("trace", "str"), (7, "int")])
    def test_metadata_that_is_not_a_json_object(self, store, bad, kind):
        with pytest.raises(
            InvalidMessageError, match=f"metadata must be a JSON object, not {kind}"
        ):
            write_new(store, metadata=bad)

    def test_metadata_that_is_not_serializable(self, store):
        with pytest.raises(InvalidMessageError, match="metadata is not serializable as JSON"):
            write_new(store, metadata={"traceId": math.nan})

    def test_metadata_with_a_nul_character(self, store):
        with pytest.raises(InvalidMessageError, match="metadata contains a NUL"):
            write_new(store, metadata={"traceId": "a\x00"})


@pytest.mark.usefixtures("empty_afterwards")
class TestStreamNames:
    @pytest.mark.parametrize("bad_name", ["", None, 42])
    def test_empty_or_non_text_stream_name(self, store, bad_name):
        with pytest.raises(InvalidMessageError, match="stream name must be a non-empty string"):
            write_new(store, stream_name=bad_name)

    @pytest.mark.parametrize("bad_name", ["someCategory", "someCategory-", "-1", "-"])
    def test_stream_name_without_both_category_and_id(self, store, bad_name):
        with pytest.raises(InvalidMessageError, match="must be 'category-id'"):
            write_new(store, stream_name=bad_name)

    @pytest.mark.parametrize(
        "bad_name",
        [
            "some Category-1",
            "someCategory-1 ",
            " someCategory-1",
            "someCategory-\t1",
            "a-1\n",
            "a-\u00a01",
            "a-1\x00",
        ],
    )
    def test_stream_name_with_white_space_or_nul(self, store, bad_name):
        with pytest.raises(InvalidMessageError, match="contains white space or NUL"):
            write_new(store, stream_name=bad_name)


@pytest.mark.usefixtures("empty_afterwards")
@pytest.mark.parametrize("bad_version", [-2, 1.0, "0", True])
def test_expected_version_that_is_not_an_integer_from_minus_one(store, bad_version):
    with pytest.raises(InvalidMessageError, match="expected_version must be an integer >= -1"):
        write_new(store, expected_version=bad_version)
