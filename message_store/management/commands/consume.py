"""`manage.py consume <component>`: run a component's subscriptions until SIGTERM/SIGINT.

The process is the consumer loop plus, beside it, the keeper (heartbeat; slot leases in a
healing group: `--group-size M` without `--group-member`) and, with `--metrics-port`, the
metrics and health endpoint.
"""

import logging
import signal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from config.components import COMPONENTS, check, subscriptions
from message_store.consumer import Consumer, ConsumerSettings
from message_store.heartbeat import Identity
from message_store.keeper import Keeper
from message_store.monitoring import MonitoringServer
from message_store.runtime import get_store
from message_store.slots import LeasedSlots

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run a component's message handlers (catalog, transcode, transcribe, videos)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("component", choices=sorted(COMPONENTS))
        parser.add_argument(
            "--group-member",
            type=int,
            help="this member's index (from 0), fixed; without it, --group-size makes a healing"
            " group whose processes share the slots among themselves",
        )
        parser.add_argument("--group-size", type=int, help="how many slots share the work")
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
            "--metrics-port",
            type=int,
            default=settings.CONSUMER_METRICS_PORT,
            help="serve /metrics (Prometheus) and /healthz on this port (0: any free port;"
            " default: the CONSUMER_METRICS_PORT setting, off when unset)",
        )
        parser.add_argument(
            "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
        )

    def handle(self, *args, component: str, **options) -> None:
        logging.getLogger().setLevel(options["log_level"])
        healing = options["group_size"] is not None and options["group_member"] is None
        try:
            consumer_settings = ConsumerSettings(
                batch_size=options["batch_size"],
                position_update_interval=options["position_update_interval"],
                poll_interval=options["poll_interval"],
                group_member=options["group_member"],
                group_size=options["group_size"],
                batch_transactions=not options["one_transaction_per_message"],
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if healing and options["until_idle"]:
            raise CommandError("--until-idle needs a fixed slot: add --group-member, or drop both")
        try:
            check(component)
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        store = get_store()
        leases = LeasedSlots(component, options["group_size"]) if healing else None
        consumer = Consumer(
            subscriptions(component),
            store=store,
            settings=consumer_settings,
            slots=leases,
            name=component,
        )
        monitoring = self._monitoring(consumer, options["metrics_port"])
        keeper = Keeper(
            store.conninfo,
            Identity(
                component,
                group_size=options["group_size"],
                group_member=options["group_member"],
                metrics_port=None if monitoring is None else monitoring.port,
            ),
            consumer.activity,
            leases=leases,
        )
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: consumer.stop())
        if healing:
            logger.info("consuming %s in a healing group of %d slots", component, leases.size)
        else:
            logger.info("consuming %s as %s", component, consumer.subscriber_ids)
        keeper.start()
        try:
            handled = consumer.run(until_idle=options["until_idle"])
        finally:
            keeper.stop()
            if monitoring is not None:
                monitoring.close()
        logger.info("%s stopped after %d messages", component, handled)

    def _monitoring(self, consumer: Consumer, port: int | None) -> MonitoringServer | None:
        if port is None:
            return None
        try:
            return MonitoringServer(consumer, port, settings.CONSUMER_METRICS_HOST)
        except OSError as error:
            raise CommandError(f"cannot serve metrics on port {port}: {error.strerror}") from None
