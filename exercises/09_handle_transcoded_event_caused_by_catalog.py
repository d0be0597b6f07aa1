"""Exercise 09: transcode's `Transcoded` (origin `catalog-{id}`) copied into the catalog stream,
with the reply handled twice."""

import preamble

from catalog.messages import entity_stream, transcode_id
from transcode.messages import entity_stream as transcode_stream


def main() -> None:
    preamble.title("Exercise 09: handle a Transcoded event caused by the catalog, twice")
    video_id = preamble.new_uuid()
    job_id = transcode_id(video_id)
    origin = entity_stream(video_id)
    preamble.write(
        origin,
        "Started",
        {"videoId": video_id, "uri": f"uploads/{video_id}/original.mp4", "title": "Exercise 09"},
        {"traceId": preamble.new_uuid()},
    )
    reply = preamble.write(
        transcode_stream(job_id),
        "Transcoded",
        {
            "transcodeId": job_id,
            "uri": f"uploads/{video_id}/original.mp4",
            "transcodedUri": f"videos/{job_id}/web.mp4",
        },
        {"traceId": preamble.new_uuid(), "originStreamName": origin},
    )
    handle = preamble.handler("catalog-transcode-events", "Transcoded")

    preamble.say(f"A reply in {reply.stream_name} whose originStreamName is {origin}.")
    preamble.say("Calling the catalog's handler for transcode replies twice ...")
    handle(reply, store=preamble.store())
    handle(reply, store=preamble.store())

    copies = preamble.show_stream(origin, "Transcoded")
    preamble.say(
        f"\n{len(copies)} copy in the video's stream: the catalog keeps its own record of the"
        "\nprocess and does not rely on other components' streams for its state. The handler"
        "\nfinds the stream from the reply's originStreamName; its subscription (catalog/"
        "\ncomponent.py) reads replies by origin in the database (get_category_replies), by"
        "\ncorrelationStreamName or, as here, originStreamName alone."
    )
    preamble.look_next(preamble.print_messages(origin))


preamble.run(main)
