"""Publishing formats, pure: checked against the standards file with xml.etree, and read back by
feedparser and Podcast Index's parser (podcast-partytime, through tests/feedcheck)."""

from __future__ import annotations

import datetime
import json
import re
import subprocess
import uuid
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrate.output import ChapterMark
from narrate.podcast.chapters_json import chapters_json
from narrate.podcast.rss import FeedEpisode, feed_xml, podcast_guid
from narrate.podcast.transcripts import Cue, sentence_cues, srt, webvtt
from narrate.settings.config import PodcastSettings

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": "https://podcastindex.org/namespace/1.0",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "atom": "http://www.w3.org/2005/Atom",
}
HOSTILE = 'Fish & Chips <b>"quoted"</b> 🐟'
HOSTILE_DESCRIPTION = "Hot & salty 🐟 — with <tags> & \"quotes\" that must stay text."
BASE = "https://example.org/podcast/"
FEED_URL = BASE + "feed.xml"
COVER_URL = BASE + "cover.png"
PODCAST = PodcastSettings(
    title="Essays & Echoes <Read Aloud>",
    author="Ada Quill",
    description="Short essays, read aloud.",
    language="en",
    base_url=BASE,
    category=("Arts", "Books"),
    explicit=False,
    email="ada@example.org",
)
FEEDCHECK = Path(__file__).parent.parent / "feedcheck"
XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
SAFE_NAME = re.compile(r"[A-Za-z0-9._-]+")


def _episode(number: int, title: str, description: str = "About it.", **changes: object) -> FeedEpisode:
    fields: dict = dict(
        guid=f"0000000{number}-4e5a-4f3c-9a63-5a4d3c2b1a00", title=title, description=description,
        pub_date=datetime.datetime(2026, 10, number, 8, 30, tzinfo=datetime.UTC),
        slug=f"essay-{number}", audio_name=f"essay-{number}.mp3", audio_bytes=100_000 + number,
        duration_ms=3_723_456 if number == 1 else 61_000, episode=number, season=1,
    )  # fmt: skip
    fields.update(changes)
    return FeedEpisode(**fields)


EPISODES = [
    _episode(1, HOSTILE, HOSTILE_DESCRIPTION),
    _episode(2, "Second", "Plain.", season=None, has_transcripts=False),
    _episode(3, "Third: Ünïcödé", "Third.", episode=None, season=None, has_chapters=False),
]
GUID = podcast_guid(FEED_URL)


@pytest.fixture(scope="module")
def feed() -> bytes:
    return feed_xml(PODCAST, EPISODES, GUID, FEED_URL, COVER_URL)


# --- guids --------------------------------------------------------------------------------------


def test_podcast_guid_is_the_specs_example() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss///") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert uuid.UUID(podcast_guid(FEED_URL)).version == 5


# --- chapters -----------------------------------------------------------------------------------


def test_chapters_json_golden() -> None:
    marks = [ChapterMark("Introduction", 0, 8908), ChapterMark("Shue’s — & 🐟 \"x\"", 8908, 16000)]
    assert chapters_json(marks, "Salt & Iron") == (
        "{\n"
        '  "version": "1.2.0",\n'
        '  "title": "Salt & Iron",\n'
        '  "chapters": [\n'
        "    {\n"
        '      "startTime": 0,\n'
        '      "title": "Introduction",\n'
        '      "endTime": 8.908\n'
        "    },\n"
        "    {\n"
        '      "startTime": 8.908,\n'
        '      "title": "Shue’s — & 🐟 \\"x\\"",\n'
        '      "endTime": 16\n'
        "    }\n"
        "  ]\n"
        "}\n"
    )


def test_chapters_json_ascends_from_zero_in_seconds() -> None:
    marks = [ChapterMark(f"Part {n}", n * 1234, (n + 1) * 1234) for n in range(5)]
    chapters = json.loads(chapters_json(marks))["chapters"]
    starts = [c["startTime"] for c in chapters]
    assert starts[0] == 0 and starts == sorted(starts) and starts[1] == 1.234
    assert all(isinstance(s, int | float) for s in starts) and "title" not in json.loads(chapters_json(marks))


# --- transcripts --------------------------------------------------------------------------------

LONG = (
    "When the keeper climbed the stairs at dusk, the lamp was already lit, "
    "and nobody on the island could say who had lit it."
)


def test_transcript_formats_golden() -> None:
    spans = [(25, 1500, "Fish & Chips <b>"), (2000, 3500, "A --> B."), (3_600_000, 3_601_000, "Late.")]
    cues = sentence_cues(spans, max_line=32)
    assert webvtt(cues) == (
        "WEBVTT\n\n"
        "00:00:00.025 --> 00:00:01.500\nFish &amp; Chips &lt;b&gt;\n\n"
        "00:00:02.000 --> 00:00:03.500\nA -&gt; B.\n\n"
        "01:00:00.000 --> 01:00:01.000\nLate.\n"
    )
    assert srt(cues) == (
        "1\n00:00:00,025 --> 00:00:01,500\nFish & Chips <b>\n\n"
        "2\n00:00:02,000 --> 00:00:03,500\nA -> B.\n\n"
        "3\n01:00:00,000 --> 01:00:01,000\nLate.\n"
    )


def test_a_long_sentence_becomes_clauses_sharing_its_time_by_length() -> None:
    cues = sentence_cues([(1000, 9000, LONG)], max_line=32)
    assert [c.text for c in cues] == [
        "When the keeper climbed\nthe stairs at dusk,",
        "the lamp was already lit,",
        "and nobody on the island\ncould say who had lit it.",
    ]
    assert cues[0].start_ms == 1000 and cues[-1].end_ms == 9000
    assert all(a.end_ms == b.start_ms for a, b in zip(cues, cues[1:], strict=False))
    lengths = [len(c.text) for c in cues]
    for cue, length in zip(cues, lengths, strict=True):  # time in proportion to characters
        assert abs((cue.end_ms - cue.start_ms) - 8000 * length / sum(lengths)) <= 30
    (vtt_cue,) = sentence_cues([(1000, 9000, LONG)], max_line=65)
    assert vtt_cue.text == (
        "When the keeper climbed the stairs at dusk, the lamp was\n"
        "already lit, and nobody on the island could say who had lit it."
    )


def test_words_longer_than_a_line_are_cut_and_dashes_split_clauses() -> None:
    word = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen"
    cues = sentence_cues([(0, 3000, f"{word} ist lang.")], max_line=32)
    assert all(len(line) <= 32 for c in cues for line in c.text.splitlines())
    assert [c.text for c in cues] == [
        "Donaudampfschifffahrtsgesellscha\nftskapitänsmützenabzeichen ist",
        "lang.",
    ]
    dashed = "The lamp was lit—nobody knew by whom—and the keeper said nothing at all to anyone."
    texts = [c.text for c in sentence_cues([(0, 5000, dashed)], max_line=32)]
    assert texts == ["The lamp was lit—\nnobody knew by whom—", "and the keeper said\nnothing at all to anyone."]


def _stripped(text: str) -> str:
    return re.sub(r"\s", "", text)


sentence_text = st.text(min_size=1, max_size=400).filter(lambda t: t.strip() != "")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(sentence_text, st.integers(1, 20_000), st.integers(0, 3000)), min_size=1, max_size=6),
    st.sampled_from([32, 65]),
)
def test_cues_ascend_within_their_spans_and_the_line_limits(
    sentences: list[tuple[str, int, int]], width: int
) -> None:
    spans, clock = [], 0
    for text, length, gap in sentences:
        spans.append((clock + gap, clock + gap + length, text))
        clock += gap + length
    cues = sentence_cues(spans, max_line=width)
    starts = [c.start_ms for c in cues]
    assert starts == sorted(starts)
    for cue in cues:
        assert cue.end_ms > cue.start_ms
        assert any(start <= cue.start_ms and cue.end_ms <= end for start, end, _ in spans)
        lines = cue.text.split("\n")
        assert 1 <= len(lines) <= 2 and all(0 < len(line) <= width for line in lines)
        assert "-->" not in cue.text
    # nothing is lost or added but spaces, when each span has a millisecond for each cue
    if all(end - start >= len(text) for start, end, text in spans):
        said = _stripped("".join(re.sub(r"--+>", "->", text) for _, _, text in spans))
        assert _stripped("".join(c.text for c in cues)) == said
    for text, separator in ((webvtt(cues), "."), (srt(cues), ",")):
        assert len(re.findall(rf"\d\d:\d\d:\d\d\{separator}\d\d\d --> ", text)) == len(cues)


def test_vtt_escapes_and_never_holds_an_arrow_in_cue_text() -> None:
    cues = sentence_cues([(0, 2000, "a <--> b & c ---> d"), (2000, 3000, "x-- >y")], max_line=65)
    vtt = webvtt(cues)
    body = "\n".join(line for line in vtt.splitlines()[1:] if " --> " not in line)
    assert "<" not in body and "-->" not in body and re.search(r"&(?!amp;|lt;|gt;)", body) is None
    assert srt([Cue(0, 1, "x")]).startswith("1\n00:00:00,000 --> 00:00:00,001\nx\n")
    assert webvtt([]) == "WEBVTT\n" and srt([]) == ""


# --- the feed, read by feedparser ----------------------------------------------------------------


def test_feedparser_reads_the_feed_with_titles_intact(feed: bytes) -> None:
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert parsed.feed.title == PODCAST.title
    assert parsed.feed.author == "Ada Quill" and parsed.feed.language == "en"
    assert parsed.feed.image.href == COVER_URL
    assert [e.title for e in parsed.entries] == ["Third: Ünïcödé", "Second", HOSTILE]
    first = parsed.entries[-1]
    assert first.id == EPISODES[0].guid and first.guidislink is False
    assert "Hot &amp; salty 🐟" in first.description or "Hot & salty 🐟" in first.description
    (enclosure,) = first.enclosures
    assert (enclosure.href, int(enclosure.length), enclosure.type) == (
        BASE + "essay-1.mp3", 100_001, "audio/mpeg"
    )
    assert first.itunes_duration == "01:02:03"
    assert first.itunes_episode == "1" and first.itunes_season == "1" and first.itunes_episodetype == "full"
    assert first.published_parsed[:5] == (2026, 10, 1, 8, 30)
    assert parsed.entries[0].get("itunes_episode") is None


# --- the feed against every rule of the standards file ------------------------------------------


def test_the_feed_meets_every_rule_of_the_standards_file(feed: bytes) -> None:
    assert feed.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n')
    feed.decode("utf-8")
    for prefix, uri in NS.items():
        assert f'xmlns:{prefix}="{uri}"'.encode() in feed
    root = ET.fromstring(feed)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    assert channel.findtext("title") == PODCAST.title
    assert channel.findtext("link") == BASE
    assert channel.findtext("description") == PODCAST.description
    assert re.fullmatch(r"[a-z]{2,3}(-[A-Za-z]{2,4})?", channel.findtext("language") or "")
    self_link = channel.find("atom:link", NS)
    assert self_link is not None
    assert (self_link.get("href"), self_link.get("rel"), self_link.get("type")) == (FEED_URL, "self", "application/rss+xml")
    assert channel.findtext("itunes:author", namespaces=NS) == "Ada Quill"
    owner = channel.find("itunes:owner", NS)
    assert owner is not None
    assert owner.findtext("itunes:name", namespaces=NS) == "Ada Quill"
    assert owner.findtext("itunes:email", namespaces=NS) == "ada@example.org"
    image = channel.find("itunes:image", NS)
    assert image is not None and image.get("href") == COVER_URL
    category = channel.find("itunes:category", NS)
    assert category is not None and category.get("text") == "Arts"
    assert [sub.get("text") for sub in category.findall("itunes:category", NS)] == ["Books"]
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    locked = channel.find("podcast:locked", NS)
    assert locked is not None and locked.text == "yes" and locked.get("owner") == "ada@example.org"
    assert channel.findtext("podcast:guid", namespaces=NS) == "080cbc85-2163-502d-8b52-3171206ba87e" == GUID
    for element in channel.iter():
        if element.tag.startswith("{" + NS["podcast"]) and element.get("url"):
            assert (element.get("url") or "").startswith("https://"), element.tag

    items = channel.findall("item")
    dates = [parsedate_to_datetime(item.findtext("pubDate") or "") for item in items]
    assert dates == sorted(dates, reverse=True)  # newest first
    by_title = {item.findtext("title"): item for item in items}
    assert set(by_title) == {e.title for e in EPISODES}
    enclosure_urls = set()
    for episode in EPISODES:
        item = by_title[episode.title]
        assert len(episode.title) <= 255
        assert item.findtext("description") == episode.description
        assert len((item.findtext("description") or "").encode()) <= 4000
        date = item.findtext("pubDate") or ""
        assert re.fullmatch(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}", date)
        assert parsedate_to_datetime(date) == episode.pub_date
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "false" and guid.text == episode.guid
        enclosure = item.find("enclosure")
        assert enclosure is not None
        url = enclosure.get("url") or ""
        assert url == BASE + episode.audio_name and url not in enclosure_urls
        enclosure_urls.add(url)
        assert enclosure.get("length") == str(episode.audio_bytes)
        assert enclosure.get("type") == "audio/mpeg"
        duration = item.findtext("itunes:duration", namespaces=NS) or ""
        h, m, s = map(int, duration.split(":"))
        assert abs(h * 3600 + m * 60 + s - episode.duration_ms / 1000) <= 0.5
        assert item.findtext("itunes:episodeType", namespaces=NS) == "full"
        for key in ("episode", "season"):
            number = getattr(episode, key)
            for prefix in ("itunes", "podcast"):
                assert item.findtext(f"{prefix}:{key}", namespaces=NS) == (None if number is None else str(number))
        chapters = item.find("podcast:chapters", NS)
        if episode.has_chapters:
            assert chapters is not None and chapters.get("type") == "application/json+chapters"
            assert chapters.get("url") == f"{BASE}{episode.slug}.chapters.json"
        else:
            assert chapters is None
        transcripts = {t.get("type"): t for t in item.findall("podcast:transcript", NS)}
        if episode.has_transcripts:
            assert set(transcripts) == {"text/vtt", "application/x-subrip"}
            assert transcripts["text/vtt"].get("url") == f"{BASE}{episode.slug}.vtt"
            assert transcripts["application/x-subrip"].get("url") == f"{BASE}{episode.slug}.srt"
            assert all(t.get("rel") == "captions" for t in transcripts.values())
        else:
            assert transcripts == {}
        for element in item.iter():
            for attribute in ("url", "href"):
                if element.get(attribute):
                    link = element.get(attribute) or ""
                    assert link.startswith("https://") and link.isascii()
                    assert SAFE_NAME.fullmatch(link.rsplit("/", 1)[1])


def test_a_subcategory_nests_and_a_category_alone_does_not(feed: bytes) -> None:
    alone = feed_xml(PodcastSettings(category=("History",), explicit=True, base_url=BASE), [], GUID, FEED_URL, COVER_URL)
    channel = ET.fromstring(alone).find("channel")
    assert channel is not None
    category = channel.find("itunes:category", NS)
    assert category is not None and category.get("text") == "History" and len(category) == 0
    assert channel.findtext("itunes:explicit", namespaces=NS) == "true"


# --- the feed, read by Podcast Index's parser -----------------------------------------------------


def _partytime(feed_file: Path) -> dict:
    """The feed as podcast-partytime reads it (installing the helper on first use)."""
    if not (FEEDCHECK / "node_modules" / "podcast-partytime").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=FEEDCHECK, check=True)
    done = subprocess.run(
        ["node", "check.mjs", str(feed_file)], cwd=FEEDCHECK, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_podcast_index_parser_reads_the_podcast_namespace(feed: bytes, tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    path.write_bytes(feed)
    parsed = _partytime(path)
    assert parsed["title"] == PODCAST.title
    assert parsed["language"] == "en" and parsed["explicit"] is False
    assert parsed["owner"] == {"name": "Ada Quill", "email": "ada@example.org"}
    assert parsed["categories"] == ["arts", "books"]  # partytime lowercases them
    assert parsed["itunesType"] == "episodic" and parsed["image"] == COVER_URL
    assert parsed["guid"] == GUID
    assert parsed["locked"] is True and parsed["lockedOwner"] == "ada@example.org"
    items = {item["title"]: item for item in parsed["items"]}
    assert set(items) == {HOSTILE, "Second", "Third: Ünïcödé"}
    first = items[HOSTILE]
    assert first["guid"] == EPISODES[0].guid
    assert first["enclosure"] == {"url": BASE + "essay-1.mp3", "length": 100_001, "type": "audio/mpeg"}
    assert first["duration"] == 3723
    assert first["pubDate"] == "2026-10-01T08:30:00.000Z"
    assert (first["itunesEpisode"], first["itunesSeason"]) == (1, 1)
    assert (first["podcastEpisode"], first["podcastSeason"]) == (1, 1)
    assert first["episodeType"] == "full"
    assert first["chapters"] == BASE + "essay-1.chapters.json"
    assert first["chaptersType"] == "application/json+chapters"
    assert sorted(first["transcripts"], key=lambda t: t["type"]) == [  # partytime says application/srt
        {"url": BASE + "essay-1.srt", "type": "application/srt", "rel": "captions"},
        {"url": BASE + "essay-1.vtt", "type": "text/vtt", "rel": "captions"},
    ]
    assert items["Second"]["transcripts"] == [] and items["Second"]["podcastSeason"] is None
    assert items["Third: Ünïcödé"]["chapters"] is None and items["Third: Ünïcödé"]["podcastEpisode"] is None


# --- the feed, whatever the titles hold ----------------------------------------------------------


def _as_xml_keeps(text: str) -> str:
    """What an XML parser gives back: no characters XML cannot hold, "\\n" line ends."""
    return XML_CHARS.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def _clipped(text: str) -> str:
    kept = _as_xml_keeps(text)
    return kept if len(kept) <= 255 else kept[:254] + "…"


@settings(max_examples=150, deadline=None)
@given(st.text(), st.text(), st.text(), st.text())
def test_the_feed_is_well_formed_and_keeps_titles_whatever_they_hold(
    title: str, other: str, description: str, show: str
) -> None:
    episodes = [_episode(1, title, description), _episode(2, other, title)]
    podcast = PodcastSettings(title=show, author=other, description=description, email="a@example.org", base_url=BASE)
    raw = feed_xml(podcast, episodes, GUID, FEED_URL, COVER_URL)
    channel = ET.fromstring(raw).find("channel")
    assert channel is not None
    assert channel.findtext("title") == _clipped(show)
    items = channel.findall("item")
    assert [item.findtext("title") or "" for item in items] == [_clipped(other), _clipped(title)]
    for item, text in zip(items, (title, description), strict=True):
        kept = item.findtext("description") or ""
        assert len(kept.encode()) <= 4000
        assert kept == _as_xml_keeps(text) or _as_xml_keeps(text).startswith(kept[:-1].rstrip())
    assert feedparser.parse(raw).bozo == 0


def test_characters_xml_cannot_hold_are_dropped(feed: bytes) -> None:
    raw = feed_xml(PODCAST, [_episode(1, "Bell\x07 \x00and\x1b \ufffeend\r\nnext")], GUID, FEED_URL, COVER_URL)
    assert ET.fromstring(raw).findtext("channel/item/title") == "Bell and end\nnext"


# --- the feed, stable --------------------------------------------------------------------------


def test_the_same_input_gives_the_same_bytes_and_adding_an_episode_leaves_items_alone(feed: bytes) -> None:
    assert feed_xml(PODCAST, list(reversed(EPISODES)), GUID, FEED_URL, COVER_URL) == feed
    fewer = feed_xml(PODCAST, EPISODES[:2], GUID, FEED_URL, COVER_URL)
    items = re.findall(rb"<item>.*?</item>", fewer, re.S)
    assert len(items) == 2 and all(item in feed for item in items)


def test_descriptions_are_cut_to_4000_bytes_at_a_character_boundary() -> None:
    long_titles = [_episode(1, "T" * 300, "🐟" * 3000), _episode(2, "Two", "word " * 2000)]
    channel = ET.fromstring(feed_xml(PODCAST, long_titles, GUID, FEED_URL, COVER_URL)).find("channel")
    assert channel is not None
    texts = {item.findtext("title"): item.findtext("description") or "" for item in channel.findall("item")}
    fish = texts["T" * 254 + "…"]
    assert len(fish.encode()) <= 4000 and fish == "🐟" * 999 + "…"
    words = texts["Two"]
    assert len(words.encode()) <= 4000 and words.endswith("word…")


def test_unsafe_file_names_and_naive_dates_are_refused() -> None:
    with pytest.raises(ValueError, match="ASCII"):
        feed_xml(PODCAST, [_episode(1, "x", slug="café", audio_name="café.mp3")], GUID, FEED_URL, COVER_URL)
    with pytest.raises(ValueError, match="timezone"):
        feed_xml(PODCAST, [_episode(1, "x", pub_date=datetime.datetime(2026, 1, 1))], GUID, FEED_URL, COVER_URL)



@settings(max_examples=500, deadline=None)
@given(
    st.integers(3, 40).flatmap(
        lambda width: st.tuples(
            st.just(width),
            st.lists(st.tuples(st.integers(1, width), st.booleans()), max_size=12),
        )
    )
)
def test_the_quick_fit_test_agrees_with_laying_out_the_lines(
    case: tuple[int, list[tuple[int, bool]]],
) -> None:
    from narrate.podcast.transcripts import _fits, _lines

    width, shape = case
    tokens = [("x" * size, glued) for size, glued in shape]
    assert _fits(tokens, width) == (_lines(tokens, width) is not None)
