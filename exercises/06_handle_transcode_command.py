"""Exercise 06: the transcode component's handler and projection, with one command twice."""

import preamble

from transcode.messages import command_stream, entity_stream
from transcode.projection import projection


def main() -> None:
    preamble.title("Exercise 06: handle a Transcode command twice")
    video_id, transcode_id = preamble.new_uuid(), preamble.new_uuid()
    command = preamble.in_hand(
        command_stream(transcode_id),
        "Transcode",
        {"transcodeId": transcode_id, "uri": preamble.sample_video(video_id)},
        {"traceId": preamble.new_uuid(), "originStreamName": f"catalog-{video_id}"},
    )
    handle = preamble.handler("transcode", "Transcode")

    preamble.say("Calling the Transcode handler twice ...")
    handle(command, store=preamble.store())
    handle(command, store=preamble.store())

    events = preamble.show_stream(entity_stream(transcode_id), "Transcoded")
    job, version = preamble.store().fetch(entity_stream(transcode_id), projection)
    preamble.say(
        f"\nOne command handled twice wrote {len(events)} Transcoded event."
        f"\nThe projection (transcode/projection.py) folds the stream to {job} at version"
        f" {version}:\nthe second call found the job finished and did nothing."
    )
    preamble.look_next(preamble.print_messages(entity_stream(transcode_id)))


preamble.run(main)
