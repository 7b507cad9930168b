"""The RSS feed with the itunes and podcast namespaces, pure: no I/O here (publish.py writes it)."""

from __future__ import annotations

import datetime
import re
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import format_datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from narrate.settings.config import PodcastSettings

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
MAX_DESCRIPTION_BYTES = 4000
MAX_VALUE_CHARS = 255
NAMESPACES = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_FILE_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Characters XML 1.0 cannot hold at all, not even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEWLINE = re.compile(r"\r\n?")


@dataclass(frozen=True)
class FeedEpisode:
    """What the feed says about one episode."""

    guid: str
    """Assigned once, at the first build, and kept for the life of the episode."""
    title: str
    description: str
    pub_date: datetime.datetime
    """Timezone-aware."""
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
    link: str | None = None
    """The episode's web page."""
    language: str | None = None
    """The episode's language (BCP 47), said in the item when it is not the channel's."""


# --- guids ------------------------------------------------------------------------------------


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url).rstrip("/")))


# --- the feed ---------------------------------------------------------------------------------


def feed_xml(
    podcast: PodcastSettings,
    episodes: Sequence[FeedEpisode],
    podcast_guid: str,
    feed_url: str,
    image_url: str,
) -> bytes:
    """RSS 2.0 with the itunes and podcast namespaces, newest episode first. The same input
    gives the same bytes, and each item depends on its own episode only."""
    base = podcast.base_url or feed_url.rsplit("/", 1)[0] + "/"
    rss = ET.Element("rss", {"version": "2.0"})
    for prefix, uri in NAMESPACES.items():
        rss.set(f"xmlns:{prefix}", uri)
    channel = ET.SubElement(rss, "channel")
    name = podcast.author or podcast.title
    _text(channel, "title", _clip_chars(podcast.title))
    _text(channel, "link", base)
    _text(channel, "description", _clip_bytes(podcast.description or podcast.title))
    _text(channel, "language", podcast.language)
    _empty(channel, "atom:link", href=feed_url, rel="self", type="application/rss+xml")
    _text(channel, "itunes:author", _clip_chars(name))
    owner = ET.SubElement(channel, "itunes:owner")
    _text(owner, "itunes:name", _clip_chars(name))
    if podcast.email:
        _text(owner, "itunes:email", podcast.email)
    _empty(channel, "itunes:image", href=image_url)
    category = _empty(channel, "itunes:category", text=podcast.category[0])
    for subcategory in podcast.category[1:]:
        _empty(category, "itunes:category", text=subcategory)
    _text(channel, "itunes:explicit", "true" if podcast.explicit else "false")
    _text(channel, "itunes:type", "episodic")
    if podcast.email:
        _text(channel, "podcast:locked", "yes", owner=podcast.email)
    else:
        _text(channel, "podcast:locked", "yes")
    _text(channel, "podcast:guid", podcast_guid)
    for episode in sorted(episodes, key=lambda e: (e.pub_date, e.slug), reverse=True):
        item = _item(episode, base)
        if episode.language and episode.language.lower() != podcast.language.lower():
            _text(item, "language", episode.language)
        channel.append(item)
    ET.indent(rss, space="  ")
    body = ET.tostring(rss, encoding="unicode")
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}\n'.encode()


def _item(episode: FeedEpisode, base: str) -> ET.Element:
    for file_name in (episode.slug, episode.audio_name):
        if not _FILE_NAME.fullmatch(file_name):
            raise ValueError(f"not an ASCII file name (letters, digits, -_.): {file_name!r}")
    if episode.pub_date.tzinfo is None:
        raise ValueError(f"{episode.slug}: pub_date needs a timezone")
    item = ET.Element("item")
    _text(item, "title", _clip_chars(episode.title))
    if episode.link:
        _text(item, "link", episode.link)
    _text(item, "description", _clip_bytes(episode.description))
    _text(item, "pubDate", format_datetime(episode.pub_date.astimezone(datetime.UTC)))
    _text(item, "guid", episode.guid, isPermaLink="false")
    _empty(item, "enclosure", url=base + episode.audio_name, length=str(episode.audio_bytes),
           type="audio/mpeg")  # fmt: skip
    _text(item, "itunes:duration", _duration(episode.duration_ms))
    _text(item, "itunes:episodeType", "full")
    if episode.image_url:
        _empty(item, "itunes:image", href=episode.image_url)
    numbers = {"episode": episode.episode, "season": episode.season}
    for prefix in ("itunes", "podcast"):
        for key, number in numbers.items():
            if number is not None and number > 0:
                _text(item, f"{prefix}:{key}", str(number))
    if episode.has_chapters:
        _empty(item, "podcast:chapters", url=f"{base}{episode.slug}.chapters.json",
               type="application/json+chapters")  # fmt: skip
    if episode.has_transcripts:
        for suffix, kind in (("vtt", "text/vtt"), ("srt", "application/x-subrip")):
            _empty(item, "podcast:transcript", url=f"{base}{episode.slug}.{suffix}", type=kind,
                   rel="captions")  # fmt: skip
    return item


def _text(parent: ET.Element, tag: str, value: str, **attributes: str) -> ET.Element:
    element = _empty(parent, tag, **attributes)
    element.text = _xml_safe(value)
    return element


def _empty(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, tag, {k: _xml_safe(v) for k, v in attributes.items()})


def _xml_safe(text: str) -> str:
    """Without the characters XML cannot hold; line ends as "\\n" (what any parser reads)."""
    return _NEWLINE.sub("\n", _NOT_XML.sub("", text))


def _clip_chars(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    clean = _xml_safe(text)
    return clean if len(clean) <= limit else clean[: limit - 1] + "…"


def _clip_bytes(text: str, limit: int = MAX_DESCRIPTION_BYTES) -> str:
    """At most `limit` bytes of UTF-8, cut at a character boundary (at a space if one is near)."""
    clean = _xml_safe(text)
    data = clean.encode("utf-8")
    if len(data) <= limit:
        return clean
    cut = data[: limit - len("…".encode())].decode("utf-8", "ignore")
    space = cut.rfind(" ")
    if space > len(cut) * 0.9:
        cut = cut[:space]
    return cut.rstrip() + "…"


def _duration(ms: int) -> str:
    seconds = round(ms / 1000)
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
