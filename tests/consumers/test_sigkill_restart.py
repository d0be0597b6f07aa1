"""A catalog consumer killed with SIGKILL part-way through, then restarted, handles again what
it had not stored as read; idempotent handlers make every effect happen exactly once."""

from __future__ import annotations

import pytest

from catalog import messages as catalog_messages
from message_store.store import MessageStore
from tests.catalog import controls as catalog
from tests.consumers.controls import parked, wait_until
from tests.consumers.processes import ConsumerProcesses
from transcode import messages as transcode_messages
from transcribe import messages as transcribe_messages

VIDEOS = [catalog.video_id_example(n) for n in range(1, 41)]
SIMULATED = {"SIMULATED_MEDIA": "true"}


def count(store: MessageStore, message_type: str) -> int:
    return sum(1 for m in store.read("catalog", batch_size=-1) if m.type == message_type)


@pytest.mark.slow
def test_every_video_is_cataloged_exactly_once(
    store: MessageStore, consumer_processes: ConsumerProcesses
) -> None:
    store.write_batch([catalog.catalog_example(v, n=i) for i, v in enumerate(VIDEOS)])
    workers = [
        consumer_processes.start(component, env=SIMULATED)
        for component in ("transcode", "transcribe")
    ]
    small_batches = ("--batch-size", "7", "--position-update-interval", "5")
    first = consumer_processes.start("catalog", *small_batches, env=SIMULATED)

    wait_until(
        lambda: count(store, "Transcoded") >= 5,
        timeout=60,
        interval=0.01,
        what="some progress",
        details=consumer_processes.logs,
    )
    first.kill()
    assert first.process.returncode == -9
    assert count(store, "Cataloged") < len(VIDEOS), "killed too late to test anything"

    second = consumer_processes.start("catalog", *small_batches, env=SIMULATED)
    wait_until(
        lambda: count(store, "Cataloged") >= len(VIDEOS),
        timeout=90,
        interval=0.2,
        what="every video to be cataloged",
        details=consumer_processes.logs,
    )
    exit_codes = [process.terminate() for process in (second, *workers)]
    assert exit_codes == [0, 0, 0], consumer_processes.logs()

    for video_id in VIDEOS:
        events = [e.type for e in store.read_stream(catalog_messages.entity_stream(video_id))]
        assert events == ["Started", "Transcoded", "Transcribed", "Cataloged"], video_id
        transcode_stream = transcode_messages.command_stream(
            catalog_messages.transcode_id(video_id)
        )
        transcribe_stream = transcribe_messages.command_stream(
            catalog_messages.transcribe_id(video_id)
        )
        assert store.stream_version(transcode_stream) == 0
        assert store.stream_version(transcribe_stream) == 0
    assert len(store.read("transcode", batch_size=-1)) == len(VIDEOS)
    assert len(store.read("transcribe", batch_size=-1)) == len(VIDEOS)
    assert parked() == []
    assert "starts after position" in second.log_text()
