"""Exercise 11: transcribe's `Transcribed` copied into the catalog stream, handled twice."""

import preamble

from catalog.messages import entity_stream, transcribe_id
from transcribe.messages import entity_stream as transcribe_stream


def main() -> None:
    preamble.title("Exercise 11: handle a Transcribed event in the transcribe stream, twice")
    video_id = preamble.new_uuid()
    job_id = transcribe_id(video_id)
    origin = entity_stream(video_id)
    source = f"uploads/{video_id}/original.mp4"
    preamble.write(origin, "Started", {"videoId": video_id, "uri": source}, {"traceId": "t"})
    reply = preamble.write(
        transcribe_stream(job_id),
        "Transcribed",
        {"transcribeId": job_id, "uri": source, "transcription": "hello world"},
        {"traceId": "t", "originStreamName": origin},
    )
    handle = preamble.handler("catalog-transcribe-events", "Transcribed")

    preamble.say("Calling the catalog's handler for transcribe replies twice ...")
    handle(reply, store=preamble.store())
    handle(reply, store=preamble.store())

    copies = preamble.show_stream(origin, "Transcribed")
    preamble.say(
        f"\n{len(copies)} copy: the same template as exercise 09, for the other job. The video"
        "\nstream's projection says it is transcribed, so the second call returns early."
    )
    preamble.look_next(preamble.print_messages(origin))


preamble.run(main)
