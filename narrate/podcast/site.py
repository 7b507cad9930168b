"""The show's website, pure: show and episode data in, page HTML out (Jinja2 with autoescaping,
so titles holding markup stay text). No I/O here but reading the templates; podcast.py writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jinja2

SITE_FILES = Path(__file__).parent / "site_files"
INDEX_PAGE = "index.html"
ASSETS = ("site.css", "site.js")
"""Copied as they are beside the pages."""
_VTT_TIME = r"(?:(\d+):)?(\d{2}):(\d{2})\.(\d{3})"
_VTT_TIMING = re.compile(rf"^{_VTT_TIME}\s+-->\s+{_VTT_TIME}")


@dataclass(frozen=True)
class Show:
    """What every page says about the show."""

    title: str
    author: str
    description: str
    language: str
    base_url: str | None
    """Where the folder is published, ending in "/": canonical and Open Graph URLs. None for a
    preview before publishing (no feed yet): the pages then leave out what needs it."""
    feed_url: str | None
    cover_name: str
    """The show's cover, beside the pages."""


@dataclass(frozen=True)
class SiteChapter:
    title: str
    start_ms: int
    end_ms: int


@dataclass(frozen=True)
class SiteCue:
    """One transcript cue as the VTT holds it, its lines joined."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class Download:
    label: str
    """What the link offers: "MP3", "Transcript (WebVTT)"."""
    name: str
    """The file, beside the page."""


@dataclass(frozen=True)
class SiteEpisode:
    stem: str
    title: str
    author: str
    description: str
    published: datetime.datetime
    duration_ms: int
    audio_name: str
    chapters: tuple[SiteChapter, ...]
    cues: tuple[SiteCue, ...]
    transcript_name: str | None
    """The WebVTT file, given to the player as its captions track."""
    downloads: tuple[Download, ...]
    language: str = "en"
    """BCP 47: the page's `lang`, the captions' `srclang`."""
    direction: str = "ltr"
    """"rtl" for Hebrew, Arabic, Persian...: the page's `dir`."""


def page_names(stems: Sequence[str]) -> dict[str, str]:
    """Each episode's page, `<stem>.html`; an episode named "index" gets another name, since
    index.html is the show's page."""
    names = {}
    for stem in stems:
        name = stem
        while name == "index" or (name != stem and name in stems):
            name += "-episode"
        names[stem] = f"{name}.html"
    return names


def newest_first(episodes: Sequence[SiteEpisode]) -> list[SiteEpisode]:
    """The feed's order: newest first, ties by stem (the same as narrate.publish.feed_xml)."""
    return sorted(episodes, key=lambda e: (e.published, e.stem), reverse=True)


def index_page(show: Show, episodes: Sequence[SiteEpisode], pages: dict[str, str]) -> str:
    """index.html: the show, how to subscribe, and its episodes newest first."""
    template = _environment().get_template("index.html")
    return template.render(show=show, episodes=newest_first(episodes), pages=pages, page=INDEX_PAGE)


def episode_page(show: Show, episode: SiteEpisode, page: str) -> str:
    """An episode's page: player, chapters, transcript and downloads."""
    template = _environment().get_template("episode.html")
    return template.render(show=show, episode=episode, page=page)


def asset(name: str) -> bytes:
    """The stylesheet or script shared by the pages."""
    return (SITE_FILES / name).read_bytes()


def vtt_cues(text: str) -> tuple[SiteCue, ...]:
    """The cues of a WebVTT file (as narrate.publish.webvtt writes them), text unescaped."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip("\n").split("\n")
        timing = next((n for n, line in enumerate(lines) if _VTT_TIMING.match(line)), None)
        if timing is None:
            continue
        numbers = _VTT_TIMING.match(lines[timing]).groups()  # type: ignore[union-attr]
        words = " ".join(line.strip() for line in lines[timing + 1 :] if line.strip())
        words = words.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
        cues.append(SiteCue(_vtt_ms(numbers[:4]), _vtt_ms(numbers[4:]), words))
    return tuple(cues)


def _vtt_ms(parts: Sequence[str | None]) -> int:
    hours, minutes, seconds, millis = (int(part or 0) for part in parts)
    return ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis


def clock(ms: int) -> str:
    """0:07, 12:34, 1:02:03: how players show a time."""
    seconds = max(ms, 0) // 1000
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def iso_duration(ms: int) -> str:
    """PT1M2S: a duration as <time datetime> wants it."""
    return f"PT{round(ms / 1000)}S"


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # lazy: only publishing needs it

    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SITE_FILES),
        autoescape=True,  # every value is text, whatever markup it holds
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters.update(clock=clock, iso_duration=iso_duration, seconds=_seconds)
    return environment


def _seconds(ms: int) -> str:
    """Milliseconds as the seconds a media element's currentTime takes: "16.065"."""
    return f"{ms / 1000:.3f}"
