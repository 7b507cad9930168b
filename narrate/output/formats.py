"""Other shapes of an episode: an M4B audiobook, and one MP3 per chapter with an M3U8 playlist.

Both are made from the same cached chapter frames and chapter marks as the episode MP3: the
chapter files' chapters fall where the MP3's do, the M4B's within a few milliseconds.
"""

from __future__ import annotations

import os
import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from narrate.audio.aac import M4B_SAMPLE_RATE, AdtsRun, joined_run, part_samples
from narrate.audio.ffmpeg import encode_aac_part
from narrate.audio.mp3 import count_frames
from narrate.audio.mp4 import write_audiobook
from narrate.errors import OutputError
from narrate.files import remove_stale_temporaries, replacing, write_atomic
from narrate.names import name_part
from narrate.output import ChapterMark, EpisodeTags
from narrate.output.tags import chapter_id3_tag, tag_m4b

CHAPTER_FILE_TITLE_CHARS = 80

_CHAPTER_FILE = re.compile(r"^\d{2,} - .*\.mp3$")


def write_m4b(
    chapter_files: Sequence[Sequence[Path]],
    marks: Sequence[ChapterMark],
    tags: EpisodeTags,
    output: Path,
    bitrate_kbps: int = 64,
    mp3_frames: Sequence[Sequence[int]] | None = None,
) -> None:
    """An AAC-LC audiobook (44.1 kHz mono) with the marks' titles as chapters, written
    atomically. Each chapter's audio is the MP3 frames of its files; each file is made once into
    an AAC part kept beside it (`<stem>.<bitrate>k.aac`, see `narrate.audio.aac`), and the parts
    are joined by copy, so a rebuild encodes only the parts of what changed. Chapters fall on the
    parts' own boundaries: on the marks, give or take up to 12 ms a part. `mp3_frames`: each
    file's count of MP3 frames, when the caller knows it (the cache records it); else each file
    is read and counted."""
    _check_marks(marks, len(chapter_files))
    if bitrate_kbps <= 0:
        raise ValueError(f"bitrate must be positive, not {bitrate_kbps}")
    try:
        if mp3_frames is None:
            mp3_frames = [[_read_counted(path)[1] for path in files] for files in chapter_files]
        parts = [
            [
                _aac_part(path, frames, bitrate_kbps)
                for path, frames in zip(files, counts, strict=True)
            ]
            for files, counts in zip(chapter_files, mp3_frames, strict=True)
        ]
        every_part = [part for chapter in parts for part in chapter]
        _encode_missing(every_part, bitrate_kbps)
        chapters = [(mark.title, mark.start_ms, mark.end_ms) for mark in _part_marks(marks, parts)]
        scanned: list[tuple[int, array[int]]] = []  # each part's priming frame and frames

        def runs() -> Iterator[AdtsRun]:
            # The writer reads the parts twice: the frames are found the first time only.
            for number, part in enumerate(every_part):
                if number < len(scanned):
                    yield _read_again(part, *scanned[number])
                    continue
                priming, run = _joined_run(part, bitrate_kbps)
                scanned.append((priming, run.lengths))
                yield run

        with replacing(output) as tmp:
            write_audiobook(tmp, runs, chapters, tags.language)
            tag_m4b(tmp, tags)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise OutputError(f"{output}: cannot write the audiobook ({exc.strerror}{where})") from None
    except ValueError as exc:  # parts changed on disk while they were copied
        raise OutputError(f"{output}: cannot write the audiobook ({exc})") from None


@dataclass(frozen=True)
class _AacPart:
    mp3: Path
    aac: Path
    samples: int


def _aac_part(mp3: Path, mp3_frames: int, bitrate_kbps: int) -> _AacPart:
    samples = part_samples(mp3_frames)
    return _AacPart(mp3, mp3.with_suffix(f".{bitrate_kbps}k.aac"), samples)


def _encode_missing(parts: Sequence[_AacPart], bitrate_kbps: int) -> None:
    """Encode the parts not made before, on every core (one ffmpeg each)."""
    missing = list({part.aac: part for part in parts if not part.aac.is_file()}.values())
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        list(pool.map(lambda part: _encode(part, bitrate_kbps), missing))  # raises the first error


def _encode(part: _AacPart, bitrate_kbps: int) -> None:
    with replacing(part.aac) as tmp:
        encode_aac_part(part.mp3, part.samples, tmp, bitrate_kbps)


def _joined_run(part: _AacPart, bitrate_kbps: int) -> tuple[int, AdtsRun]:
    """The part's frames as they are joined, and the length of the priming frame before them;
    a damaged part is made again first."""
    try:
        return joined_run(part.aac.read_bytes(), part.samples)
    except (OSError, ValueError):
        _encode(part, bitrate_kbps)
        return joined_run(part.aac.read_bytes(), part.samples)


def _read_again(part: _AacPart, priming: int, lengths: array[int]) -> AdtsRun:
    data = part.aac.read_bytes()
    if len(data) != priming + sum(lengths):
        raise ValueError(f"{part.aac.name} changed while the audiobook was written")
    return AdtsRun(data[priming:], lengths)


def _part_marks(
    marks: Sequence[ChapterMark], parts: Sequence[Sequence[_AacPart]]
) -> list[ChapterMark]:
    """The marks' titles at the chapters' boundaries in the joined parts."""
    placed = []
    position = 0
    for mark, chapter in zip(marks, parts, strict=True):
        start = position
        position += sum(part.samples for part in chapter)
        placed.append(ChapterMark(mark.title, _ms(start), _ms(position)))
    return placed


def _ms(samples: int) -> int:
    return round(samples * 1000 / M4B_SAMPLE_RATE)


def write_chapter_mp3s(
    chapter_files: Sequence[Sequence[Path]],
    marks: Sequence[ChapterMark],
    tags: EpisodeTags,
    folder: Path,
    stem: str,
) -> list[Path]:
    """`<folder>/<stem>/NN - <title>.mp3`, one tagged MP3 per chapter, and `<stem>.m3u8` listing
    them; files left there by an earlier build of this stem are removed. Each chapter's audio is
    the MP3 frames of its files, in order. Returns the MP3 paths."""
    _check_marks(marks, len(chapter_files))
    if stem in ("", ".", "..") or any(ch in stem for ch in "/\\\0"):
        raise ValueError(f"not a plain file-name stem: {stem!r}")
    target = folder / stem
    names = chapter_file_names([mark.title for mark in marks])
    try:
        target.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target)
        paths = []
        total = len(marks)
        for number, (sources, mark, name) in enumerate(
            zip(chapter_files, marks, names, strict=True), 1
        ):
            frames = b"".join(_read_frames(source) for source in sources)
            path = target / name
            write_atomic(path, chapter_id3_tag(tags, mark.title, number, total) + frames)
            paths.append(path)
        playlist = target / f"{stem}.m3u8"
        write_atomic(playlist, m3u8(marks, names).encode("utf-8"))
        _remove_stale_chapter_files(target, names)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise OutputError(
            f"{target}: cannot write the chapter files ({exc.strerror}{where})"
        ) from None
    return paths


def chapter_file_names(titles: Sequence[str]) -> list[str]:
    """`NN - <title>.mp3` for each chapter, numbered from 1 with at least two digits."""
    width = max(2, len(str(len(titles))))
    names = []
    for number, title in enumerate(titles, 1):
        name = name_part(title, CHAPTER_FILE_TITLE_CHARS) or f"Chapter {number}"
        names.append(f"{number:0{width}d} - {name}.mp3")
    return names


def m3u8(marks: Sequence[ChapterMark], names: Sequence[str]) -> str:
    """An extended M3U playlist (UTF-8) of the chapter files, by relative name, in order."""
    lines = ["#EXTM3U"]
    for mark, name in zip(marks, names, strict=True):
        seconds = round((mark.end_ms - mark.start_ms) / 1000)
        lines += [f"#EXTINF:{seconds},{' '.join(mark.title.split())}", name]
    return "\n".join(lines) + "\n"


def _check_marks(marks: Sequence[ChapterMark], files: int) -> None:
    if not marks or len(marks) != files:
        raise ValueError(f"{len(marks)} chapter marks for {files} chapter files")
    previous_end = 0
    for mark in marks:
        if mark.start_ms != previous_end or mark.end_ms < mark.start_ms:
            raise ValueError(f"chapter marks are not contiguous from 0 at {mark!r}")
        previous_end = mark.end_ms


def _read_frames(path: Path) -> bytes:
    """A chapter's cached audio, checked to be nothing but MP3 frames."""
    return _read_counted(path)[0]


def _read_counted(path: Path) -> tuple[bytes, int]:
    """A chapter's cached audio and its number of MP3 frames; OutputError if it holds anything
    else."""
    data = path.read_bytes()
    try:
        return data, count_frames(data)
    except ValueError as exc:
        raise OutputError(f"{path}: not a chapter's MP3 frames ({exc})") from None


def _remove_stale_chapter_files(target: Path, keep: Sequence[str]) -> None:
    """Chapter files of an earlier build that this one did not write; nothing else."""
    # Compare as a case-insensitive, normalizing file system would, so a renamed chapter's new
    # file is never taken for the old one and deleted.
    kept = {_name_key(name) for name in keep}
    for entry in target.iterdir():
        if (
            _CHAPTER_FILE.match(entry.name)
            and _name_key(entry.name) not in kept
            and entry.is_file()
            and not entry.is_symlink()
        ):
            entry.unlink()


def _name_key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()
