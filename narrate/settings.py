"""How a build is set: command-line flags over narrate.toml over the defaults."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from narrate.audio import AudioFormat
from narrate.build import BuildOptions, parse_formats
from narrate.config import Config, find_config, load_config
from narrate.engines import DEFAULT_ENGINE, DEFAULT_RATE, VoiceSettings
from narrate.speech import Pauses, with_pauses


def read_config(config_file: str | None) -> Config:
    """--config FILE, else ./narrate.toml when there is one, else the defaults."""
    return load_config(find_config(Path(config_file) if config_file else None, Path.cwd()))


def build_options(config: Config, flags: dict[str, Any]) -> BuildOptions:
    """Each setting from its flag if given, else from the config, else its default."""

    def pick(flag: str, configured: Any, default: Any) -> Any:
        value = flags.get(flag)
        if value is not None:
            return value
        return configured if configured is not None else default

    pauses = with_pauses(Pauses(), config.pauses, f"{config.path}: [pauses]")
    formats = flags.get("formats") or ",".join(config.formats or ("mp3",))
    lexicon = flags.get("lexicon")
    return BuildOptions(
        out_dir=Path(flags["out_dir"]),
        cache_dir=Path(flags["cache_dir"]) if flags.get("cache_dir") else None,
        voice=VoiceSettings(
            engine=pick("engine", config.engine, DEFAULT_ENGINE),
            voice=pick("voice", config.voice, None),
            rate=pick("rate", config.rate, DEFAULT_RATE),
        ),
        audio=AudioFormat(bitrate_kbps=int(pick("bitrate", config.bitrate, 64))),
        voice_overrides={
            k: flags[k] for k in ("engine", "voice", "rate") if flags.get(k) is not None
        },
        pauses=pauses,
        pause_overrides={
            name: flags[f"{name}_pause"]
            for name in ("sentence", "paragraph", "title", "chapter")
            if flags.get(f"{name}_pause") is not None
        },
        jobs=pick("jobs", config.jobs, 0),
        force=bool(flags.get("force")),
        remake=frozenset(flags.get("remake") or ()),
        formats=parse_formats(formats),
        lexicon=Path(lexicon) if lexicon else config.lexicon,
        podcast=config.podcast if config.path is not None else None,
        executor=pick("executor", config.executor, "local"),
        ray_address=pick("ray_address", config.ray_address, None),
    )


def voice_dirs(config: Config, flags: tuple[str, ...]) -> tuple[str, ...]:
    return flags or tuple(str(p) for p in config.voice_dirs)
