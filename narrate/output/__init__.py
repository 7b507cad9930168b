"""The episode's files: the MP3 (`episode`), M4B and per-chapter files (`formats`), every tag
(`tags`), and the records that tell a later build what is up to date (`records`).

`EpisodeTags` and `ChapterMark` are plain data, here so that naming them imports no tag library."""

from __future__ import annotations

from dataclasses import dataclass


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


@dataclass(frozen=True)
class ChapterMark:
    """A chapter's place in the episode's audio."""

    title: str
    start_ms: int
    end_ms: int
