"""Publishing formats, pure: Podcasting 2.0 JSON chapters, WebVTT and SRT transcripts, the RSS
feed with the itunes and podcast namespaces. No I/O here (podcast.py writes the files)."""

from __future__ import annotations

import datetime
import json
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from narrate.config import PodcastSettings
    from narrate.tags import ChapterMark

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
MAX_DESCRIPTION_BYTES = 4000
MAX_VALUE_CHARS = 255
# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Cue:
    """One transcript cue: a sentence or a clause of one, already broken into lines."""

    start_ms: int
    end_ms: int
    text: str


@dataclass(frozen=True)
class FeedEpisode:
    """What the feed says about one episode."""

    guid: str
    title: str
    description: str
    pub_date: datetime.datetime
    slug: str
    """The ASCII file stem shared by the episode's published files."""
    audio_name: str
    audio_bytes: int
    duration_ms: int
    episode: int | None = None
    season: int | None = None
    image_url: str | None = None
    has_chapters: bool = True
    has_transcripts: bool = True


def chapters_json(marks: Sequence[ChapterMark], title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters: start (and end) times in seconds, titles as written."""
    chapters = [
        {
            "startTime": round(m.start_ms / 1000, 3),
            "endTime": round(m.end_ms / 1000, 3),
            "title": m.title,
        }
        for m in marks
    ]
    document: dict[str, object] = {"version": "1.2.0", "chapters": chapters}
    if title:
        document["title"] = title
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def podcast_guid(feed_url: str) -> str:
    """The Podcasting 2.0 podcast:guid: UUIDv5 of the feed URL without scheme or trailing '/'."""
    bare = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://", "", feed_url).rstrip("/")
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, bare))


# --- transcripts ------------------------------------------------------------------------------

_CLAUSE = re.compile(r"(?<=[,;:—–])\s+")


def sentence_cues(sentences: Sequence[tuple[int, int, str]], max_line: int) -> list[Cue]:
    """One cue per sentence, or per clause of one too long for two lines of `max_line`
    characters; a sentence's time is shared among its cues by their length."""
    cues: list[Cue] = []
    for start, end, text in sentences:
        text = " ".join(text.replace("-->", "->").split())
        if not text or end <= start:
            continue
        pieces = _pieces(text, 2 * max_line)
        total = sum(len(p) for p in pieces)
        position = start
        for number, piece in enumerate(pieces):
            last = number == len(pieces) - 1
            until = end if last else position + max(1, round((end - start) * len(piece) / total))
            until = min(until, end)
            if until > position:
                cues.append(Cue(position, until, "\n".join(_lines(piece, max_line))))
            position = until
    return cues


def _pieces(text: str, limit: int) -> list[str]:
    """Clauses (or runs of words) short enough to fit in two lines."""
    if _fits(text, limit // 2):
        return [text]
    pieces: list[str] = []
    for clause in _CLAUSE.split(text):
        for words in _word_runs(clause, limit // 2):
            if pieces and _fits(f"{pieces[-1]} {words}", limit // 2):
                pieces[-1] = f"{pieces[-1]} {words}"
            else:
                pieces.append(words)
    return pieces


def _word_runs(text: str, width: int) -> list[str]:
    runs: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and not _fits(candidate, width):
            runs.append(current)
            current = word
        else:
            current = candidate
    if current:
        runs.append(current)
    return runs


def _fits(text: str, width: int) -> bool:
    return len(_lines(text, width)) <= 2 and all(len(line) <= width for line in _lines(text, width))


def _lines(text: str, width: int) -> list[str]:
    """Greedy word wrap; a word longer than a line is cut."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}".strip()
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    return lines


def webvtt(cues: Sequence[Cue]) -> str:
    blocks = ["WEBVTT"]
    for cue in cues:
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}")
    return "\n\n".join(blocks) + "\n"


def srt(cues: Sequence[Cue]) -> str:
    blocks = [
        f"{number}\n{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}\n{cue.text}"
        for number, cue in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n"


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


# --- the feed ---------------------------------------------------------------------------------


def feed_xml(
    podcast: PodcastSettings,
    episodes: Sequence[FeedEpisode],
    guid: str,
    feed_url: str,
    image_url: str,
) -> bytes:
    """RSS 2.0 with the itunes and podcast namespaces; the same input gives the same bytes."""
    for prefix, uri in (
        ("itunes", ITUNES),
        ("podcast", PODCAST),
        ("content", CONTENT),
        ("atom", ATOM),
    ):
        ET.register_namespace(prefix, uri)
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    base = feed_url.rsplit("/", 1)[0] + "/"
    _text(channel, "title", podcast.title)
    _text(channel, "link", base)
    _text(channel, "description", _clip_bytes(podcast.description or podcast.title))
    _text(channel, "language", podcast.language)
    ET.SubElement(
        channel, f"{{{ATOM}}}link", {"href": feed_url, "rel": "self", "type": "application/rss+xml"}
    )
    _text(channel, f"{{{ITUNES}}}author", podcast.author or podcast.title)
    owner = ET.SubElement(channel, f"{{{ITUNES}}}owner")
    _text(owner, f"{{{ITUNES}}}name", podcast.author or podcast.title)
    _text(owner, f"{{{ITUNES}}}email", podcast.email)
    ET.SubElement(channel, f"{{{ITUNES}}}image", {"href": image_url})
    category = ET.SubElement(channel, f"{{{ITUNES}}}category", {"text": podcast.category[0]})
    if len(podcast.category) > 1:
        ET.SubElement(category, f"{{{ITUNES}}}category", {"text": podcast.category[1]})
    _text(channel, f"{{{ITUNES}}}explicit", "true" if podcast.explicit else "false")
    _text(channel, f"{{{ITUNES}}}type", "episodic")
    _text(channel, f"{{{PODCAST}}}locked", "yes", owner=podcast.email)
    _text(channel, f"{{{PODCAST}}}guid", guid)
    for episode in sorted(episodes, key=lambda e: (e.pub_date, e.slug), reverse=True):
        _item(channel, episode, base)
    ET.indent(rss, space=" ")
    body = ET.tostring(rss, encoding="unicode")
    body = body.replace(f' xmlns:content="{CONTENT}"', "").replace(
        ' content:encoded-declared=""', ""
    )
    body = body.replace("<rss ", f'<rss xmlns:content="{CONTENT}" ', 1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _item(channel: ET.Element, episode: FeedEpisode, base: str) -> None:
    item = ET.SubElement(channel, "item")
    _text(item, "title", episode.title)
    _text(item, "description", _clip_bytes(episode.description))
    _text(item, "pubDate", format_datetime(episode.pub_date.astimezone(datetime.UTC)))
    _text(item, "guid", episode.guid, isPermaLink="false")
    ET.SubElement(item, "enclosure", {
        "url": base + episode.audio_name, "length": str(episode.audio_bytes), "type": "audio/mpeg",
    })  # fmt: skip
    _text(item, f"{{{ITUNES}}}duration", _duration(episode.duration_ms))
    _text(item, f"{{{ITUNES}}}episodeType", "full")
    if episode.image_url:
        ET.SubElement(item, f"{{{ITUNES}}}image", {"href": episode.image_url})
    for prefix_uri in (ITUNES, PODCAST):
        if episode.episode is not None:
            _text(item, f"{{{prefix_uri}}}episode", str(episode.episode))
        if episode.season is not None:
            _text(item, f"{{{prefix_uri}}}season", str(episode.season))
    if episode.has_chapters:
        ET.SubElement(item, f"{{{PODCAST}}}chapters", {
            "url": f"{base}{episode.slug}.chapters.json", "type": "application/json+chapters",
        })  # fmt: skip
    if episode.has_transcripts:
        for suffix, kind in (("vtt", "text/vtt"), ("srt", "application/x-subrip")):
            ET.SubElement(item, f"{{{PODCAST}}}transcript", {
                "url": f"{base}{episode.slug}.{suffix}", "type": kind, "rel": "captions",
            })  # fmt: skip


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _NOT_XML.sub("", value)
    return element


def _clip_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """At most `limit` bytes of UTF-8, cut at a character boundary."""
    clean = _NOT_XML.sub("", text)
    data = clean.encode("utf-8")
    return clean if len(data) <= limit else data[: limit - 3].decode("utf-8", "ignore") + "…"


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
