"""The espeak-ng adapter with other languages' voices: its audio checks fit long words and
right-to-left scripts, and still refuse audio that does not fit its text.

Each case speaks in a fresh process: espeak-ng loaded into the test process would clash with
Piper's own copy of it in later tests (a segmentation fault)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_SPEAK = """
import json, sys
from narrate.engines import VoiceSettings
from narrate.engines.pyttsx3 import Pyttsx3Speaker, fits_text
from narrate.errors import EngineError
voice, text = sys.argv[1], sys.argv[2]
speaker = Pyttsx3Speaker(VoiceSettings(voice=voice))
try:
    clip = speaker.synthesize(text)
    print(json.dumps({"seconds": clip.duration_s, "fits": fits_text(clip, text, 175)}))
except EngineError as exc:
    print(json.dumps({"error": str(exc)}))
finally:
    speaker.close()
"""


def _speak(voice: str, text: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _SPEAK, voice, text], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("voice", "text"),
    [
        # one word of 63 letters (a former law's name): 3.6 s, ten times a short word's length
        ("gmw/de", "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz."),
        ("sem/he", "ובבתיהם"),  # "and in their houses": one written word
        ("sem/ar", "والمستشفيات"),  # "and the hospitals"
        ("sem/he", "בשנת אלף תשע מאות תשעים וחמש עברה סבתי לחיפה."),
        ("sem/ar", "ألف وتسعمائة وخمسة وتسعون هو العام الذي سافر فيه جدي إلى القاهرة."),
    ],
)
def test_the_languages_voice_speaks_it(voice: str, text: str) -> None:
    said = _speak(voice, text)
    assert "error" not in said, said
    assert said["seconds"] > 0.3 and said["fits"]


def test_hebrew_spelled_out_by_the_english_voice_is_still_refused() -> None:
    """What made Hebrew essays fail: the English voice names each letter, far too long for the
    text. The check still catches that; the build now picks the Hebrew voice instead."""
    said = _speak("gmw/en-us", "שלום עולם. זהו מבחן קצר של הקול העברי.")
    assert "no usable audio" in said.get("error", ""), said
