"""App config for the transcode component."""

from django.apps import AppConfig


class TranscodeConfig(AppConfig):
    name = "transcode"
    default_auto_field = "django.db.models.BigAutoField"
