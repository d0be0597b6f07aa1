"""Word error rate of the transcribe component, per flite voice, from sentences of our own.

Part of `./dev bench-pipeline` (or run alone: `python -m benchmarks.wer`). Each voice reads the
same paragraph (sentences written for this benchmark, no numbers, so no spelling-out rules
blur the score) into one clip, and the component's recogniser (`transcribe.speech`, Whisper
tiny.en) transcribes it. WER is computed by jiwer after lower-casing and removing punctuation
on both sides. Nothing here asserts.

The engine before Whisper, pocketsphinx 5 with its bundled US English model, was measured on
the same clips in the same run before it left the project (2026-12-01, a shared 2-core machine;
the comparison code is in the commit that added this module):

    voice    Whisper  pocketsphinx
    kal        11.2%         37.4%
    kal16      11.2%         13.1%
    awb         4.7%         18.7%
    rms         2.8%          9.3%
    slt         3.7%         16.8%
    mean        6.7%         19.1%
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VOICES = ("kal", "kal16", "awb", "rms", "slt")
SENTENCES = (
    "The old lighthouse keeper climbed the stairs every evening before the sun went down.",
    "Fresh bread from the corner bakery smells wonderful on a cold winter morning.",
    "Please send the quarterly report to the finance team before the end of the week.",
    "A small boat drifted slowly across the quiet lake while the children watched.",
    "Our neighbors planted tomatoes, beans and sunflowers along the garden fence.",
    "The museum will close early today because the heating system needs repairs.",
    "She learned to play the violin by listening to old recordings of famous concerts.",
    "Turn left at the train station and walk straight ahead until you reach the bridge.",
)


def wer_figures() -> None:
    """Print one line per voice: the WER and the seconds Whisper took for the clip."""
    import jiwer

    from tests.media_factory import make_spoken_clip
    from transcribe.speech import transcribe

    reference = " ".join(SENTENCES)
    normalise = jiwer.Compose(
        [
            jiwer.ToLowerCase(),
            jiwer.RemovePunctuation(),
            jiwer.RemoveMultipleSpaces(),
            jiwer.Strip(),
            jiwer.ReduceToListOfListOfWords(),
        ]
    )
    print(
        f"\nword error rate, {len(SENTENCES)} sentences ({len(reference.split())} words) a voice:"
    )
    print(f"  {'voice':<7} {'WER':>6}   seconds")
    rates = []
    with tempfile.TemporaryDirectory(prefix="bench-wer-") as folder:
        for voice in VOICES:
            clip = make_spoken_clip(Path(folder) / f"{voice}.mp4", reference, voice=voice)
            started = time.perf_counter()
            text = transcribe(clip).text
            seconds = time.perf_counter() - started
            rates.append(jiwer.wer(reference, text, normalise, normalise))
            print(f"  {voice:<7} {rates[-1]:6.1%}   {seconds:.2f}")
    print(f"  {'mean':<7} {sum(rates) / len(rates):6.1%}")


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    wer_figures()


if __name__ == "__main__":
    main()
