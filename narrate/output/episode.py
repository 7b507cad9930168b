"""An episode's own fields from its essay (tags, dates, numbers) and its MP3: the chapters'
frames behind one ID3 tag."""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
import sys
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from narrate.errors import InputError, OutputError
from narrate.files import replacing
from narrate.output import ChapterMark, EpisodeTags
from narrate.text.dates import id3_timestamp, parse_date

DESCRIPTION_CHARS = 500


def episode_tags(
    meta: Mapping[str, Any], title: str, first_paragraph: str, first_built: str, language: str
) -> EpisodeTags:
    """The tags a player shows, from the front matter where given; `language` is BCP 47."""
    from narrate.text.languages import language as language_of

    return EpisodeTags(
        title=title,
        artist=_meta_text(meta, "author"),
        album=_meta_text(meta, "album") or _meta_text(meta, "podcast") or title,
        date=id3_timestamp(meta.get("date")) or first_built,
        genre=_meta_text(meta, "genre") or "Podcast",
        comment=_meta_text(meta, "description") or _shorten(first_paragraph, DESCRIPTION_CHARS),
        language=language_of(language).iso639_2,
    )


def published(meta: Mapping[str, Any], first_built: str) -> str:
    """The episode's date as an ISO datetime in UTC: the essay's `date`, else the first build's.
    Front matter's is read as a date by the script reader; a document's own (an EPUB's, a web
    page's) is its text, taken when it names a day (an EPUB's bare year does not)."""
    value = meta.get("date")
    if isinstance(value, str):
        try:
            value = parse_date(value)
        except ValueError:
            value = None
    value = value or datetime.date.fromisoformat(first_built)
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
    else:
        moment = datetime.datetime(value.year, value.month, value.day, 8, tzinfo=datetime.UTC)
    return moment.isoformat()


def positive_number(meta: Mapping[str, Any], key: str, script: Path) -> int | None:
    """Front matter `episode` or `season`: a positive whole number, or None when not given."""
    value = meta.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(f"{script}: front matter {key!r} must be a positive whole number")
    return value


def write_audio(
    output: Path,
    parts: Sequence[Sequence[Path]],
    marks: list[ChapterMark],
    tags: EpisodeTags,
    formats: Collection[str],
    bitrate_kbps: int,
    mp3_frames: Sequence[Sequence[int]] | None = None,
) -> list[Path]:
    """Every requested audio format of the episode (`mp3`, `m4b`, `chapter-mp3`), from each
    chapter's MP3 parts (its passages' frames, `mp3_frames` of each if known); the files
    written."""
    files: list[Path] = []
    if "mp3" in formats:
        write_mp3(parts, marks, tags, output)
        files.append(output)
    if "m4b" in formats:
        from narrate.output.formats import write_m4b

        m4b = output.with_suffix(".m4b")
        write_m4b(parts, marks, tags, m4b, bitrate_kbps, mp3_frames)
        files.append(m4b)
    if "chapter-mp3" in formats:
        from narrate.output.formats import write_chapter_mp3s

        stem = output.stem
        files += write_chapter_mp3s(parts, marks, tags, output.parent, stem)
        files.append(output.parent / stem / f"{stem}.m3u8")
    return files


def write_mp3(
    parts: Sequence[Sequence[Path]], marks: list[ChapterMark], tags: EpisodeTags, output: Path
) -> None:
    """The chapters' MP3 frames (each chapter's `parts` in order) behind one ID3 tag, written
    atomically."""
    from narrate.output.tags import id3_tag  # lazy: mutagen only when something is written

    tag = id3_tag(tags, marks)
    try:
        with replacing(output) as tmp, open(tmp, "wb") as handle:
            handle.write(tag)
            for part in (part for chapter in parts for part in chapter):
                with open(part, "rb") as source:
                    copy_file(source, handle)
    except OSError as exc:
        raise OutputError(f"{output}: cannot write the episode ({exc.strerror})") from None


@contextlib.contextmanager
def prompt_thread_switches(seconds: float = 0.0005) -> Iterator[None]:
    """A thread waiting for the GIL gets it within `seconds` instead of Python's 5 ms. The join
    makes hundreds of short system calls, each of which waits for the GIL while the transcripts'
    thread runs Python: a book's join took 0.53 s beside it, 0.13 s alone."""
    default = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    try:
        yield
    finally:
        sys.setswitchinterval(default)


def copy_file(source: BinaryIO, target: BinaryIO) -> None:
    """Append `source` to `target`, in the kernel where it can (no copy through Python: a
    book's rebuild joins some 300 MB of unchanged chapters)."""
    target.flush()
    size = os.fstat(source.fileno()).st_size
    done = 0
    try:
        while done < size:
            sent = os.sendfile(target.fileno(), source.fileno(), done, size - done)
            if not sent:
                break
            done += sent
    except (AttributeError, OSError):
        pass  # no sendfile here: the rest goes through Python
    source.seek(done)
    shutil.copyfileobj(source, target, 1 << 20)


def _meta_text(meta: Mapping[str, Any], key: str) -> str:
    value = meta.get(key)
    return " ".join(str(value).split()) if value is not None else ""


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
