"""An episode's tags and chapter marks as an ID3v2.3 tag (mutagen lives here only)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, CTOCFlags
from mutagen.id3._tags import save_frame  # one frame's bytes; see _PlaybackOrderID3

if TYPE_CHECKING:
    from collections.abc import Sequence

MAX_TOC_CHILDREN = 255  # a CTOC's child count is one byte


@dataclass(frozen=True)
class EpisodeTags:
    """The episode-level fields, as the user will see them in a player."""

    title: str
    artist: str
    album: str
    date: str
    genre: str
    comment: str
    cover: bytes | None = None
    cover_mime: str = "image/png"
    language: str = "eng"
    """ISO 639-2 code of the spoken language (ID3 TLAN, COMM, the M4B's audio track)."""


@dataclass(frozen=True)
class ChapterMark:
    """A chapter's place in the episode's audio."""

    title: str
    start_ms: int
    end_ms: int


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
