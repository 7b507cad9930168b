"""The espeak-ng adapter with other languages' voices: its audio checks fit long words and
right-to-left scripts, and still refuse audio that does not fit its text."""

from __future__ import annotations

import pytest

from narrate.engines import VoiceSettings
from narrate.engines.pyttsx3 import Pyttsx3Speaker, fits_text
from narrate.errors import EngineError


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
    speaker = Pyttsx3Speaker(VoiceSettings(voice=voice))
    try:
        clip = speaker.synthesize(text)
    finally:
        speaker.close()
    assert clip.duration_s > 0.3
    assert fits_text(clip, text, 175)


def test_hebrew_spelled_out_by_the_english_voice_is_still_refused() -> None:
    """What made Hebrew essays fail: the English voice names each letter, far too long for the
    text. The check still catches that; the build now picks the Hebrew voice instead."""
    speaker = Pyttsx3Speaker(VoiceSettings(voice="gmw/en-us"))
    try:
        with pytest.raises(EngineError, match="no usable audio"):
            speaker.synthesize("שלום עולם. זהו מבחן קצר של הקול העברי.")
    finally:
        speaker.close()
