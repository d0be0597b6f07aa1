"""Exercise 12: the catalog's own `Transcribed` -> `Cataloged`, handled twice."""

import preamble

from catalog.messages import entity_stream, transcode_id, transcribe_id


def main() -> None:
    preamble.title("Exercise 12: handle a Transcribed event in the catalog stream, twice")
    video_id = preamble.new_uuid()
    stream = entity_stream(video_id)
    source = f"uploads/{video_id}/original.mp4"
    trace = {"traceId": preamble.new_uuid()}
    preamble.write(stream, "Started", {"videoId": video_id, "uri": source}, trace)
    preamble.write(
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
    transcribed = preamble.write(
        stream,
        "Transcribed",
        {
            "videoId": video_id,
            "transcribeId": transcribe_id(video_id),
            "uri": source,
            "transcription": "hello world",
        },
        trace,
    )
    handle = preamble.handler("catalog-events", "Transcribed")

    preamble.say("Calling the catalog's handler for its own Transcribed twice ...")
    handle(transcribed, store=preamble.store())
    handle(transcribed, store=preamble.store())

    events = preamble.show_stream(stream, "Cataloged")
    preamble.say(
        f"\n{len(events)} Cataloged event: the video is complete. Unlike the workshop, the"
        "\ncatalog writes Cataloged only for a video that has something to play (a Transcoded"
        "\nwith a transcodedUri), so this exercise records one before the transcription."
    )
    preamble.look_next(preamble.print_messages(stream))


preamble.run(main)
