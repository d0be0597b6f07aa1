"""A `Transcode` whose stream id is not its transcode id, or with missing data, is malformed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from message_store.contracts import MalformedMessageError
from message_store.store import MessageStore
from tests.consumers.controls import stored
from tests.transcode import controls
from transcode.handlers import handle_transcode
from transcode.messages import entity_stream

OTHER_ID = "7c000000-0000-4000-8000-000000000002"


def test_a_stream_id_other_than_the_transcode_id(store: MessageStore) -> None:
    command = stored(store, controls.transcode_example(stream_id=OTHER_ID))

    with pytest.raises(MalformedMessageError, match="does not match"):
        handle_transcode(command, store=store)

    assert store.stream_version(entity_stream(controls.TRANSCODE_ID)) is None
    assert store.stream_version(entity_stream(OTHER_ID)) is None


def test_an_empty_source(store: MessageStore) -> None:
    command = stored(store, controls.transcode_example())

    with pytest.raises(MalformedMessageError, match="'uri'"):
        handle_transcode(replace(command, data={**command.data, "uri": ""}), store=store)

    assert store.stream_version(entity_stream(controls.TRANSCODE_ID)) is None
