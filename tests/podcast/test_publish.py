"""Publishing, end to end: episodes built into one folder, their feed, chapters JSON and
transcripts, checked with feedparser and Podcast Index's parser against the standards file."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3

from tests.conftest import DATA, build_json, decoded_samples, run_narrate

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "atom": "http://www.w3.org/2005/Atom",
}
HOSTILE = 'Fish & Chips <b>"quoted"</b> 🐟'


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("podcast")
    for name in ("narrate.toml", "first.md", "second.txt"):
        shutil.copy(DATA / "podcast" / name, folder / name)
    result = build_json("first.md", "second.txt", "--out", "out", cwd=folder)
    return folder, result


def _feed(folder: Path) -> bytes:
    return (folder / "out" / "feed.xml").read_bytes()


def test_every_episode_file_is_written_beside_the_mp3(published: tuple[Path, dict]) -> None:
    folder, _ = published
    names = {p.name for p in (folder / "out").iterdir()}
    for stem in ("first", "second"):
        assert {f"{stem}.mp3", f"{stem}.chapters.json", f"{stem}.vtt", f"{stem}.srt"} <= names
    assert "feed.xml" in names and "cover.png" in names


def test_the_feeds_own_state_is_not_taken_for_an_episode(published: tuple[Path, dict]) -> None:
    from narrate.output.records import all_records

    folder, _ = published
    assert sorted(record["stem"] for record in all_records(folder / "out")) == ["first", "second"]


def test_feed_is_read_by_feedparser_with_titles_intact(published: tuple[Path, dict]) -> None:
    folder, _ = published
    parsed = feedparser.parse(_feed(folder))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "Essays & Echoes <Read Aloud>"
    titles = {entry.title for entry in parsed.entries}
    assert titles == {HOSTILE, "Second"}
    first = next(e for e in parsed.entries if e.title == HOSTILE)
    assert "hot & salty 🐟" in first.description  # feedparser reads descriptions as HTML
    raw_item = next(i for i in ET.fromstring(_feed(folder)).iter("item") if i.findtext("title") == HOSTILE)
    assert raw_item.findtext("description") == "A plate of something hot & salty 🐟 — with <tags> that must stay text."
    (enclosure,) = first.enclosures
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == (folder / "out" / "first.mp3").stat().st_size
    assert enclosure.href == "https://example.org/podcast/first.mp3"


def test_feed_meets_every_rule_of_the_standards_file(published: tuple[Path, dict]) -> None:
    folder, result = published
    raw = _feed(folder)
    assert raw.startswith(b"<?xml") and b"UTF-8" in raw[:60].upper()
    for prefix, uri in (("itunes", NS["itunes"]), ("podcast", NS["podcast"]), ("atom", NS["atom"])):
        assert f'xmlns:{prefix}="{uri}"'.encode() in raw
    assert b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in raw
    channel = ET.fromstring(raw).find("channel")
    assert channel is not None
    for tag in ("title", "link", "description", "language"):
        assert (channel.findtext(tag) or "").strip(), tag
    assert channel.findtext("language") == "en"
    self_link = channel.find("atom:link", NS)
    assert self_link is not None and self_link.get("rel") == "self"
    assert self_link.get("href") == "https://example.org/podcast/feed.xml"
    assert channel.findtext("itunes:author", namespaces=NS) == "Ada Quill"
    owner = channel.find("itunes:owner", NS)
    assert owner is not None and owner.findtext("itunes:email", namespaces=NS) == "ada@example.org"
    assert owner.findtext("itunes:name", namespaces=NS)
    image = channel.find("itunes:image", NS)
    assert image is not None and image.get("href") == "https://example.org/podcast/cover.png"
    from PIL import Image

    with Image.open(folder / "out" / "cover.png") as cover:
        assert cover.size[0] == cover.size[1] and 1400 <= cover.size[0] <= 3000 and cover.mode == "RGB"
    category = channel.find("itunes:category", NS)
    assert category is not None and category.get("text") == "Arts"
    sub = category.find("itunes:category", NS)
    assert sub is not None and sub.get("text") == "Books"
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.get("owner") == "ada@example.org"
    from narrate.podcast.rss import podcast_guid

    assert channel.findtext("podcast:guid", namespaces=NS) == podcast_guid("https://example.org/podcast/feed.xml")

    items = channel.findall("item")
    assert len(items) == 2
    durations = {Path(e["output"]).stem: e["duration_ms"] for e in result["episodes"]}
    for item in items:
        assert item.findtext("title")
        assert len((item.findtext("description") or "").encode()) <= 4000
        parsedate_to_datetime(item.findtext("pubDate") or "")
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false" and guid.text
        enclosure = item.find("enclosure")
        assert enclosure is not None
        url = enclosure.get("url") or ""
        name = url.rsplit("/", 1)[-1]
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name)
        assert int(enclosure.get("length") or 0) == (folder / "out" / name).stat().st_size
        seconds = _seconds(item.findtext("itunes:duration", namespaces=NS) or "")
        assert abs(seconds - durations[Path(name).stem] / 1000) <= 1
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        chapters = item.find("podcast:chapters", NS)
        assert chapters is not None and chapters.get("type") == "application/json+chapters"
        transcripts = {t.get("type"): t for t in item.findall("podcast:transcript", NS)}
        assert set(transcripts) == {"text/vtt", "application/x-subrip"}
        assert all(t.get("rel") == "captions" for t in transcripts.values())
        for link in [chapters, *transcripts.values()]:
            assert (link.get("url") or "").startswith("https://")
    first = next(i for i in items if i.findtext("title") == HOSTILE)
    assert first.findtext("itunes:episode", namespaces=NS) == "1"
    assert first.findtext("podcast:episode", namespaces=NS) == "1"
    assert first.findtext("itunes:season", namespaces=NS) == "1"


def _seconds(duration: str) -> float:
    parts = [float(p) for p in duration.split(":")]
    return sum(value * 60**power for power, value in enumerate(reversed(parts)))


def test_podcast_index_parser_reads_the_podcast_namespace(published: tuple[Path, dict]) -> None:
    folder, _ = published
    checker = Path(__file__).parent.parent / "feedcheck"
    if not (checker / "node_modules").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=checker, check=True)
    done = subprocess.run(
        ["node", "check.mjs", str(folder / "out" / "feed.xml")], cwd=checker, capture_output=True, text=True, check=True
    )
    parsed = json.loads(done.stdout)
    assert parsed["title"] == "Essays & Echoes <Read Aloud>"
    from narrate.podcast.rss import podcast_guid

    assert parsed["guid"] == podcast_guid("https://example.org/podcast/feed.xml")
    assert parsed["locked"] is True
    items = {item["title"]: item for item in parsed["items"]}
    assert set(items) == {HOSTILE, "Second"}
    for item in items.values():
        assert item["chapters"].startswith("https://example.org/podcast/")
        assert {t["type"] for t in item["transcripts"]} == {"text/vtt", "application/srt"}


def test_chapters_json_matches_the_mp3s_chap_frames(published: tuple[Path, dict]) -> None:
    folder, _ = published
    for stem in ("first", "second"):
        data = json.loads((folder / "out" / f"{stem}.chapters.json").read_text(encoding="utf-8"))
        assert data["version"] == "1.2.0"
        chaps = ID3(folder / "out" / f"{stem}.mp3").getall("CHAP")
        assert [c["title"] for c in data["chapters"]] == [str(c.sub_frames["TIT2"]) for c in chaps]
        starts = [c["startTime"] for c in data["chapters"]]
        assert starts[0] == 0 and starts == sorted(starts)
        assert [round(s * 1000) for s in starts] == [c.start_time for c in chaps]


def _cues(text: str, separator: str) -> list[tuple[float, float, str]]:
    cues = []
    pattern = rf"(\d\d):(\d\d):(\d\d){separator}(\d\d\d) --> (\d\d):(\d\d):(\d\d){separator}(\d\d\d)\n(.*?)(?:\n\n|\Z)"
    for match in re.finditer(pattern, text, re.S):
        h1, m1, s1, f1, h2, m2, s2, f2, body = match.groups()
        start = int(h1) * 3600 + int(m1) * 60 + int(s1) + int(f1) / 1000
        end = int(h2) * 3600 + int(m2) * 60 + int(s2) + int(f2) / 1000
        cues.append((start, end, body))
    return cues


def test_transcripts_ascend_inside_the_audio_within_the_line_limits(published: tuple[Path, dict]) -> None:
    folder, _ = published
    for stem in ("first", "second"):
        audio_s = decoded_samples(folder / "out" / f"{stem}.mp3") / 44100
        vtt = (folder / "out" / f"{stem}.vtt").read_text(encoding="utf-8")
        srt = (folder / "out" / f"{stem}.srt").read_text(encoding="utf-8")
        assert vtt.startswith("WEBVTT")
        assert srt.startswith("1\n")
        for text, separator, width in ((vtt, r"\.", 65), (srt, ",", 32)):
            cues = _cues(text, separator)
            assert len(cues) >= 4
            starts = [c[0] for c in cues]
            assert starts == sorted(starts)
            for start, end, body in cues:
                assert 0 <= start < end <= audio_s + 0.05
                lines = body.splitlines()
                assert 1 <= len(lines) <= 2 and all(len(line) <= width for line in lines)
                assert "-->" not in body
    first_vtt = (folder / "out" / "first.vtt").read_text(encoding="utf-8")
    assert "&amp;" in first_vtt  # "Batter & Salt" escaped in WebVTT


def test_rebuild_after_an_edit_keeps_guids_and_updates_length_and_duration(
    published: tuple[Path, dict], tmp_path: Path
) -> None:
    folder, _ = published
    work = tmp_path / "again"
    shutil.copytree(folder, work)
    before = feedparser.parse(_feed(work))
    guids = {e.title: e.id for e in before.entries}
    second = work / "second.txt"
    second.write_text(second.read_text().replace("And the third.", "And a third, much longer sentence than before."))
    result = build_json("first.md", "second.txt", "--out", "out", cwd=work)
    after = feedparser.parse(_feed(work))
    assert {e.title: e.id for e in after.entries} == guids
    entry = next(e for e in after.entries if e.title == "Second")
    assert int(entry.enclosures[0].length) == (work / "out" / "second.mp3").stat().st_size
    old = next(e for e in before.entries if e.title == "Second")
    assert int(entry.enclosures[0].length) > int(old.enclosures[0].length)
    episode = next(e for e in result["episodes"] if e["output"].endswith("second.mp3"))
    assert abs(_seconds(entry.itunes_duration) - episode["duration_ms"] / 1000) <= 1
    # the other episode's item is unchanged, byte for byte
    first_items = [m.group() for m in re.finditer(rb"<item>.*?</item>", _feed(folder), re.S) if b"first.mp3" in m.group()]
    first_items_after = [m.group() for m in re.finditer(rb"<item>.*?</item>", _feed(work), re.S) if b"first.mp3" in m.group()]
    assert first_items == first_items_after


def test_feed_command_writes_the_feed_for_a_folder(published: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = published
    work = tmp_path / "feedonly"
    shutil.copytree(folder, work)
    (work / "out" / "feed.xml").unlink()
    done = run_narrate("feed", "out", cwd=work)
    assert done.returncode == 0, done.stderr
    assert (work / "out" / "feed.xml").read_bytes() == _feed(folder)


def test_the_mp3_carries_cover_art(published: tuple[Path, dict]) -> None:
    folder, _ = published
    (apic,) = ID3(folder / "out" / "first.mp3").getall("APIC")
    assert apic.type == 3 and apic.mime == "image/png" and apic.data.startswith(b"\x89PNG")


def test_an_episode_built_without_an_mp3_is_named_when_the_feed_leaves_it_out(
    published: tuple[Path, dict], tmp_path: Path
) -> None:
    """The feed's enclosures are MP3s: an audiobook-only episode cannot be in it, and the build
    and `narrate feed` say so instead of dropping it silently."""
    folder, _ = published
    work = tmp_path / "with-audiobook"
    shutil.copytree(folder, work)
    shutil.copy(DATA / "two-chapters.txt", work / "audiobook.txt")
    done = run_narrate("build", "audiobook.txt", "--out", "out", "--format", "m4b", cwd=work)
    assert done.returncode == 0, done.stderr
    assert "audiobook: not in the feed or on the site: it has no MP3" in done.stderr
    feed = (work / "out" / "feed.xml").read_bytes()
    assert b"audiobook" not in feed and feed == _feed(folder)
    again = run_narrate("feed", "out", cwd=work)
    assert again.returncode == 0 and "audiobook: not in the feed" in again.stderr
    both = run_narrate("build", "audiobook.txt", "--out", "out", "--format", "mp3,m4b", cwd=work)
    assert both.returncode == 0 and "not in the feed" not in both.stderr
    assert b"audiobook.mp3" in (work / "out" / "feed.xml").read_bytes()
