"""App config for the transcribe component."""

from django.apps import AppConfig


class TranscribeConfig(AppConfig):
    name = "transcribe"
    default_auto_field = "django.db.models.BigAutoField"
