"""Exercise 10: the catalog's own `Transcoded` -> a `Transcribe` command, handled twice."""

import preamble

from catalog.messages import entity_stream, transcode_id, transcribe_id
from transcribe.messages import command_stream


def main() -> None:
    preamble.title("Exercise 10: handle a Transcoded event in the catalog stream, twice")
    video_id = preamble.new_uuid()
    stream = entity_stream(video_id)
    source = f"uploads/{video_id}/original.mp4"
    trace = {"traceId": preamble.new_uuid()}
    preamble.write(stream, "Started", {"videoId": video_id, "uri": source}, trace)
    transcoded = preamble.write(
        stream,
        "Transcoded",
        {
            "videoId": video_id,
            "transcodeId": transcode_id(video_id),
            "uri": source,
            "transcodedUri": f"videos/{transcode_id(video_id)}/web.mp4",
        },
        trace,
    )
    handle = preamble.handler("catalog-events", "Transcoded")

    preamble.say("Calling the catalog's handler for its own Transcoded twice ...")
    handle(transcoded, store=preamble.store())
    handle(transcoded, store=preamble.store())

    commands = preamble.show_stream(command_stream(transcribe_id(video_id)), "Transcribe")
    preamble.say(
        f"\n{len(commands)} Transcribe command, for the source the video started with (Started's"
        "\nuri). A handler is just a function registered for a message type in a subscription:"
        "\nthis one is in catalog/handlers.py, registered in catalog/component.py."
    )
    preamble.look_next(preamble.print_messages(command_stream(transcribe_id(video_id))))


preamble.run(main)
