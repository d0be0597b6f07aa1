"""The whole process, with real media, through real consumer processes: an upload of a spoken
clip becomes a cataloged video with an HLS ladder, a playable MP4, a poster, a transcript and
its timed cues, in both the job streams and the video's stream."""

from __future__ import annotations

from pathlib import Path

import pytest

from catalog.messages import command_stream, entity_stream, transcode_id, transcribe_id
from message_store.messages import NewMessage
from message_store.store import MessageStore
from tests.consumers.controls import last_position, wait_until
from tests.consumers.processes import ConsumerProcesses
from tests.media_factory import make_spoken_clip
from tests.transcode.decoding import decode_errors
from tests.transcribe.controls import SENTENCE, word_overlap
from transcode import messages as transcode_messages
from transcribe import messages as transcribe_messages

VIDEO_ID = "e2e00000-0000-4000-8000-000000000001"
TRACE_ID = "trace-e2e-1"
SUBSCRIBERS = {
    "catalog": [
        "catalog-commands",
        "catalog-events",
        "catalog-transcode-events",
        "catalog-transcribe-events",
    ],
    "transcode": ["transcode"],
    "transcribe": ["transcribe"],
}


@pytest.mark.slow
def test_an_upload_is_cataloged_with_real_media(
    store: MessageStore, consumer_processes: ConsumerProcesses, media_root: Path
) -> None:
    source_uri = f"uploads/{VIDEO_ID}.mp4"
    (media_root / "uploads").mkdir()
    make_spoken_clip(media_root / source_uri, SENTENCE, seconds=7, size=(640, 360))
    consumers = [consumer_processes.start(component) for component in SUBSCRIBERS]
    command_id = "c0e2e000-0000-4000-8000-000000000001"
    store.write(
        NewMessage(
            id=command_id,
            stream_name=command_stream(VIDEO_ID),
            type="Catalog",
            data={
                "videoId": VIDEO_ID,
                "title": "Weather and news",
                "uri": source_uri,
            },
            metadata={"traceId": TRACE_ID, "userId": "user-1"},
        )
    )
    stream = entity_stream(VIDEO_ID)

    def cataloged():
        stopped = [c.component for c in consumers if not c.is_running()]
        assert not stopped, f"{stopped} died\n{consumer_processes.logs()}"
        return store.read_last(stream, "Cataloged")

    wait_until(
        cataloged, timeout=90, interval=0.2, what="Cataloged", details=consumer_processes.logs
    )

    events = {e.type: e for e in store.read_stream(stream)}
    assert list(events) == ["Started", "Transcoded", "Transcribed", "Cataloged"]
    assert {e.metadata.get("traceId") for e in events.values()} == {TRACE_ID}
    transcoded, transcribed = events["Transcoded"].data, events["Transcribed"].data
    assert (transcoded["width"], transcoded["height"]) == (640, 360)
    assert transcoded["durationSeconds"] == pytest.approx(7, abs=0.3)
    video = media_root / transcoded["transcodedUri"]
    poster = media_root / transcoded["posterUri"]
    assert decode_errors(video) == ""
    assert decode_errors(media_root / transcoded["playlistUri"]) == ""
    assert [(r["width"], r["height"]) for r in transcoded["renditions"]] == [(426, 240), (640, 360)]
    for rendition in transcoded["renditions"]:
        assert decode_errors(media_root / rendition["playlistUri"]) == ""
    assert poster.stat().st_size > 0
    assert word_overlap(SENTENCE, transcribed["transcription"]) >= 0.9, transcribed
    assert transcribed["language"] == "en"
    assert " ".join(s["text"] for s in transcribed["segments"]) == transcribed["transcription"]
    assert (media_root / transcribed["captionsUri"]).read_text().startswith("WEBVTT")
    job_transcoded = store.read_last(transcode_messages.entity_stream(transcode_id(VIDEO_ID)))
    job_transcribed = store.read_last(transcribe_messages.entity_stream(transcribe_id(VIDEO_ID)))
    for job, copy in ((job_transcoded, transcoded), (job_transcribed, transcribed)):
        assert {key: value for key, value in copy.items() if key != "videoId"} == job.data

    exit_codes = {c.component: c.terminate() for c in consumers}
    assert exit_codes == dict.fromkeys(SUBSCRIBERS, 0), consumer_processes.logs()
    transcode_command = store.read_last(transcode_messages.command_stream(transcode_id(VIDEO_ID)))
    transcribe_command = store.read_last(
        transcribe_messages.command_stream(transcribe_id(VIDEO_ID))
    )
    assert (
        last_position(store, "catalog-commands")
        == store.read_last(command_stream(VIDEO_ID)).global_position
    )
    assert last_position(store, "transcode") == transcode_command.global_position
    assert last_position(store, "transcribe") == transcribe_command.global_position
    for subscriber_id in SUBSCRIBERS["catalog"]:
        assert last_position(store, subscriber_id) is not None, subscriber_id
