"""Exercise 04: fold an example `Transcribed` event with the transcribe projection."""

import preamble

from transcribe.messages import entity_stream
from transcribe.projection import projection


def main() -> None:
    preamble.title("Exercise 04: projecting the transcription")
    transcribe_id = preamble.new_uuid()
    transcribed = preamble.in_hand(
        entity_stream(transcribe_id),
        "Transcribed",
        {
            "transcribeId": transcribe_id,
            "uri": "uploads/example/original.mp4",
            "transcription": "hello world",
            "captionsUri": f"captions/{transcribe_id}.vtt",
        },
        {"traceId": preamble.new_uuid()},
    )

    before = projection.initial()
    after = projection.fold([transcribed])

    preamble.say(f"Initial entity:       {before}")
    preamble.say("Folding one event:")
    preamble.show(transcribed)
    preamble.say(f"Entity after folding: {after}")
    preamble.say(f"Is it transcribed? {'yes' if after.finished else 'no'}")
    preamble.say(
        "\nA projection is an initial value plus one small function per event type"
        "\n(transcribe/projection.py; the mechanism is message_store/projection.py)."
        "\nstore.fetch(stream, projection) folds a whole stream this way."
    )
    preamble.look_next("transcribe/projection.py", "message_store/store.py: MessageStore.fetch")


preamble.run(main)
