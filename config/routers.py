"""Sends the `message_store` app to the `message_store` database, and nothing else there."""

MESSAGE_STORE_APP = "message_store"
MESSAGE_STORE_DB = "message_store"


class MessageStoreRouter:
    """Keep the event database and the view database apart, even in migrations."""

    def db_for_read(self, model, **hints):
        return MESSAGE_STORE_DB if model._meta.app_label == MESSAGE_STORE_APP else "default"

    db_for_write = db_for_read

    def allow_relation(self, obj1, obj2, **hints):
        return (obj1._meta.app_label == MESSAGE_STORE_APP) == (
            obj2._meta.app_label == MESSAGE_STORE_APP
        )

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return (app_label == MESSAGE_STORE_APP) == (db == MESSAGE_STORE_DB)
