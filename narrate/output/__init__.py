"""The episode's files: the MP3 (`episode`), M4B and per-chapter files (`formats`), every tag
(`tags`), and the records that tell a later build what is up to date (`records`).

`EpisodeTags`, `ChapterMark` and the reports of what a build wrote are plain data, here so that
naming them imports no tag library."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


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


@dataclass(frozen=True)
class ChapterReport:
    index: int
    title: str
    start_ms: int
    end_ms: int
    synthesized: bool


def named_output(files: Sequence[Path], mp3: Path) -> Path:
    """The file an episode's report names: its MP3 when that was written, else its M4B, else its
    chapters' playlist (whichever formats were asked for); `mp3` when none of them is in
    `files`."""
    m4b = mp3.with_suffix(".m4b")
    playlist = mp3.parent / mp3.stem / f"{mp3.stem}.m3u8"
    return next((path for path in (mp3, m4b, playlist) if path in files), mp3)


@dataclass(frozen=True)
class EpisodeReport:
    script: Path
    output: Path
    """The file named to the user (`named_output`): the MP3, else the M4B, else the playlist."""
    duration_ms: int
    chapters: tuple[ChapterReport, ...]
    written: bool
    """False when the output was already up to date and nothing was made or written."""
    files: tuple[Path, ...] = ()
    """Every file this episode's build wrote (or, when up to date, had written)."""
    language: str = "en"
    voice: str = ""
    """The voice that spoke it (the engine's id)."""

    @property
    def synthesized(self) -> int:
        return sum(chapter.synthesized for chapter in self.chapters)
