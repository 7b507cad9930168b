"""Publishing formats, pure: Podcasting 2.0 JSON chapters, WebVTT and SRT transcripts, and the
RSS feed with the itunes and podcast namespaces. No I/O here (podcast.py writes the files)."""

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

CHAPTERS_VERSION = "1.2.0"
PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
MAX_DESCRIPTION_BYTES = 4000
MAX_VALUE_CHARS = 255
VTT_LINE, SRT_LINE = 65, 32
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
_ARROW = re.compile(r"--+>")
_CLAUSE_END = re.compile(r"[,;:\u2014\u2013][\"'\u201d\u2019)\]]*$")
_INNER_DASH = re.compile(r"(?<=[\u2014\u2013])(?=\S)")


@dataclass(frozen=True)
class Cue:
    """One transcript cue: a sentence, or a clause of a long one."""

    start_ms: int
    end_ms: int
    text: str
    """At most two lines, joined by "\\n"."""


@dataclass(frozen=True)
class FeedEpisode:
    """What the feed says about one episode."""

    guid: str
    """Assigned once (`episode_guid`), kept for the life of the episode."""
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
    language: str | None = None
    """The episode's language (BCP 47), said in the item when it is not the channel's."""


# --- chapters ---------------------------------------------------------------------------------


def chapters_json(marks: Sequence[ChapterMark], title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters: times in seconds, ascending, titles as written."""
    chapters = [
        {
            "startTime": _seconds(mark.start_ms),
            "title": mark.title,
            "endTime": _seconds(mark.end_ms),
        }
        for mark in sorted(marks, key=lambda mark: mark.start_ms)
    ]
    document: dict[str, object] = {"version": CHAPTERS_VERSION}
    if title:
        document["title"] = title
    document["chapters"] = chapters
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _seconds(ms: int) -> int | float:
    return ms // 1000 if ms % 1000 == 0 else round(ms / 1000, 3)


# --- transcripts ------------------------------------------------------------------------------

# A token is a word and whether it joins the previous one with no space (the parts of a word cut
# at an inner dash or at the line width).
_Token = tuple[str, bool]


def sentence_cues(sentences: Sequence[tuple[int, int, str]], max_line: int) -> list[Cue]:
    """Cues for spoken sentences given as (start_ms, end_ms, written text): one per sentence, or
    per clause of one too long for two lines of `max_line` characters, sharing its time by length.
    A span shorter than its cues need (1 ms each) loses the cues that do not fit."""
    cues: list[Cue] = []
    for start, end, written in sorted(sentences, key=lambda sentence: sentence[0]):
        tokens = _tokens(_ARROW.sub("->", written), max_line)
        if not tokens or end <= start:
            continue
        pieces = _pieces(tokens, max_line)
        sizes = [len(_joined(piece)) for piece in pieces]
        total, done, position = sum(sizes), 0, start
        for number, (piece, size) in enumerate(zip(pieces, sizes, strict=True)):
            done += size
            latest = end - (len(pieces) - 1 - number)  # leave each later cue 1 ms
            until = min(latest, max(position + 1, start + round((end - start) * done / total)))
            if until <= position:
                break
            cues.append(Cue(position, until, "\n".join(_lines(piece, max_line) or [])))
            position = until
    return cues


def _tokens(text: str, width: int) -> list[_Token]:
    """The words, cut after an inner dash and into slices where longer than a line."""
    tokens: list[_Token] = []
    for word in text.split():
        for part_number, part in enumerate(_INNER_DASH.split(word)):
            for start in range(0, len(part), width):
                tokens.append((part[start : start + width], part_number > 0 or start > 0))
    return tokens


def _pieces(tokens: list[_Token], width: int) -> list[list[_Token]]:
    """The sentence, else its clauses (else runs of words), each fitting two lines; neighbours
    that fit two lines together are put back together."""
    if _lines(tokens, width):
        return [tokens]
    pieces: list[list[_Token]] = []
    for clause in _clauses(tokens):
        for run in _runs(clause, width):
            if pieces and _lines(pieces[-1] + run, width):
                pieces[-1] = pieces[-1] + run
            else:
                pieces.append(run)
    return pieces


def _clauses(tokens: list[_Token]) -> list[list[_Token]]:
    clauses: list[list[_Token]] = [[]]
    for token in tokens:
        clauses[-1].append(token)
        if _CLAUSE_END.search(token[0]):
            clauses.append([])
    return [clause for clause in clauses if clause]


def _runs(tokens: list[_Token], width: int) -> list[list[_Token]]:
    """The longest runs of words that fit two lines, from the start."""
    runs: list[list[_Token]] = []
    for token in tokens:
        if runs and _lines([*runs[-1], token], width):
            runs[-1].append(token)
        else:
            runs.append([token])
    return runs


def _lines(tokens: list[_Token], width: int) -> list[str] | None:
    """The tokens as one line, or two balanced lines, of at most `width` characters; None if
    they need more."""
    whole = _joined(tokens)
    if len(whole) <= width:
        return [whole]
    best: tuple[int, list[str]] | None = None
    for cut in range(1, len(tokens)):
        top, bottom = _joined(tokens[:cut]), _joined(tokens[cut:])
        longest = max(len(top), len(bottom))
        if longest <= width and (best is None or longest < best[0]):
            best = (longest, [top, bottom])
    return best[1] if best else None


def _joined(tokens: Sequence[_Token]) -> str:
    text = ""
    for word, glued in tokens:
        text += word if glued or not text else " " + word
    return text


def webvtt(cues: Sequence[Cue]) -> str:
    """A WebVTT file: a header, then each cue's times and text with & < > escaped."""
    blocks = ["WEBVTT"]
    for cue in cues:
        text = cue.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        blocks.append(f"{_clock(cue.start_ms, '.')} --> {_clock(cue.end_ms, '.')}\n{text}")
    return "\n\n".join(blocks) + "\n"


def srt(cues: Sequence[Cue]) -> str:
    """A SubRip file: cues numbered from 1, with comma-separated milliseconds."""
    blocks = [
        f"{number}\n{_clock(cue.start_ms, ',')} --> {_clock(cue.end_ms, ',')}\n{cue.text}"
        for number, cue in enumerate(cues, 1)
    ]
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _clock(ms: int, separator: str) -> str:
    hours, rest = divmod(max(ms, 0), 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


# --- guids ------------------------------------------------------------------------------------


def podcast_guid(feed_url: str) -> str:
    """The podcast:guid: UUIDv5 of the feed URL without its scheme and trailing slashes."""
    return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, _SCHEME.sub("", feed_url).rstrip("/")))


def episode_guid() -> str:
    """A new episode's guid; the caller stores it and reuses it for the life of the episode."""
    return str(uuid.uuid4())


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
    base = podcast.base_url or feed_url.rsplit("/", 1)[0]
    base = base if base.endswith("/") else base + "/"
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
