"""App config: installs the message store schema whenever the `message_store` database migrates."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MessageStoreConfig(AppConfig):
    name = "message_store"
    verbose_name = "Message store"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(install_schema, sender=self)


def install_schema(sender, using: str, **kwargs) -> None:
    """Run `sql/schema.sql` (idempotent) so every migrate installs or upgrades the store."""
    from django.db import connections

    from config.routers import MESSAGE_STORE_DB
    from message_store.queries import schema_sql

    if using != MESSAGE_STORE_DB:
        return
    with connections[using].cursor() as cursor:
        cursor.execute(schema_sql())
