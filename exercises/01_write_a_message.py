"""Exercise 01: write a message, and see what the store says about one that has no id."""

import preamble

from message_store.errors import InvalidMessageError
from message_store.messages import NewMessage, new_id


def main() -> None:
    preamble.title("Exercise 01: write a message")
    payment_id = preamble.new_uuid()
    stream = f"payment-{payment_id}"
    fields = {"stream_name": stream, "type": "PaymentReceived"}
    data = {"paymentId": payment_id, "amount": "12.34"}

    preamble.say("First without an id, as the workshop's exercise starts (its 'boom'):")
    try:
        NewMessage(**fields, data=data)
    except InvalidMessageError as error:
        preamble.say(f"  refused: {error}")

    preamble.say("\nThen with one (message_store.messages.new_id()):")
    position = preamble.store().write(NewMessage(id=new_id(), **fields, data=data))
    preamble.say(f"  written to {stream} at position {position}")
    preamble.show_stream(stream)
    preamble.say(
        "\nThe fields of a message: its id (a UUID), its type, its data and its metadata (JSON"
        "\nobjects), the stream it landed in, its position there and its global position."
    )
    preamble.look_next(preamble.print_messages(stream), "the admin: Message store > Messages")


preamble.run(main)
