"""`manage.py parked`: list what was parked, request a replay, dismiss."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from message_store.consumer import Consumer
from message_store.models import ParkedMessage
from message_store.store import MessageStore
from tests.consumers.controls import (
    Recorder,
    id_example,
    message_example,
    settings_example,
    subscription_example,
    write_examples,
)


def parked_two(store: MessageStore) -> Recorder:
    write_examples(store, range(1, 4))
    recorder = Recorder(fail_on={id_example(1), id_example(3)})
    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )
    return recorder


def run(*args: str) -> str:
    out = StringIO()
    call_command("parked", *args, stdout=out)
    return out.getvalue()


def test_list_shows_each_parked_message_with_its_error(store: MessageStore) -> None:
    parked_two(store)

    listing = run("list").splitlines()

    assert len(listing) == 2
    assert all("cannot handle message" in line for line in listing)
    assert message_example(1).stream_name in listing[0]


def test_replay_of_one_id_requests_it_and_the_consumer_handles_it(store: MessageStore) -> None:
    recorder = parked_two(store)
    first = ParkedMessage.objects.get(message_id=id_example(1))
    recorder.fail_on.clear()

    assert run("replay", str(first.pk)) == "replay: 1 message(s)\n"
    Consumer([subscription_example(recorder)], store=store, settings=settings_example()).run(
        until_idle=True
    )

    first.refresh_from_db()
    assert first.status == ParkedMessage.Status.REPLAYED
    assert id_example(1) in recorder.handled
    assert ParkedMessage.objects.get(message_id=id_example(3)).status == "parked"


def test_dismiss_all(store: MessageStore) -> None:
    parked_two(store)

    assert run("dismiss", "--all") == "dismiss: 2 message(s)\n"
    assert run("list") == ""
    assert len(run("list", "--all").splitlines()) == 2


def test_replay_without_ids_or_all_is_refused(store: MessageStore) -> None:
    parked_two(store)

    with pytest.raises(CommandError, match="needs parked message ids"):
        run("replay")
