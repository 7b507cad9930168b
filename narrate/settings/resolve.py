"""How a build is set, decided in this one place: flags over an essay's front matter over
narrate.toml over the defaults. Each essay gets one resolved `EpisodeSettings`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.audio import AudioFormat
from narrate.audio.mp3 import DEFAULT_BITRATE
from narrate.engines import DEFAULT_ENGINE, DEFAULT_RATE, VoiceSettings
from narrate.errors import InputError
from narrate.settings.config import Config, PodcastSettings, find_config, load_config
from narrate.text.pauses import PAUSE_KEYS, Pauses, with_pauses

if TYPE_CHECKING:
    from narrate.text.script import Script

CACHE_FOLDER = ".narrate-cache"
FORMATS = ("mp3", "m4b", "chapter-mp3")
LEXICON_NAME = "pronunciations.toml"
VOICE_KEYS = ("engine", "voice", "rate")


@dataclass(frozen=True)
class EpisodeSettings:
    """How one essay is spoken, every layer already applied."""

    voice: VoiceSettings
    """Not yet checked against the engine's voices."""
    language: str
    """BCP 47: what the essay is written in, and so how it is read and which voice reads it."""
    pauses: Pauses
    lexicon: Path | None
    """The pronunciation file, or None when there is none."""


@dataclass(frozen=True)
class BuildSettings:
    """How to build: where to, in which formats, what to remake, and the layers each essay's own
    settings are resolved from (`for_script`)."""

    out_dir: Path = Path("audio_out")
    cache_dir: Path | None = None
    """None: `<out_dir>/.narrate-cache`."""
    audio: AudioFormat = field(default_factory=AudioFormat)
    jobs: int = 0
    """Worker processes; 0: one per core."""
    formats: tuple[str, ...] = ("mp3",)
    """Any of FORMATS."""
    force: bool = False
    remake: frozenset[int] = frozenset()
    """Chapter numbers (from 1) to make again even if cached."""
    include_all: bool = False
    """EPUB: also read front and back matter (cover, title, copyright and contents pages)."""
    podcast: PodcastSettings | None = None
    """From narrate.toml: cover art, and the feed when it has a base_url."""
    executor: str = "local"
    """Where chapters are made: "local" (a process pool) or "ray" (a Ray cluster)."""
    ray_address: str | None = None
    """The Ray cluster's HOST:PORT; None: RAY_ADDRESS, else a local Ray."""
    flags: Mapping[str, Any] = field(default_factory=dict)
    """The per-essay settings given on the command line (engine, voice, rate, voice_dirs,
    lexicon, <name>_pause); absent or None when not given."""
    config: Config = field(default_factory=Config)

    @property
    def cache_root(self) -> Path:
        return self.cache_dir or self.out_dir / CACHE_FOLDER

    def for_script(self, script: Script) -> EpisodeSettings:
        language = self.language_for(script)
        return EpisodeSettings(
            voice=_voice(script, self.flags, self.config, language),
            language=language,
            pauses=self.pauses_for(script),
            lexicon=self.lexicon_for(script),
        )

    def language_for(self, script: Script) -> str:
        """The essay's language alone, without asking an engine for a voice."""
        return _language(script, self.flags, self.config)

    def lexicon_for(self, script: Script) -> Path | None:
        return _lexicon(script, self.flags, self.config)

    def pauses_for(self, script: Script) -> Pauses:
        return _pauses(script, self.flags, self.config)


def read_config(config_file: str | None) -> Config:
    """--config FILE, else ./narrate.toml when there is one, else the defaults."""
    return load_config(find_config(Path(config_file) if config_file else None, Path.cwd()))


def build_settings(config: Config, flags: Mapping[str, Any]) -> BuildSettings:
    """The build-wide settings, each from its flag if given, else the config, else its default."""
    given = flags.get("formats")
    if isinstance(given, (list, tuple)):  # --format repeated: each may be comma-separated
        given = ",".join(given)
    formats = given or ",".join(config.formats or ("mp3",))
    bitrate = _first(flags.get("bitrate"), config.bitrate, DEFAULT_BITRATE)
    return BuildSettings(
        out_dir=Path(flags.get("out_dir") or "audio_out"),
        cache_dir=Path(flags["cache_dir"]) if flags.get("cache_dir") else None,
        audio=AudioFormat(bitrate_kbps=int(bitrate)),
        jobs=_first(flags.get("jobs"), config.jobs, 0),
        formats=parse_formats(formats),
        force=bool(flags.get("force")),
        remake=frozenset(flags.get("remake") or ()),
        include_all=bool(flags.get("include_all")),
        podcast=config.podcast if config.path is not None else None,
        executor=_first(flags.get("executor"), config.executor, "local"),
        ray_address=flags.get("ray_address") or config.ray_address,
        flags=dict(flags),
        config=config,
    )


def parse_formats(text: str) -> tuple[str, ...]:
    """ "mp3,m4b" -> ("mp3", "m4b"); `InputError` naming an unknown format."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise InputError(
            f"unknown format {', '.join(unknown) or repr(text)}: choose from {', '.join(FORMATS)}"
        )
    return names


def voice_dirs(config: Config, flags: Mapping[str, Any]) -> tuple[str, ...]:
    """Folders of Piper voices: --voice-dir, else narrate.toml's [voice] voice_dir."""
    return tuple(flags.get("voice_dirs") or ()) or tuple(str(p) for p in config.voice_dirs)


def _language(script: Script, flags: Mapping[str, Any], config: Config) -> str:
    """--language, else front matter `language` or `lang` (a document's own tag counts as front
    matter), else [voice] language, else English; "auto": detected from the essay's text."""
    from narrate.text.languages import AUTO, check_tag, detect

    tag = check_tag(flags["language"], "--language") if flags.get("language") else None
    for key in ("language", "lang"):
        if tag is None and script.meta.get(key) is not None:
            tag = check_tag(script.meta[key], f"{script.path}: front matter {key!r}")
    tag = tag or config.language or "en"
    return detect(script.text, str(script.path)) if tag == AUTO else tag


def _voice(
    script: Script, flags: Mapping[str, Any], config: Config, language: str
) -> VoiceSettings:
    front = {key: script.meta[key] for key in VOICE_KEYS if script.meta.get(key) is not None}
    if "rate" in front and (isinstance(front["rate"], bool) or not isinstance(front["rate"], int)):
        raise InputError(f"{script.path}: front matter 'rate' must be words per minute, a number")
    for key in ("engine", "voice"):
        if key in front and not isinstance(front[key], str):
            raise InputError(f"{script.path}: front matter {key!r} must be a name")
    chosen = {**front, **{k: flags[k] for k in VOICE_KEYS if flags.get(k) is not None}}
    if "engine" in chosen and "voice" not in chosen:
        chosen["voice"] = None  # another engine: its own default voice
    base = VoiceSettings(
        engine=_first(config.engine, DEFAULT_ENGINE),
        voice=config.voice,
        rate=_first(config.rate, DEFAULT_RATE),
        voice_dirs=voice_dirs(config, flags),
    )
    settings = replace(base, **chosen)
    if "voice" not in front and not flags.get("voice") and language.lower() not in ("en", "en-us"):
        from narrate.engines import voice_for_language

        voice = voice_for_language(settings.engine, settings.voice, language, settings.voice_dirs)
        settings = replace(settings, voice=voice)
    return settings


def _pauses(script: Script, flags: Mapping[str, Any], config: Config) -> Pauses:
    pauses = with_pauses(Pauses(), config.pauses, f"{config.path}: [pauses]")
    if "pauses" in script.meta:
        given = script.meta["pauses"]
        if not isinstance(given, dict):
            raise InputError(f"{script.path}: front matter 'pauses' must map names to milliseconds")
        pauses = with_pauses(pauses, given, f"{script.path}: front matter")
    flagged = {n: flags[f"{n}_pause"] for n in PAUSE_KEYS if flags.get(f"{n}_pause") is not None}
    return with_pauses(pauses, flagged, "--pause")


def _lexicon(script: Script, flags: Mapping[str, Any], config: Config) -> Path | None:
    """The named pronunciation file, else `pronunciations.toml` beside the essay if there is one."""
    named = Path(flags["lexicon"]) if flags.get("lexicon") else config.lexicon
    if named is not None:
        return named
    beside = script.path.parent / LEXICON_NAME
    return beside if beside.is_file() else None


def _first(*values: Any) -> Any:
    return next(value for value in values if value is not None)
