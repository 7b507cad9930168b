"""The engine seam: a speech engine turns one utterance into one `Clip` of PCM audio.

Engines are loaded lazily by name so that importing narrate never imports a speech library.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, replace
from typing import Protocol

from narrate.errors import EngineError

DEFAULT_ENGINE = "pyttsx3"
MIN_RATE, MAX_RATE = 80, 450
DEFAULT_RATE = 175

_ENGINE_MODULES = {"pyttsx3": "narrate.engines.pyttsx3", "piper": "narrate.engines.piper"}


@dataclass(frozen=True)
class Voice:
    """A voice an engine offers."""

    id: str
    """What `--voice` takes."""
    name: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class Clip:
    """One utterance's audio."""

    samples: bytes
    """Signed 16-bit little-endian mono PCM."""
    sample_rate: int
    """Samples per second."""

    @property
    def duration_s(self) -> float:
        return len(self.samples) / 2 / self.sample_rate


@dataclass(frozen=True)
class VoiceSettings:
    """Everything the engine is told about how to speak."""

    engine: str = DEFAULT_ENGINE
    voice: str | None = None
    """None: the engine's default voice."""
    rate: int = DEFAULT_RATE
    """Words per minute."""
    voice_dirs: tuple[str, ...] = ()
    """Folders of voice files to look in (Piper), before the engine's own places."""


class Speaker(Protocol):
    """An open engine, ready to speak. Made inside the process that uses it."""

    def synthesize(self, text: str) -> Clip: ...

    def close(self) -> None: ...


class EngineKind(Protocol):
    """What narrate needs from an engine module."""

    def identity(self, settings: VoiceSettings) -> dict[str, str]:
        """Versions and settings that shape the audio (part of the cache key); cheap to compute."""
        ...

    def default_voice(self, voice_dirs: tuple[str, ...] = ()) -> str | None: ...

    def voices(self, voice_dirs: tuple[str, ...] = ()) -> list[Voice]: ...

    def open(self, settings: VoiceSettings) -> Speaker: ...


def engine_kind(name: str) -> EngineKind:
    """The engine called `name`; `EngineError` if narrate has none by that name."""
    module = _ENGINE_MODULES.get(name)
    if module is None:
        known = ", ".join(sorted(_ENGINE_MODULES))
        raise EngineError(f"unknown engine {name!r} (known: {known})")
    return importlib.import_module(module)  # type: ignore[return-value]


def check_settings(settings: VoiceSettings) -> VoiceSettings:
    """Validate rate and voice; fill in the engine's default voice."""
    if not MIN_RATE <= settings.rate <= MAX_RATE:
        raise EngineError(
            f"rate {settings.rate} wpm is out of range: choose {MIN_RATE} to {MAX_RATE}"
        )
    kind = engine_kind(settings.engine)
    if settings.voice is None:
        return replace(settings, voice=kind.default_voice(settings.voice_dirs))
    ids = {voice.id for voice in kind.voices(settings.voice_dirs)}
    if settings.voice not in ids:
        raise EngineError(
            f"unknown voice {settings.voice!r} for {settings.engine}; "
            f"`narrate voices` lists the {len(ids)} it offers"
        )
    return settings
