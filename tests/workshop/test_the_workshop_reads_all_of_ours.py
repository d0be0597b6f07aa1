"""Nothing we write stops the workshop's components, and nothing they then write trips ours.

Our components carry videos through every ending we have (ready, a failed transcode, edited by
its owner, a command refused, deleted and erased); then the workshop's components start on the
same store and read every category they follow from the start, every message as it is stored
(erased ones too), as its Node process does when it is started beside an existing store. None of
its subscriptions stops (they stop for good on any error, its aggregator on a missing field),
its list holds every video our catalog finished, and when ours run again nothing is parked and
no video of ours changes: the workshop's answers are never a video's result."""

from __future__ import annotations

import pytest

from catalog import messages
from message_store.messages import NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import parked
from tests.workshop.controls import EVERY_SUBSCRIBER, run_ours
from tests.workshop.double import Workshop
from videos.models import Video

READY, FAILED, EDITED, DELETED = (f"c0000000-0000-4000-8000-00000000000{n}" for n in range(1, 5))


def command(video_id: str, body, owner: str, n: int) -> NewMessage:
    return NewMessage(
        id=f"c0c00000-0000-4000-8000-{n:012d}",
        stream_name=messages.command_stream(video_id),
        type=body.type_name,
        data=body.to_data(),
        metadata={"traceId": f"trace-{n}", "userId": owner},
    )


def upload(video_id: str, owner: str, n: int) -> NewMessage:
    body = messages.Catalog(video_id=video_id, uri=f"uploads/{video_id}/a.mp4", title=f"V{n}")
    return command(video_id, body, owner, n)


def transcode_fails(store: MessageStore, video_id: str) -> None:
    """Our transcode's answer for a file it cannot read, in place of the simulated job."""
    job = messages.transcode_id(video_id)
    origin = messages.entity_stream(video_id)
    store.write(
        NewMessage(
            id=f"c0f00000-0000-4000-8000-{video_id[-12:]}",
            stream_name=f"transcode-{job}",
            type="TranscodeFailed",
            data={"transcodeId": job, "uri": f"uploads/{video_id}/a.mp4", "reason": "not a video"},
            metadata={"originStreamName": origin, "correlationStreamName": origin},
        )
    )


@pytest.fixture
def ours_done(store: MessageStore, settings, tmp_path, django_user_model) -> MessageStore:
    settings.SIMULATED_MEDIA = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    owner = str(django_user_model.objects.create_user("owner", password="a-long-pass-1").pk)
    videos = (READY, FAILED, EDITED, DELETED)
    store.write_batch([upload(video, owner, n) for n, video in enumerate(videos, 1)])
    run_ours(store, "catalog-commands", "catalog-events")
    transcode_fails(store, FAILED)
    run_ours(store, *EVERY_SUBSCRIBER)
    change = messages.ChangeDetails(video_id=EDITED, title="New", description="Words")
    store.write(command(EDITED, change, owner, 5))
    store.write(command(EDITED, messages.ChangeVisibility(video_id=EDITED, visibility="private"),
                        owner, 6))  # fmt: skip
    store.write(command(EDITED, messages.Delete(video_id=EDITED), "someone-else", 7))
    store.write(command(DELETED, messages.Delete(video_id=DELETED), owner, 8))
    run_ours(store, *EVERY_SUBSCRIBER)
    kinds = {m.type for m in store.read("catalog", batch_size=-1)}
    assert {"CommandRefused", "DetailsChanged", "Erased", "TranscodeFailed"} <= kinds
    return store


def view() -> dict[str, tuple]:
    return {
        str(row.id): (row.status, row.video_name, row.transcript, row.title)
        for row in Video.objects.all()
    }


def test_the_workshop_reads_every_message_of_ours_without_stopping(ours_done):
    before = view()
    workshop = Workshop()

    workshop.run_until_idle(ours_done)

    assert workshop.errors == []
    assert set(workshop.videos) == {READY, FAILED, EDITED, DELETED}
    ready = Video.objects.get(pk=READY)
    assert workshop.videos[READY]["uri"] == ready.video_name
    assert (workshop.videos[DELETED]["uri"], workshop.videos[DELETED]["transcription"]) == ("", "")

    run_ours(ours_done, *EVERY_SUBSCRIBER)

    assert parked() == []
    assert view() == before
    assert before[FAILED][0] == "failed"
    assert before[DELETED][0] == "deleted"
