"""Other shapes of an episode: an M4B audiobook, and one MP3 per chapter with an M3U8 playlist.

Both are made from the same cached chapter frames and chapter marks as the episode MP3, so
their chapters fall where the MP3's do.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import IO

from narrate.audio import count_frames, ffmpeg_exe
from narrate.errors import EngineError, OutputError
from narrate.files import remove_stale_temporaries, replacing, write_atomic
from narrate.tags import ChapterMark, EpisodeTags

M4B_SAMPLE_RATE = 44100
M4B_GENRE = "Audiobook"
STIK_AUDIOBOOK = 2  # iTunes media kind
# Nero `chpl` titles carry a one-byte length: ffmpeg cuts longer titles at byte 255, maybe inside a
# character, and mutagen then refuses the whole file. Its chapter count is one byte too (ffmpeg
# writes the first 255 chapters there; the QuickTime chapter track holds them all).
CHPL_MAX_TITLE_BYTES = 255
CHAPTER_FILE_TITLE_CHARS = 80
# Leaves room for "NNN - " and ".mp3" within the 255-byte name limit of ext4, APFS and NTFS.
MAX_NAME_BYTES = 200

_FFMETADATA_SPECIAL = re.compile(r"([=;#\\\n\r])")
_NOT_IN_FILE_NAMES = re.compile(r'[/\\:*?"<>|]')
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul"} | {
    f"{port}{n}" for port in ("com", "lpt") for n in range(10)
}
_CHAPTER_FILE = re.compile(r"^\d{2,} - .*\.mp3$")


def write_m4b(
    chapter_files: Sequence[Path],
    marks: Sequence[ChapterMark],
    tags: EpisodeTags,
    output: Path,
    bitrate_kbps: int = 64,
) -> None:
    """An AAC-LC audiobook (44.1 kHz mono) with the marks as chapters, written atomically."""
    _check_marks(marks, len(chapter_files))
    if bitrate_kbps <= 0:
        raise ValueError(f"bitrate must be positive, not {bitrate_kbps}")
    try:
        with replacing(output) as tmp, tempfile.TemporaryDirectory(prefix="m4b-") as scratch:
            chapters = Path(scratch) / "chapters.txt"
            chapters.write_text(ffmetadata(marks), encoding="utf-8")
            _encode_m4b(chapter_files, chapters, tmp, bitrate_kbps, tags.language)
            _tag_m4b(tmp, tags)
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        raise OutputError(f"{output}: cannot write the audiobook ({exc.strerror}{where})") from None


def ffmetadata(marks: Sequence[ChapterMark]) -> str:
    """The marks as an FFMETADATA1 file of [CHAPTER] blocks in milliseconds."""
    lines = [";FFMETADATA1"]
    for mark in marks:
        title = _FFMETADATA_SPECIAL.sub(r"\\\1", _clip_utf8(mark.title, CHPL_MAX_TITLE_BYTES))
        lines += [
            "[CHAPTER]",
            "TIMEBASE=1/1000",
            f"START={mark.start_ms}",
            f"END={mark.end_ms}",
            f"title={title}",
        ]
    return "\n".join(lines) + "\n"


def write_chapter_mp3s(
    chapter_files: Sequence[Path],
    marks: Sequence[ChapterMark],
    tags: EpisodeTags,
    folder: Path,
    stem: str,
) -> list[Path]:
    """`<folder>/<stem>/NN - <title>.mp3`, one tagged MP3 per chapter, and `<stem>.m3u8` listing
    them; files left there by an earlier build of this stem are removed. Returns the MP3 paths."""
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
        for number, (source, mark, name) in enumerate(
            zip(chapter_files, marks, names, strict=True), 1
        ):
            frames = _read_frames(source)
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
        name = _clean_name(title, CHAPTER_FILE_TITLE_CHARS) or f"Chapter {number}"
        names.append(f"{number:0{width}d} - {name}.mp3")
    return names


def safe_file_name(name: str, limit: int = CHAPTER_FILE_TITLE_CHARS) -> str:
    """`name` made usable as a file name on every common file system, Unicode letters kept: no
    path separators or reserved characters, no edge dots or spaces, no reserved device name."""
    clean = _clean_name(name, limit) or "_"
    base, dot, rest = clean.partition(".")
    if base.rstrip(" ").lower() in _WINDOWS_RESERVED:
        clean = f"{base}_{dot}{rest}"
    return clean


def m3u8(marks: Sequence[ChapterMark], names: Sequence[str]) -> str:
    """An extended M3U playlist (UTF-8) of the chapter files, by relative name, in order."""
    lines = ["#EXTM3U"]
    for mark, name in zip(marks, names, strict=True):
        seconds = round((mark.end_ms - mark.start_ms) / 1000)
        lines += [f"#EXTINF:{seconds},{' '.join(mark.title.split())}", name]
    return "\n".join(lines) + "\n"


def chapter_id3_tag(tags: EpisodeTags, title: str, number: int, total: int) -> bytes:
    """An ID3v2.3 tag (header included) for one chapter's file: the chapter is the track, the
    episode the album."""
    from mutagen.id3 import APIC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TPE2, TRCK

    tag = ID3()
    tag.add(TIT2(encoding=1, text=title))
    if tags.artist:
        tag.add(TPE1(encoding=1, text=tags.artist))
        tag.add(TPE2(encoding=1, text=tags.artist))
    tag.add(TALB(encoding=1, text=tags.title))
    tag.add(TRCK(encoding=1, text=f"{number}/{total}"))
    if tags.date:
        tag.add(TDRC(encoding=1, text=tags.date))
    if tags.genre:
        tag.add(TCON(encoding=1, text=tags.genre))
    tag.add(TLAN(encoding=1, text=tags.language))
    if tags.cover:
        tag.add(APIC(encoding=0, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
    tag.update_to_v23()
    out = io.BytesIO()
    tag.save(out, v2_version=3, v1=0, padding=lambda info: 0)
    return out.getvalue()


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
    data = path.read_bytes()
    try:
        count_frames(data)
    except ValueError as exc:
        raise OutputError(f"{path}: not a chapter's MP3 frames ({exc})") from None
    return data


def _encode_m4b(
    chapter_files: Sequence[Path], chapters: Path, tmp: Path, bitrate_kbps: int, language: str
) -> None:
    """Feed the chapters to ffmpeg as one MP3 stream (so no gap or overlap can arise at a join) and
    let it write AAC in an iPod-flavoured MP4 with a QuickTime chapter track and a Nero chpl."""
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-loglevel", "error",
        "-f", "mp3", "-i", "pipe:0",
        "-f", "ffmetadata", "-i", f"file:{chapters}",
        # Not -map_metadata -1: it drops the chapter titles and the chapter track with them.
        "-map", "0:a:0", "-map_chapters", "1",
        "-c:a", "aac", "-b:a", f"{bitrate_kbps}k", "-ar", str(M4B_SAMPLE_RATE), "-ac", "1",
        "-fflags", "+bitexact", "-flags:a", "+bitexact",
        "-metadata:s:a:0", f"language={language}",
        "-movflags", "+faststart", "-brand", "M4B ",
        "-f", "ipod", "-y", f"file:{tmp}",
    ]  # fmt: skip
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            assert process.stdin is not None
            _feed(process.stdin, chapter_files)
            returncode = process.wait()
        except BaseException:
            # ffmpeg must be gone before the caller removes its file: the faststart pass
            # reopens the file by name and would bring it back.
            process.kill()
            process.wait()
            raise
        if returncode != 0:
            errors.seek(0)
            reason = errors.read().decode(errors="replace").strip().splitlines()
            last = reason[-1] if reason else "no reason given"
            raise EngineError(f"ffmpeg could not make the audiobook: {last}")


def _feed(stdin: IO[bytes], chapter_files: Sequence[Path]) -> None:
    try:
        for path in chapter_files:
            stdin.write(_read_frames(path))
        stdin.close()
    except BrokenPipeError:
        pass  # ffmpeg stopped reading; its exit status says why


def _tag_m4b(path: Path, tags: EpisodeTags) -> None:
    """iTunes-style tags, marking the file as an audiobook."""
    from mutagen.mp4 import MP4, MP4Cover

    audio = MP4(path)
    if audio.tags is None:
        audio.add_tags()
    assert audio.tags is not None
    fields: dict[str, list[object]] = {
        "©nam": [tags.title],
        "©alb": [tags.album],
        "©gen": [M4B_GENRE],
        "stik": [STIK_AUDIOBOOK],
    }
    if tags.artist:
        fields["©ART"] = fields["aART"] = [tags.artist]
    if tags.date:
        fields["©day"] = [tags.date]
    if tags.comment:
        fields["desc"] = fields["©cmt"] = [tags.comment]
    if tags.cover:
        # The bytes say what the image is; MP4 knows only JPEG and PNG.
        kind = MP4Cover.FORMAT_PNG if tags.cover.startswith(b"\x89PNG") else MP4Cover.FORMAT_JPEG
        fields["covr"] = [MP4Cover(tags.cover, imageformat=kind)]
    audio.tags.update(fields)
    audio.save()


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


def _clean_name(text: str, limit: int) -> str:
    """`text` without what file systems refuse or mangle, in at most `limit` characters."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if ch.isspace() or unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in text
    )
    text = _BIDI_CONTROLS.sub("", text)
    text = " ".join(_NOT_IN_FILE_NAMES.sub("_", text).split())
    clipped = text[:limit]
    while len(clipped.encode("utf-8")) > MAX_NAME_BYTES:
        clipped = clipped[:-1]
    if clipped != text:
        clipped = _drop_dangling_marks(clipped)
    return clipped.strip(" .")


def _clip_utf8(text: str, max_bytes: int) -> str:
    """The longest prefix of `text` that fits in `max_bytes` of UTF-8, cut between characters."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    clipped = text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")
    return _drop_dangling_marks(clipped)


def _drop_dangling_marks(text: str) -> str:
    """Remove joiners, selectors and modifiers left at the end by a cut inside a character
    sequence (an emoji with a skin tone, a family emoji, an accented letter)."""
    while text and unicodedata.category(text[-1]) in ("Mn", "Me", "Cf", "Sk"):
        text = text[:-1]
    return text
