"""`manage.py consume <component>`: run a component's subscriptions until SIGTERM/SIGINT."""

import logging
import signal

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from config.components import COMPONENTS, check, subscriptions
from message_store.consumer import Consumer, ConsumerSettings
from message_store.runtime import get_store


class Command(BaseCommand):
    help = "Run a component's message handlers (catalog, transcode, transcribe, videos)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("component", choices=sorted(COMPONENTS))
        parser.add_argument("--group-member", type=int, help="this member's index (from 0)")
        parser.add_argument("--group-size", type=int, help="how many members share the work")
        parser.add_argument("--until-idle", action="store_true", help="drain, then exit")
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument(
            "--position-update-interval",
            type=int,
            default=100,
            help="store the position every N messages (also when idle and on exit)",
        )
        parser.add_argument(
            "--poll-interval", type=float, default=5.0, help="seconds between safety polls"
        )
        parser.add_argument(
            "--one-transaction-per-message",
            action="store_true",
            help="commit each message's handling on its own, even where a batch could share one",
        )
        parser.add_argument(
            "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
        )

    def handle(self, *args, component: str, **options) -> None:
        logging.getLogger().setLevel(options["log_level"])
        try:
            settings = ConsumerSettings(
                batch_size=options["batch_size"],
                position_update_interval=options["position_update_interval"],
                poll_interval=options["poll_interval"],
                group_member=options["group_member"],
                group_size=options["group_size"],
                batch_transactions=not options["one_transaction_per_message"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        try:
            check(component)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        consumer = Consumer(subscriptions(component), store=get_store(), settings=settings)
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: consumer.stop())
        logging.getLogger(__name__).info("consuming %s as %s", component, consumer.subscriber_ids)
        handled = consumer.run(until_idle=options["until_idle"])
        logging.getLogger(__name__).info("%s stopped after %d messages", component, handled)
