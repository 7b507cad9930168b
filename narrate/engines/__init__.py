"""The engine seam: a speech engine turns one utterance into one `Clip` of PCM audio.

Engines are loaded lazily by name so that importing narrate never imports a speech library.
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from dataclasses import dataclass, replace
from typing import Protocol

from narrate.errors import EngineError

DEFAULT_ENGINE = "pyttsx3"
MIN_RATE, MAX_RATE = 80, 450
DEFAULT_RATE = 175

ENGINE_PACKAGES = {"pyttsx3": ("pyttsx3", "espeakng_loader")}
"""Engines whose sound is decided by these installed packages alone (Piper's also by its voice
files): a build that reads nothing new with them can be told up to date without loading them."""
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


def speaks_alike_in_any_process(name: str) -> bool:
    """Whether the engine's chapters sound the same in a process that spoke before (Piper: its
    noise is seeded per loaded voice) or need a fresh start each (espeak-ng keeps state)."""
    return bool(getattr(engine_kind(name), "SPEAKS_ALIKE_IN_ANY_PROCESS", False))


def forks_when_open(name: str) -> bool:
    """Whether an open, unused speaker of this engine can be forked for each chapter, each copy
    then speaking as a freshly opened one would."""
    check = getattr(engine_kind(name), "forks_when_open", None)
    return bool(check and check())


def unused_here(name: str) -> bool:
    """Whether no speaker of this engine was opened in this process, so that a fork of it opens
    one as a fresh process would (espeak-ng's state, onnxruntime's threads)."""
    check = getattr(engine_kind(name), "opened_here", None)
    return check is not None and not check()


def installed_version(distribution: str) -> str | None:
    """The installed version of `distribution` (None if absent), found as importlib.metadata
    finds it, first on sys.path, but by its `name-version.dist-info` folder's name: importing
    and asking importlib.metadata took ~40 ms, on the way to every build's first chapter."""
    wanted = _normalized(distribution)
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip, a hook's name, a folder gone: importlib.metadata looks there
            continue
        for name in names:
            if name.endswith(".dist-info"):
                found, _, version = name.removesuffix(".dist-info").partition("-")
                if version and _normalized(found) == wanted:
                    return version
    from importlib import metadata  # an egg-info, or one in a zip

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()  # as PEP 503 compares names


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


def language_rank(voice: Voice, tag: str) -> int | None:
    """How well `voice` speaks the BCP 47 language `tag`: 0 exactly, 1 the language without a
    region, 2 its main region ("fr-fr" for "fr"), 3 another region; None not at all."""
    wanted = tag.lower().replace("_", "-")
    base = wanted.split("-")[0]
    ranks = []
    for spoken in voice.languages:
        spoken = spoken.lower().replace("_", "-")
        if spoken == wanted:
            ranks.append(0)
        elif spoken == base:
            ranks.append(1)
        elif spoken == f"{base}-{base}":
            ranks.append(2)
        elif spoken.split("-")[0] == base:
            ranks.append(3)
    return min(ranks, default=None)


def voices_for_language(voices: list[Voice], tag: str) -> list[Voice]:
    """The voices that speak `tag`, best first."""
    ranked = [
        (rank, n, v) for n, v in enumerate(voices) if (rank := language_rank(v, tag)) is not None
    ]
    return [voice for _, _, voice in sorted(ranked, key=lambda item: item[:2])]


def voice_for_language(
    engine: str, voice: str | None, tag: str, voice_dirs: tuple[str, ...] = ()
) -> str:
    """`voice` if it speaks `tag`, else the engine's best voice for it; `EngineError` naming
    the language and how to list voices when none does (never a silent English reading)."""
    found = voices_for_language(engine_kind(engine).voices(voice_dirs), tag)
    if voice is not None and any(v.id == voice for v in found):
        return voice
    if not found:
        raise EngineError(
            f"no {engine} voice speaks {tag!r}; `narrate voices --engine {engine}` lists the "
            "voices and their languages"
        )
    return found[0].id
