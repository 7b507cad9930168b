"""Publishing formats: pure functions, checked against the spec and with real XML parsers."""

from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from narrate.config import PodcastSettings
from narrate.publish import (
    FeedEpisode,
    chapters_json,
    feed_xml,
    podcast_guid,
    sentence_cues,
    srt,
    webvtt,
)
from narrate.tags import ChapterMark


def test_podcast_guid_is_the_specs_example() -> None:
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss//") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_chapters_json_golden() -> None:
    marks = [ChapterMark("Introduction", 0, 8908), ChapterMark("Shue’s — & 🐟", 8908, 16144)]
    assert json.loads(chapters_json(marks)) == {
        "version": "1.2.0",
        "chapters": [
            {"startTime": 0, "endTime": 8.908, "title": "Introduction"},
            {"startTime": 8.908, "endTime": 16.144, "title": "Shue’s — & 🐟"},
        ],
    }


def test_transcript_formats_golden() -> None:
    cues = sentence_cues([(25, 1500, "Fish & Chips <b>"), (2000, 3500, "A --> B.")], max_line=32)
    assert webvtt(cues) == (
        "WEBVTT\n\n00:00:00.025 --> 00:00:01.500\nFish &amp; Chips &lt;b&gt;\n\n"
        "00:00:02.000 --> 00:00:03.500\nA -&gt; B.\n"
    )
    assert srt(cues) == (
        "1\n00:00:00,025 --> 00:00:01,500\nFish & Chips <b>\n\n2\n00:00:02,000 --> 00:00:03,500\nA -> B.\n"
    )


def test_a_long_sentence_becomes_several_short_cues_sharing_its_time() -> None:
    sentence = "When the keeper climbed the stairs at dusk, the lamp was already lit, and nobody on the island could say who had lit it."
    cues = sentence_cues([(1000, 9000, sentence)], max_line=32)
    assert len(cues) > 1
    assert cues[0].start_ms == 1000 and cues[-1].end_ms == 9000
    assert all(a.end_ms == b.start_ms for a, b in zip(cues, cues[1:], strict=False))
    assert all(len(c.text.splitlines()) <= 2 and all(len(x) <= 32 for x in c.text.splitlines()) for c in cues)
    assert " ".join(" ".join(c.text.split()) for c in cues) == sentence


def _episode(title: str, description: str, number: int) -> FeedEpisode:
    return FeedEpisode(
        guid=f"guid-{number}", title=title, description=description,
        pub_date=datetime.datetime(2026, 10, number, 8, tzinfo=datetime.UTC), slug=f"ep{number}",
        audio_name=f"ep{number}.mp3", audio_bytes=1000 + number, duration_ms=61_000, episode=number,
    )  # fmt: skip


PODCAST = PodcastSettings(title="T", author="A", email="a@example.org", base_url="https://x.org/p/")


@settings(max_examples=150, deadline=None)
@given(st.text(), st.text(), st.text())
def test_the_feed_is_well_formed_and_keeps_titles_whatever_they_hold(title: str, other: str, text: str) -> None:
    episodes = [_episode(title, text, 1), _episode(other, title, 2)]
    raw = feed_xml(PODCAST, episodes, "g", "https://x.org/p/feed.xml", "https://x.org/p/cover.png")
    root = ET.fromstring(raw)
    titles = [item.findtext("title") or "" for item in root.iter("item")]
    from narrate.publish import _NOT_XML

    def kept(value: str) -> str:
        return _NOT_XML.sub("", value).replace("\r\n", "\n").replace("\r", "\n")

    assert sorted(kept(t) for t in titles) == sorted(kept(t) for t in (title, other))


def test_adding_an_episode_leaves_the_other_items_byte_identical() -> None:
    one = feed_xml(PODCAST, [_episode("One", "d", 1)], "g", "https://x.org/p/feed.xml", "c")
    two = feed_xml(PODCAST, [_episode("One", "d", 1), _episode("Two", "d", 2)], "g", "https://x.org/p/feed.xml", "c")
    item = one[one.index(b"<item>") : one.index(b"</item>") + 7]
    assert item in two


def test_descriptions_are_cut_to_4000_bytes_at_a_character_boundary() -> None:
    raw = feed_xml(PODCAST, [_episode("One", "🐟" * 3000, 1)], "g", "https://x.org/p/feed.xml", "c")
    description = ET.fromstring(raw).find("channel/item/description")
    assert description is not None and description.text is not None
    assert len(description.text.encode()) <= 4000 and description.text.endswith("…")
