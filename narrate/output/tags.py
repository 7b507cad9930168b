"""Every tag narrate writes: the episode's ID3v2.3 tag with its chapter marks, each chapter file's
ID3 tag, and the M4B's MP4 tags (mutagen lives here only)."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, CTOCFlags
from mutagen.id3._tags import save_frame  # one frame's bytes; see _PlaybackOrderID3

from narrate.output import ChapterMark, EpisodeTags

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

MAX_TOC_CHILDREN = 255  # a CTOC's child count is one byte
M4B_GENRE = "Audiobook"
STIK_AUDIOBOOK = 2  # iTunes media kind


def id3_tag(tags: EpisodeTags, marks: Sequence[ChapterMark]) -> bytes:
    """The complete ID3v2.3 tag (header included) to put before the audio frames."""
    tag = _PlaybackOrderID3()
    tag.add(TIT2(encoding=1, text=tags.title))
    if tags.artist:
        tag.add(TPE1(encoding=1, text=tags.artist))
    tag.add(TALB(encoding=1, text=tags.album))
    if tags.date:
        tag.add(TDRC(encoding=1, text=tags.date))
    tag.add(TCON(encoding=1, text=tags.genre))
    tag.add(TLAN(encoding=1, text=tags.language))
    if tags.comment:
        tag.add(COMM(encoding=1, lang=tags.language, desc="", text=tags.comment))
    if tags.cover:
        tag.add(APIC(encoding=0, mime=tags.cover_mime, type=3, desc="Cover", data=tags.cover))
    _add_chapters(tag, tags.title, marks)
    tag.update_to_v23()
    out = io.BytesIO()
    tag.save(out, v2_version=3, v1=0, padding=lambda info: 0)
    return out.getvalue()


def _add_chapters(tag: _PlaybackOrderID3, title: str, marks: Sequence[ChapterMark]) -> None:
    """One CHAP per chapter, listed by one CTOC, or by nested CTOCs past 255 chapters."""
    ids = [f"ch{n}" for n in range(1, len(marks) + 1)]
    ordered = CTOCFlags.ORDERED
    if len(ids) <= MAX_TOC_CHILDREN:
        top_children = ids
    else:
        groups = [ids[i : i + MAX_TOC_CHILDREN] for i in range(0, len(ids), MAX_TOC_CHILDREN)]
        top_children = [f"toc{n}" for n in range(1, len(groups) + 1)]
        for number, (toc_id, group) in enumerate(zip(top_children, groups, strict=True), 1):
            tag.add(
                CTOC(
                    element_id=toc_id,
                    flags=ordered,
                    child_element_ids=group,
                    sub_frames=[TIT2(encoding=1, text=f"{title} ({number})")],
                )
            )
    tag.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | ordered,
            child_element_ids=top_children,
            sub_frames=[TIT2(encoding=1, text=title)],
        )
    )
    for element_id, mark in zip(ids, marks, strict=True):
        tag.add(
            CHAP(
                element_id=element_id,
                start_time=mark.start_ms,
                end_time=mark.end_ms,
                start_offset=0xFFFFFFFF,
                end_offset=0xFFFFFFFF,
                sub_frames=[TIT2(encoding=1, text=mark.title)],
            )
        )


class _PlaybackOrderID3(ID3):
    """ID3 that writes frames in the order they were added. mutagen sorts frames by size, which
    scrambles the CHAP frames for ffmpeg and every app that lists chapters in frame order."""

    def _write(self, config: object) -> bytes:
        return b"".join(save_frame(frame, config=config) for frame in self.values())


def tag_m4b(path: Path, tags: EpisodeTags) -> None:
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
