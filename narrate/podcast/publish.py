"""The podcast side of a build: each episode's chapters JSON, transcripts and cover, and the feed
over every episode in an output folder. The documents themselves are made, purely, in rss.py,
chapters_json.py and transcripts.py; this is the I/O."""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.errors import InputError
from narrate.files import write_atomic
from narrate.output.records import all_records, feed_state_path, read_json

if TYPE_CHECKING:
    from narrate.output import ChapterMark, EpisodeTags
    from narrate.podcast.site import Show, SiteEpisode
    from narrate.settings.config import PodcastSettings

FEED_NAME = "feed.xml"
COVER_VERSION = 2
"""Bump when plain covers are drawn differently."""


@dataclass(frozen=True)
class TimedSentence:
    """A sentence as written, and where its sound lies in the episode."""

    start_ms: int
    end_ms: int
    text: str


def episode_sidecars(
    stem: str, title: str, marks: Sequence[ChapterMark], said: Sequence[TimedSentence]
) -> dict[str, bytes]:
    """The contents of `<stem>.chapters.json`, `<stem>.vtt` and `<stem>.srt`, by file name."""
    from narrate.podcast.chapters_json import chapters_json
    from narrate.podcast.transcripts import SRT_LINE, VTT_LINE, sentence_cues, srt, webvtt

    spans = [(s.start_ms, s.end_ms, s.text) for s in said]
    texts = {
        f"{stem}.chapters.json": chapters_json(marks, title),
        f"{stem}.vtt": webvtt(sentence_cues(spans, max_line=VTT_LINE)),
        f"{stem}.srt": srt(sentence_cues(spans, max_line=SRT_LINE)),
    }
    return {name: text.encode("utf-8") for name, text in texts.items()}


def write_episode_files(out_dir: Path, sidecars: dict[str, bytes]) -> list[Path]:
    """Write `episode_sidecars`' files beside the episode's audio, each atomically."""
    paths = []
    for name, data in sidecars.items():
        write_atomic(out_dir / name, data)
        paths.append(out_dir / name)
    return paths


def episode_cover(
    meta: dict[str, Any],
    script: Path,
    podcast: PodcastSettings | None,
    title: str,
    author: str,
    cache_dir: Path,
    document_cover: bytes | None = None,
) -> tuple[bytes, str]:
    """The episode's cover: its front matter `image`, else the document's own (an EPUB's cover),
    else the podcast's, else a plain one made from its title and author (directories refuse a
    feed without art), kept in the cache."""
    from narrate.podcast.cover import check_cover, plain_cover, square_cover

    if meta.get("image"):
        return check_cover((script.parent / str(meta["image"])).resolve())
    if document_cover is not None:
        return square_cover(document_cover, str(script))
    if podcast is not None and podcast.image is not None:
        return check_cover(podcast.image)
    name = hashlib.sha256(json.dumps([COVER_VERSION, title, author]).encode()).hexdigest()
    kept = cache_dir / "covers" / f"{name}.png"
    try:
        return kept.read_bytes(), "image/png"
    except OSError:
        pass
    data = plain_cover(title, author)
    kept.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(kept, data)
    return data, "image/png"


def draw_covers_ahead(
    episodes: list[tuple[dict[str, Any], Path, EpisodeTags, bytes | None]],
    podcast: PodcastSettings | None,
    cache_dir: Path,
) -> threading.Thread:
    """Start drawing episodes' covers into the cache on a thread (a plain cover costs 0.2-0.6 s;
    the build draws them while its workers speak), where `episode_cover` then finds them. Errors
    are left for that later call to raise, in the build's own thread."""

    def draw() -> None:
        for meta, script, tags, own_cover in episodes:
            with contextlib.suppress(Exception):
                episode_cover(meta, script, podcast, tags.title, tags.artist, cache_dir, own_cover)

    thread = threading.Thread(target=draw, name="narrate-covers", daemon=True)
    thread.start()
    return thread


def write_feed(
    out_dir: Path, podcast: PodcastSettings, warn: Callable[[str], None] | None = None
) -> Path:
    """`<out>/feed.xml` listing every episode built in the folder (`warn` names those left out:
    built without an MP3)."""
    from narrate.podcast.cover import plain_cover
    from narrate.podcast.rss import FeedEpisode, feed_xml
    from narrate.podcast.rss import podcast_guid as guid_of_url
    from narrate.podcast.site import page_names

    if not podcast.base_url:
        raise InputError(
            "the feed needs [podcast] base_url in narrate.toml (where audio_out/ is uploaded)"
        )
    base = podcast.base_url
    feed_url = base + FEED_NAME
    state_path = feed_state_path(out_dir)
    state = read_json(state_path)
    # assigned once, kept even if the feed later moves
    guid = podcast.guid or state.get("guid") or guid_of_url(feed_url)
    drawn_for = [podcast.title, podcast.author]
    if podcast.image is not None:
        cover_name = "cover" + podcast.image.suffix.lower()
        _write_if_changed(out_dir / cover_name, podcast.image.read_bytes())
    else:
        cover_name = "cover.png"
        if state.get("cover_drawn_for") != drawn_for or not (out_dir / cover_name).exists():
            write_atomic(out_dir / cover_name, plain_cover(podcast.title, podcast.author))
    records = _published_records(out_dir, warn)
    pages = page_names([record["stem"] for record in records])
    episodes = []
    for record in records:
        stem = record["stem"]
        audio = out_dir / f"{stem}.mp3"
        episodes.append(
            FeedEpisode(
                guid=record["guid"],
                title=record["title"],
                description=record.get("description") or record["title"],
                pub_date=datetime.datetime.fromisoformat(record["published"]),
                slug=stem,
                audio_name=audio.name,
                audio_bytes=audio.stat().st_size,
                duration_ms=record["duration_ms"],
                episode=record.get("episode"),
                season=record.get("season"),
                image_url=None,
                has_chapters=(out_dir / f"{stem}.chapters.json").is_file(),
                has_transcripts=(out_dir / f"{stem}.vtt").is_file(),
                link=base + pages[stem],
                language=record.get("language"),
            )
        )
    feed = out_dir / FEED_NAME
    _write_if_changed(feed, feed_xml(podcast, episodes, guid, feed_url, base + cover_name))
    state_path.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(state_path, json.dumps({"guid": guid, "cover_drawn_for": drawn_for}).encode())
    write_site(out_dir, podcast, feed_url, cover_name, records)
    return feed


def _published_records(
    out_dir: Path, warn: Callable[[str], None] | None = None
) -> list[dict[str, Any]]:
    """The records of the episodes the feed and the site list: those with their MP3 and guid.
    An episode built without an MP3 (an audiobook alone) is left out, and `warn` says so."""
    published = []
    for record in all_records(out_dir):
        if "guid" not in record:
            continue
        if (out_dir / f"{record['stem']}.mp3").is_file():
            published.append(record)
        elif warn is not None:
            warn(
                f"{record['stem']}: not in the feed or on the site: it has no MP3 "
                "(build it with --format mp3 as well)"
            )
    return published


def write_website(out_dir: Path, podcast: PodcastSettings, warn: Callable[[str], None]) -> Path:
    """`narrate site`: the pages, with the feed when there is a base_url, else a preview (and
    a warning saying so). Returns the index page."""
    from narrate.podcast.site import INDEX_PAGE

    if not out_dir.is_dir():
        raise InputError(f"{out_dir}: no such folder")
    if podcast.base_url:
        write_feed(out_dir, podcast, warn)  # which writes the pages beside the feed
        return out_dir / INDEX_PAGE
    warn("no [podcast] base_url in narrate.toml: a preview without feed or sharing links")
    return write_site_preview(out_dir, podcast, warn)


def write_site_preview(
    out_dir: Path, podcast: PodcastSettings, warn: Callable[[str], None] | None = None
) -> Path:
    """The website without a base_url (so without a feed): to look at before publishing
    (`warn` names the episodes it leaves out: built without an MP3)."""
    from narrate.podcast.cover import plain_cover

    if podcast.image is not None:
        cover_name, cover = "cover" + podcast.image.suffix.lower(), podcast.image.read_bytes()
    else:
        cover_name, cover = "cover.png", plain_cover(podcast.title, podcast.author)
    _write_if_changed(out_dir / cover_name, cover)
    return write_site(out_dir, podcast, None, cover_name, _published_records(out_dir, warn))


def write_site(
    out_dir: Path,
    podcast: PodcastSettings,
    feed_url: str | None,
    cover_name: str,
    records: list[dict[str, Any]],
) -> Path:
    """The show's website beside the feed: index.html, a page per episode (of `records`, from
    `_published_records`), their CSS and JS. A page is rewritten only when its bytes change,
    that is when its episode or the show did."""
    from narrate.podcast import site

    show = site.Show(
        title=podcast.title,
        author=podcast.author,
        description=podcast.description,
        language=podcast.language,
        base_url=feed_url.rsplit("/", 1)[0] + "/" if feed_url else None,
        feed_url=feed_url,
        cover_name=cover_name,
    )
    episodes = [_site_episode(out_dir, record, show) for record in records]
    pages = site.page_names([episode.stem for episode in episodes])
    for name in site.ASSETS:
        _write_if_changed(out_dir / name, site.asset(name))
    for episode in episodes:
        page = pages[episode.stem]
        _write_if_changed(out_dir / page, site.episode_page(show, episode, page).encode())
    index = out_dir / site.INDEX_PAGE
    _write_if_changed(index, site.index_page(show, episodes, pages).encode())
    # the pages of episodes gone since (their MP3 deleted), and only pages narrate wrote
    written = feed_state_path(out_dir).with_name("site.json")
    for name in set(read_json(written).get("pages", [])) - set(pages.values()):
        if Path(name).name == name and name.endswith(".html") and name != site.INDEX_PAGE:
            (out_dir / name).unlink(missing_ok=True)
    written.parent.mkdir(parents=True, exist_ok=True)
    _write_if_changed(written, json.dumps({"pages": sorted(pages.values())}).encode())
    return index


def _site_episode(out_dir: Path, record: dict[str, Any], show: Show) -> SiteEpisode:
    """What an episode's page shows, from its record and the files written beside it."""
    from narrate.podcast.site import Download, SiteChapter, SiteEpisode, vtt_cues
    from narrate.text.languages import language as language_of

    stem = record["stem"]
    language = record.get("language") or show.language
    offered = [
        ("MP3", f"{stem}.mp3"),
        ("M4B audiobook", f"{stem}.m4b"),
        ("Transcript (WebVTT)", f"{stem}.vtt"),
        ("Transcript (SRT)", f"{stem}.srt"),
        ("Chapters (JSON)", f"{stem}.chapters.json"),
    ]
    downloads = tuple(Download(label, name) for label, name in offered if (out_dir / name).exists())
    vtt = out_dir / f"{stem}.vtt"
    cues = vtt_cues(vtt.read_text(encoding="utf-8")) if vtt.is_file() else ()
    return SiteEpisode(
        stem=stem,
        title=record["title"],
        author=record.get("author") or show.author,
        description=record.get("description") or "",
        published=datetime.datetime.fromisoformat(record["published"]),
        duration_ms=record["duration_ms"],
        audio_name=f"{stem}.mp3",
        chapters=tuple(
            SiteChapter(c["title"], c["start_ms"], c["end_ms"]) for c in record.get("chapters", [])
        ),
        cues=cues,
        transcript_name=vtt.name if vtt.is_file() else None,
        downloads=downloads,
        language=language,
        direction=language_of(language).direction,
    )


def _write_if_changed(path: Path, data: bytes) -> None:
    """An unchanged build leaves published files (and their times) alone."""
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)
