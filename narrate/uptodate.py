"""A build with nothing to do, told from its inputs alone, before any essay is read.

The rebuild a writer runs most is the one that changes nothing (a save hook, a Makefile). The
full check reads, splits and normalizes every essay and keys every chapter, and loads the whole
library to do it; this one hashes what goes in (each essay's bytes, its pronunciations, the
settings, narrate's own files and the engine's installed files) and compares that with what the
last build recorded. Whatever it cannot vouch for goes to the full check: a Piper voice (its
files are hashed there), a feed to write, --force and --chapter, a record without the key.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.engines import ENGINE_PACKAGES
from narrate.names import episode_stem
from narrate.output import ChapterReport, EpisodeReport, named_output
from narrate.output.records import files_untouched, read_record
from narrate.settings.resolve import LEXICON_NAME, BuildSettings

if TYPE_CHECKING:
    from narrate.planning import PlannedEpisode

INPUTS_VERSION = 1
_CODE = Path(__file__).parent


def inputs_key(script: Path, settings: BuildSettings) -> str | None:
    """A hash of everything a build of `script` reads (for an engine of ENGINE_PACKAGES), or
    None when that cannot be told without reading the essay. Taken before the essay is read:
    an edit made during the build then shows next time."""
    if settings.force or settings.remake:
        return None
    if settings.podcast is not None and settings.podcast.base_url:
        return None  # the feed lists every episode: the full build writes it
    digest = hashlib.sha256(f"{INPUTS_VERSION}\n{settings!r}\n".encode())
    named = settings.flags.get("lexicon") or settings.config.lexicon
    for path in (script, Path(named) if named else script.parent / LEXICON_NAME):
        try:
            digest.update(path.resolve().as_posix().encode() + b"\n" + path.read_bytes())
        except FileNotFoundError:
            digest.update(b"absent\n")
        except OSError:
            return None
    digest.update(_installation())
    return digest.hexdigest()


def unchanged_reports(
    paths: Sequence[Path], settings: BuildSettings, warn: Callable[[str], None]
) -> list[EpisodeReport] | None:
    """Each essay's last report, if none has anything to do (its reading's warnings are told
    again, as a full build would); else None."""
    reports = []
    warnings: list[str] = []
    stems = [episode_stem(path.stem) for path in paths]
    if len(set(stems)) < len(stems):
        return None  # the full build says which two collide
    for path, stem in zip(paths, stems, strict=True):
        record = read_record(settings.out_dir, stem)
        if record.get("engine") not in ENGINE_PACKAGES or not record.get("inputs"):
            return None
        if record["inputs"] != inputs_key(path, settings):
            return None
        if not files_untouched(settings.out_dir, record.get("files") or {}):
            return None
        try:
            reports.append(_report(path, stem, record, settings.out_dir))
        except (KeyError, TypeError, ValueError):
            return None  # a record from another version: the full check remakes it
        warnings += [str(message) for message in record.get("warnings") or ()]
    for message in warnings:
        warn(message)
    return reports


def built_before(paths: Sequence[Path], settings: BuildSettings) -> bool:
    """Whether every essay has a record of an earlier build in the output folder."""
    return all(read_record(settings.out_dir, episode_stem(path.stem)) for path in paths)


def episode_key(episode: PlannedEpisode, settings: BuildSettings) -> str:
    """Changes whenever anything that goes into the episode's files changes: the full check,
    made once the essay is read and its chapters' passages keyed."""
    payload = {
        "chapters": [[list(c.keys), c.chapter.title] for c in episode.chapters],
        "title": episode.outline.title,
        "meta": {k: str(v) for k, v in sorted(episode.script.meta.items())},
        "formats": sorted(settings.formats),
        "podcast": repr(settings.podcast),
        "format": 4,  # 4: TLAN and the language in the tags
    }
    if episode.language != "en":
        payload["language"] = episode.language
    if episode.script.cover is not None:  # a document's own cover (an EPUB's)
        payload["cover"] = hashlib.sha256(episode.script.cover).hexdigest()
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def unchanged_report(episode: PlannedEpisode, settings: BuildSettings) -> EpisodeReport | None:
    """The last build's report, if its files are all still there untouched and nothing changed."""
    out_dir = episode.output.parent
    record = read_record(out_dir, episode.script.stem)
    if record.get("episode_key") != episode_key(episode, settings):
        return None
    if not files_untouched(out_dir, record.get("files") or {}):
        return None
    return _report(episode.script.path, episode.script.stem, record, out_dir)


def _report(path: Path, stem: str, record: dict[str, Any], out_dir: Path) -> EpisodeReport:
    chapters = tuple(ChapterReport(**{**c, "synthesized": False}) for c in record["chapters"])
    files = tuple(out_dir / name for name in record["files"])
    language, voice = str(record.get("language", "en")), str(record.get("voice", ""))
    output = named_output(files, out_dir / f"{stem}.mp3")
    return EpisodeReport(
        path, output, int(record["duration_ms"]), chapters, False, files, language, voice
    )


@functools.cache
def planning_version() -> str:
    """What the way an essay is split and said depends on besides the essay and its settings:
    narrate's own files, the number speller and Python (its Unicode tables)."""
    stamps = [sys.version, *_installed(["num2words"])]
    return hashlib.sha256(_installation() + "\n".join(stamps).encode()).hexdigest()


@functools.cache
def _installation() -> bytes:
    """narrate's own files and the engines' packages, stamped once per process: a build checks
    them for every essay, twice (the command's quick check, then the build's record)."""
    packages = [package for names in ENGINE_PACKAGES.values() for package in names]
    return "".join(f"{stamp}\n" for stamp in (*_installed(packages), *_code())).encode()


def _installed(packages: list[str]) -> list[str]:
    """Where each package is installed and when its files were written: an upgrade shows."""
    stamps = []
    for package in packages:
        spec = importlib.util.find_spec(package)  # finds it without importing it
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            stamps.append(f"{package} absent")
            continue
        stat = origin.stat()
        stamps.append(f"{package} {origin} {stat.st_size} {stat.st_mtime_ns}")
    return stamps


def _code() -> list[str]:
    """narrate's own files: a changed reader or normalizer may say a chapter differently."""
    stamps = []
    for folder, folders, files in os.walk(_CODE):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        for name in sorted(files):
            path = Path(folder, name)
            stamps.append(f"{path.relative_to(_CODE)} {path.stat().st_mtime_ns}")
    return stamps
