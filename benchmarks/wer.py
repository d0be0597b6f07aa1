"""Word error rate of the transcribe component, per flite voice, from sentences of our own.

Part of `./dev bench-pipeline` (or run alone: `python -m benchmarks.wer`). Each voice reads the
same paragraph (sentences written for this benchmark, no numbers, so no spelling-out rules
blur the score) into one clip; the component's recogniser (`transcribe.speech`, Whisper)
transcribes it, and where pocketsphinx is installed the pocketsphinx engine this project used
before transcribes the same clip in the same run, as a baseline. WER is computed by jiwer after
lower-casing and removing punctuation on both sides. Nothing here asserts.
"""

from __future__ import annotations

import io
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
    """Print one line per voice: Whisper's WER and, when installed, pocketsphinx's."""
    import jiwer

    from tests.media_factory import make_spoken_clip
    from transcribe.speech import transcribe

    baseline = _pocketsphinx_engine()
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
    print(f"  {'voice':<7} {'Whisper':>8} {'pocketsphinx':>13}   seconds (Whisper / pocketsphinx)")
    totals: dict[str, list[float]] = {"whisper": [], "pocketsphinx": []}
    with tempfile.TemporaryDirectory(prefix="bench-wer-") as folder:
        for voice in VOICES:
            clip = make_spoken_clip(Path(folder) / f"{voice}.mp4", reference, voice=voice)
            started = time.perf_counter()
            whisper_text = transcribe(clip).text
            whisper_seconds = time.perf_counter() - started
            whisper = jiwer.wer(reference, whisper_text, normalise, normalise)
            totals["whisper"].append(whisper)
            if baseline is None:
                print(f"  {voice:<7} {whisper:8.1%} {'(absent)':>13}   {whisper_seconds:.2f}")
                continue
            started = time.perf_counter()
            sphinx_text = baseline(clip)
            sphinx_seconds = time.perf_counter() - started
            sphinx = jiwer.wer(reference, sphinx_text, normalise, normalise)
            totals["pocketsphinx"].append(sphinx)
            print(
                f"  {voice:<7} {whisper:8.1%} {sphinx:13.1%}   "
                f"{whisper_seconds:.2f} / {sphinx_seconds:.2f}"
            )
    means = {name: sum(values) / len(values) for name, values in totals.items() if values}
    sphinx_mean = f"{means['pocketsphinx']:13.1%}" if "pocketsphinx" in means else ""
    print(f"  {'mean':<7} {means['whisper']:8.1%} {sphinx_mean}")


def _pocketsphinx_engine():
    """The recogniser this project used before Whisper, or None when it is not installed:
    PocketSphinx's US English model over the speech regions its Segmenter finds."""
    try:
        from pocketsphinx import Decoder, Segmenter
    except ImportError:
        return None
    from transcode.ffmpeg import ffmpeg_exe

    decoder = Decoder(samprate=16_000, loglevel="FATAL")

    def recognise(clip: Path) -> str:
        import subprocess

        pcm = subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-i", str(clip), "-map", "0:a:0", "-ac", "1",
             "-ar", "16000", "-f", "s16le", "-"],
            capture_output=True,
            check=True,
        ).stdout  # fmt: skip
        words = []
        trailing_silence = bytes(32_000)  # the Segmenter drops a region that never ends
        for region in Segmenter(sample_rate=16_000).segment(io.BytesIO(pcm + trailing_silence)):
            decoder.start_utt()
            decoder.process_raw(region.pcm, full_utt=True)
            decoder.end_utt()
            words += [segment.word for segment in decoder.seg()]
        spoken = [word.split("(")[0] for word in words if not word.startswith(("<", "[", "+"))]
        return " ".join(spoken)

    return recognise


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    wer_figures()


if __name__ == "__main__":
    main()
