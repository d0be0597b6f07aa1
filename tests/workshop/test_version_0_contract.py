"""Contract: every message the workshop's code writes (docs/workshop.md), written exactly as it
writes it, is handled by our components to the same outcome as the same fact in our shape.

Each case runs twice on an emptied store: once with the workshop's message, once with ours
(same id, same preceding messages), through the real subscriptions (upcasters, database
filters, handlers, the view aggregator), and compares what was written and what the view shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

import catalog.component
import transcode.component
import transcribe.component
import videos.component
from catalog import messages
from message_store.consumer import POSITION_CATEGORY, Consumer
from message_store.models import ParkedMessage
from message_store.runtime import get_store, reset_store
from message_store.streams import ALL, category
from tests.workshop import controls as old
from tests.workshop.controls import Shape
from transcode import messages as transcode_messages
from transcribe import messages as transcribe_messages
from videos.models import Tracking, Video

VIDEO_ID = old.VIDEO_ID
ORIGIN = old.catalog_stream()
OUR_ORIGIN = {"traceId": old.TRACE_ID, "originStreamName": ORIGIN, "correlationStreamName": ORIGIN}
SUBSCRIPTIONS = {
    s.subscriber_id: s
    for module in (catalog.component, transcode.component, transcribe.component, videos.component)
    for s in module.subscriptions()
}


def ours(shape: Shape, body, metadata: dict | None) -> Shape:
    """The same fact written by us: same id and stream, today's contract, our metadata."""
    return Shape(shape.id, shape.stream_name, body.type_name, body.to_data(), metadata)


def our_started() -> Shape:
    body = messages.Started(video_id=VIDEO_ID, uri=old.SOURCE_URI)
    return ours(old.v0_started(), body, {"traceId": old.TRACE_ID})


def our_transcoded_copy() -> Shape:
    body = messages.Transcoded(
        video_id=VIDEO_ID,
        transcode_id=old.TRANSCODE_ID,
        uri=old.SOURCE_URI,
        transcoded_uri=old.TRANSCODED_URI,
    )
    return ours(old.v0_transcoded_copy(), body, {"traceId": old.TRACE_ID})


def our_transcribed_copy() -> Shape:
    body = messages.Transcribed(
        video_id=VIDEO_ID,
        transcribe_id=old.TRANSCRIBE_ID,
        uri=old.SOURCE_URI,
        transcription=old.TRANSCRIPTION,
    )
    return ours(old.v0_transcribed_copy(), body, {"traceId": old.TRACE_ID})


@dataclass(frozen=True)
class Case:
    workshop: Callable[[], Shape]
    ours: Callable[[], Shape]
    subscribers: tuple[str, ...]
    before: tuple[Callable[[], Shape], ...] = ()
    writes: tuple[str, ...] = ()
    """Types the outcome must contain (so that two equal failures cannot pass)."""


CASES = {
    "Catalog from the web": Case(
        old.v0_catalog_from_the_web,
        lambda: ours(
            old.v0_catalog_from_the_web(),
            messages.Catalog(video_id=VIDEO_ID, uri=old.SOURCE_URI),
            {"traceId": old.TRACE_ID, "userId": old.USER_ID},
        ),
        ("catalog-commands", "videos-aggregator-commands"),
        writes=("Started",),
    ),
    "Catalog of exercise 13": Case(
        old.v0_catalog_of_exercise_13,
        lambda: ours(
            old.v0_catalog_of_exercise_13(),
            messages.Catalog(video_id=VIDEO_ID, uri=old.SOURCE_URI, title=old.NAME),
            None,
        ),
        ("catalog-commands", "videos-aggregator-commands"),
        writes=("Started",),
    ),
    "Started": Case(
        old.v0_started, our_started, ("catalog-events", "videos-aggregator"), writes=("Transcode",)
    ),
    "Transcode": Case(
        old.v0_transcode,
        lambda: ours(
            old.v0_transcode(),
            transcode_messages.Transcode(transcode_id=old.TRANSCODE_ID, uri=old.SOURCE_URI),
            OUR_ORIGIN,
        ),
        ("transcode",),
        writes=("Transcoded",),
    ),
    "Transcoded": Case(
        old.v0_transcoded,
        lambda: ours(
            old.v0_transcoded(),
            transcode_messages.Transcoded(
                transcode_id=old.TRANSCODE_ID, uri=old.SOURCE_URI, transcoded_uri=old.TRANSCODED_URI
            ),
            OUR_ORIGIN,
        ),
        ("catalog-transcode-events",),
        before=(our_started,),
        writes=("Transcoded",),
    ),
    "Transcoded copy": Case(
        old.v0_transcoded_copy,
        our_transcoded_copy,
        ("catalog-events", "videos-aggregator"),
        before=(our_started,),
        writes=("Transcribe",),
    ),
    "Transcribe": Case(
        old.v0_transcribe,
        lambda: ours(
            old.v0_transcribe(),
            transcribe_messages.Transcribe(transcribe_id=VIDEO_ID, uri=old.SOURCE_URI),
            OUR_ORIGIN,
        ),
        ("transcribe",),
        writes=("Transcribed",),
    ),
    "Transcribed": Case(
        old.v0_transcribed,
        lambda: ours(
            old.v0_transcribed(),
            transcribe_messages.Transcribed(
                transcribe_id=old.TRANSCRIBE_ID, uri=old.SOURCE_URI, transcription=old.TRANSCRIPTION
            ),
            OUR_ORIGIN,
        ),
        ("catalog-transcribe-events",),
        before=(our_started, our_transcoded_copy),
        writes=("Transcribed",),
    ),
    "Transcribed copy": Case(
        old.v0_transcribed_copy,
        our_transcribed_copy,
        ("catalog-events", "videos-aggregator"),
        before=(our_started, our_transcoded_copy),
        writes=("Cataloged",),
    ),
    "Cataloged": Case(
        old.v0_cataloged,
        lambda: ours(
            old.v0_cataloged(), messages.Cataloged(video_id=VIDEO_ID), {"traceId": old.TRACE_ID}
        ),
        ("videos-aggregator",),
        before=(our_started, our_transcoded_copy, our_transcribed_copy),
    ),
}


def outcome(case: Case, subject: Callable[[], Shape]) -> tuple[list[tuple], list[dict]]:
    """On an emptied store: write what comes before and the subject, run the subscriptions
    until idle, and return what they wrote after the subject and the view rows."""
    reset_store()
    store = get_store()
    with store.connection() as connection:
        connection.execute("TRUNCATE message_store.messages RESTART IDENTITY")
    ParkedMessage.objects.all().delete()
    Video.objects.all().delete()
    Tracking.objects.all().delete()
    for shape in case.before:
        shape().write(store)
    written = subject().write(store)
    subscriptions = [SUBSCRIPTIONS[subscriber] for subscriber in case.subscribers]
    Consumer(subscriptions, store=store).run(until_idle=True)

    assert list(ParkedMessage.objects.values_list("error", flat=True)) == []
    messages_after = [
        (m.stream_name, m.type, m.data, m.metadata)
        for m in store.read(ALL, position=written.global_position + 1, batch_size=-1)
        if category(m.stream_name) != POSITION_CATEGORY
    ]
    rows = list(Video.objects.values().order_by("id"))
    for row in rows:
        del row["created_at"], row["updated_at"], row["step_at"]
    return messages_after, rows


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_the_workshops_message_is_handled_as_ours(store, settings, tmp_path, case: Case):
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")

    workshop = outcome(case, case.workshop)
    our = outcome(case, case.ours)

    assert workshop == our
    assert [kind for _, kind, _, _ in workshop[0]] == list(case.writes)


def test_the_catalog_of_exercise_13_is_titled_by_its_name_and_owned_by_nobody(store, settings):
    _, [row] = outcome(CASES["Catalog of exercise 13"], old.v0_catalog_of_exercise_13)

    assert (row["title"], row["owner_id"], row["source_name"]) == (old.NAME, None, old.SOURCE_URI)


def test_a_video_without_poster_or_captions_is_ready_and_playable(store, settings):
    case = Case(
        old.v0_cataloged,
        old.v0_cataloged,
        ("videos-aggregator",),
        before=(old.v0_started, old.v0_transcoded_copy, old.v0_transcribed_copy),
    )
    _, [row] = outcome(case, old.v0_cataloged)
    video = Video.objects.get()

    assert (video.is_ready, video.is_playable) == (True, True)
    assert (row["video_name"], row["poster_name"], row["captions_name"]) == (
        old.TRANSCODED_URI,
        "",
        "",
    )
    assert row["transcript"] == old.TRANSCRIPTION


def test_duplicate_workshop_transcribes_of_one_video_are_absorbed(store, settings, tmp_path):
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    store.write_batch(
        [
            old.v0_transcribe(n=7).new_message(),
            old.v0_transcribe(transcribe_id=old.shape_id(77), n=70).new_message(),
        ]
    )

    Consumer([SUBSCRIPTIONS["transcribe"]], store=store).run(until_idle=True)

    outcomes = store.read("transcribe", batch_size=-1)
    assert [(m.stream_name, m.type) for m in outcomes] == [
        (f"transcribe-{VIDEO_ID}", "Transcribed")
    ]
