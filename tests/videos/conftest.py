"""Helpers for aggregator tests: deliver a control message the way a subscription would."""

from __future__ import annotations

import pytest

from catalog import messages
from message_store.messages import Message
from tests.videos.tracking_probe import probe_table
from videos import aggregator
from videos.models import Video


def deliver(message: Message) -> None:
    """Call the subscription handler for the message's category and type, as the runtime does."""
    handlers = {
        messages.COMMAND_CATEGORY: aggregator.COMMAND_HANDLERS,
        messages.CATEGORY: aggregator.EVENT_HANDLERS,
    }[message.stream_name.split("-", 1)[0]]
    handlers[message.type](message, store=None)


def snapshot(video_id: str) -> dict:
    return Video.objects.filter(pk=video_id).values().get()


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("owner", password="a-long-password-1")


@pytest.fixture
def probe(store):
    """A table where probed handlers record each message they apply (see `tracking_probe`)."""
    with probe_table():
        yield
