"""The website's pages: pure rendering read back with Python's HTML parser, and the pages narrate
writes beside the feed (real builds through the CLI). The browser tests are test_site_browser.py."""

from __future__ import annotations

import datetime
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from narrate.podcast.site import (
    Download,
    Show,
    SiteChapter,
    SiteCue,
    SiteEpisode,
    episode_page,
    index_page,
    newest_first,
    page_names,
    vtt_cues,
)
from tests.conftest import DATA, build_json, run_narrate

BASE = "https://example.org/show/"
HOSTILE = "<script>alert(\"x\")</script> & 'Fish' <b>bold</b> {{ 7*7 }} 🐟 שלום עולם"
SHOW = Show(
    title="Notes & <Noise>",
    author='Ada "Q" <Quill>',
    description="Essays & <em>more</em> 🎧",
    language="en",
    base_url=BASE,
    feed_url=BASE + "feed.xml",
    cover_name="cover.png",
)


def _episode(
    stem: str = "essay", title: str = HOSTILE, day: int = 2, **changes: object
) -> SiteEpisode:
    fields: dict = dict(
        stem=stem,
        title=title,
        author="Ada <Quill>",
        description=f"About {title}",
        published=datetime.datetime(2026, 11, day, 8, tzinfo=datetime.UTC),
        duration_ms=754_321,
        audio_name=f"{stem}.mp3",
        chapters=(SiteChapter("Intro & <Overture>", 0, 9927), SiteChapter(HOSTILE, 9927, 754_321)),
        cues=(SiteCue(25, 1500, "Intro & <Overture>"), SiteCue(2000, 4000, HOSTILE)),
        transcript_name=f"{stem}.vtt",
        downloads=(Download("MP3", f"{stem}.mp3"), Download("Transcript (WebVTT)", f"{stem}.vtt")),
    )
    fields.update(changes)
    return SiteEpisode(**fields)


class Page(HTMLParser):
    """A page as an HTML parser reads it: elements with their attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[int, str] = {}
        self.own_texts: dict[int, str] = {}
        """Text directly inside each element, not inside its children."""
        self._open: list[int] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in {"meta", "link", "img", "input", "track", "br"}:
            self._open.append(len(self.elements) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self._open and self.elements[self._open[-1]][0] != tag:
            self._open.pop()
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for number in self._open:
            self.texts[number] = self.texts.get(number, "") + data
        if self._open:
            self.own_texts[self._open[-1]] = self.own_texts.get(self._open[-1], "") + data

    def all(self, tag: str, **wanted: str) -> list[tuple[dict[str, str], str]]:
        return [
            (attrs, self.texts.get(number, ""))
            for number, (name, attrs) in enumerate(self.elements)
            if name == tag and all(attrs.get(k.rstrip("_")) == v for k, v in wanted.items())
        ]

    def one(self, tag: str, **wanted: str) -> tuple[dict[str, str], str]:
        (found,) = self.all(tag, **wanted)
        return found

    def meta(self, key: str) -> str:
        found = self.all("meta", property=key) or self.all("meta", name=key)
        assert len(found) == 1, key
        return found[0][0]["content"]


def test_markup_quotes_emoji_and_rtl_stay_text_everywhere_on_an_episode_page() -> None:
    page = Page(episode_page(SHOW, _episode(), "essay.html"))
    assert page.one("h1")[1] == HOSTILE
    assert page.one("title")[1] == f"{HOSTILE} · {SHOW.title}"
    for key in ("og:title", "twitter:title"):
        assert page.meta(key) == HOSTILE
    for key in ("description", "og:description", "twitter:description"):
        assert page.meta(key) == f"About {HOSTILE}"
    assert [text.split(" ", 1)[1] for _, text in page.all("button", class_="chapter")] == [
        "Intro & <Overture>",
        HOSTILE,
    ]
    assert [text.split(" ", 1)[1] for _, text in page.all("button", class_="cue")] == [
        "Intro & <Overture>",
        HOSTILE,
    ]
    assert page.one("img")[0]["alt"] == f"Cover art of {SHOW.title}"
    assert page.one("link", rel="alternate")[0]["title"] == SHOW.title
    # nothing the title holds became an element
    assert [attrs["src"] for attrs, _ in page.all("script")] == ["site.js"]
    assert page.all("b") == [] and page.all("em") == []


@settings(deadline=None)  # the first example compiles the templates; a shared machine is slow
@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=60))
def test_any_title_reads_back_as_written(title: str) -> None:
    page = Page(episode_page(SHOW, _episode(title=title), "essay.html"))
    assert page.one("h1")[1] == title
    assert page.meta("og:title") == title
    assert (
        Page(index_page(SHOW, [_episode(title=title)], {"essay": "essay.html"})).one("h3")[1]
        == title
    )


def test_text_a_user_wrote_takes_its_direction_from_itself() -> None:
    page = Page(episode_page(SHOW, _episode(), "essay.html"))
    written = {HOSTILE, "Intro & <Overture>", f"About {HOSTILE}", "Ada <Quill>", SHOW.title}
    holders = [
        (tag, attrs)
        for number, (tag, attrs) in enumerate(page.elements)
        if page.own_texts.get(number, "").strip() in written
    ]
    assert len(holders) >= 7
    assert all(attrs.get("dir") == "auto" for tag, attrs in holders if tag != "title"), holders


def test_pages_link_relatively_and_name_only_the_published_address() -> None:
    page = Page(episode_page(SHOW, _episode(), "essay.html"))
    absolute = []
    for tag, attrs in page.elements:
        for key in ("href", "src", "content"):
            value = attrs.get(key, "")
            if "://" in value:
                absolute.append(
                    (tag, attrs.get("rel") or attrs.get("property") or attrs.get("name"))
                )
                assert value.startswith(BASE), value
            elif key != "content" and value:
                assert not value.startswith("/") and ":" not in value, value  # works from disk
    assert page.one("link", rel="canonical")[0]["href"] == BASE + "essay.html"
    assert page.meta("og:url") == BASE + "essay.html"
    assert page.meta("og:audio") == BASE + "essay.mp3"
    assert page.meta("og:image") == page.meta("twitter:image") == BASE + "cover.png"
    assert ("link", "alternate") in absolute and ("link", "canonical") in absolute
    audio = page.one("audio", id="player")[0]
    assert audio["src"] == "essay.mp3"
    track = page.one("track")[0]
    assert (track["kind"], track["src"], track["srclang"]) == ("captions", "essay.vtt", "en")
    starts = [float(attrs["data-start"]) for attrs, _ in page.all("button", class_="chapter")]
    assert starts == [0.0, 9.927]
    assert [attrs["href"] for attrs, _ in page.all("a") if "download" in attrs] == [
        "essay.mp3",
        "essay.vtt",
    ]


def test_an_episode_without_transcript_or_chapters_has_no_empty_sections() -> None:
    bare = _episode(
        chapters=(), cues=(), transcript_name=None, downloads=(Download("MP3", "essay.mp3"),)
    )
    page = Page(episode_page(SHOW, bare, "essay.html"))
    assert page.all("track") == [] and page.all("ol") == []
    assert [text for _, text in page.all("h2")] == ["Downloads"]


def test_index_lists_episodes_newest_first_with_date_duration_and_description() -> None:
    episodes = [_episode("old", "Old one", day=1), _episode("new", "New one", day=3)]
    assert [e.stem for e in newest_first(episodes)] == ["new", "old"]
    page = Page(index_page(SHOW, episodes, page_names(["old", "new"])))
    links = [
        (attrs["href"], text) for attrs, text in page.all("a") if attrs["href"].endswith(".html")
    ]
    assert links == [("new.html", "New one"), ("old.html", "Old one")]
    times = [text for _, text in page.all("time")]
    assert times == ["2026-11-03", "12:34", "2026-11-01", "12:34"]
    assert page.one("link", rel="alternate")[0] == {
        "rel": "alternate", "type": "application/rss+xml", "title": SHOW.title, "href": BASE + "feed.xml",
    }  # fmt: skip
    assert page.one("input", id="feed-url")[0]["value"] == BASE + "feed.xml"
    assert page.one("link", rel="canonical")[0]["href"] == BASE
    assert page.one("h1")[1] == SHOW.title and page.meta("og:title") == SHOW.title


def test_an_episode_called_index_does_not_take_the_shows_page() -> None:
    assert page_names(["a", "index", "b.c"]) == {
        "a": "a.html", "index": "index-episode.html", "b.c": "b.c.html",
    }  # fmt: skip
    names = page_names(["index", "index-episode"])
    assert names == {"index": "index-episode-episode.html", "index-episode": "index-episode.html"}


sentence = st.text(
    st.characters(exclude_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=90
)


@settings(deadline=None)
@given(st.lists(sentence, min_size=1, max_size=5))
def test_the_transcript_shown_is_the_vtt_written(texts: list[str]) -> None:
    from narrate.podcast.transcripts import VTT_LINE, sentence_cues, webvtt

    spans = [(n * 10_000, n * 10_000 + 9_000, text) for n, text in enumerate(texts)]
    written = sentence_cues(spans, max_line=VTT_LINE)
    read = vtt_cues(webvtt(written))
    assert [(c.start_ms, c.end_ms, c.text) for c in read] == [
        (c.start_ms, c.end_ms, " ".join(c.text.split("\n"))) for c in written
    ]


# --- the pages narrate writes -----------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    for name in ("narrate.toml", "markup-title.md", "older.md"):
        shutil.copy(DATA / "site" / name, folder / name)
    build_json("markup-title.md", "older.md", "--out", "out", "--format", "mp3,m4b", cwd=folder)
    return folder


def _pages(out: Path) -> dict[str, int]:
    return {
        p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix in {".html", ".css", ".js"}
    }


def test_a_build_with_a_base_url_writes_the_site_and_every_link_resolves(built: Path) -> None:
    out = built / "out"
    assert set(_pages(out)) == {
        "index.html",
        "markup-title.html",
        "older.html",
        "site.css",
        "site.js",
    }
    for name in ("index.html", "markup-title.html", "older.html"):
        page = Page((out / name).read_text(encoding="utf-8"))
        for _, attrs in page.elements:
            for key in ("href", "src"):
                value = attrs.get(key, "")
                if value and "://" not in value:
                    assert (out / value).is_file(), (name, value)
    page = Page((out / "older.html").read_text(encoding="utf-8"))
    downloads = {text: attrs["href"] for attrs, text in page.all("a") if "download" in attrs}
    assert downloads == {
        "MP3": "older.mp3", "M4B audiobook": "older.m4b", "Transcript (WebVTT)": "older.vtt",
        "Transcript (SRT)": "older.srt", "Chapters (JSON)": "older.chapters.json",
    }  # fmt: skip
    assert not list(out.glob(".*.tmp"))


def test_the_feed_links_the_show_and_each_episode_to_their_pages(built: Path) -> None:
    channel = ET.fromstring((built / "out" / "feed.xml").read_bytes()).find("channel")
    assert channel is not None and channel.findtext("link") == BASE  # served as index.html
    links = {
        item.find("enclosure").get("url"): item.findtext("link")  # type: ignore[union-attr]
        for item in channel.findall("item")
    }
    assert links == {
        BASE + "markup-title.mp3": BASE + "markup-title.html",
        BASE + "older.mp3": BASE + "older.html",
    }
    parsed = feedparser.parse((built / "out" / "feed.xml").read_bytes())
    assert parsed.feed.link == BASE
    assert sorted(entry.link for entry in parsed.entries) == [
        BASE + "markup-title.html",
        BASE + "older.html",
    ]


def test_pages_are_rewritten_only_when_their_episode_or_the_show_changed(
    built: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    shutil.copytree(built, work)
    out = work / "out"
    before = _pages(out)
    done = run_narrate("site", "out", cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(Path("out") / "index.html")
    assert _pages(out) == before  # nothing changed: nothing rewritten

    essay = work / "older.md"
    essay.write_text(essay.read_text().replace("An Older Episode", "A Renamed Episode"))
    build_json("older.md", "--out", "out", "--format", "mp3,m4b", cwd=work)
    after = _pages(out)
    changed = {name for name in before if after[name] != before[name]}
    assert changed == {"older.html", "index.html"}
    assert "A Renamed Episode" in (out / "older.html").read_text(encoding="utf-8")

    config = work / "narrate.toml"
    config.write_text(config.read_text().replace("Notes & Noise <Live>", "Renamed Show"))
    assert run_narrate("site", "out", cwd=work).returncode == 0
    changed = {name for name, stamp in _pages(out).items() if after[name] != stamp}
    assert changed == {"older.html", "index.html", "markup-title.html"}
    assert not list(out.glob(".*.tmp"))


def test_site_command_refuses_a_missing_folder_in_one_line(tmp_path: Path) -> None:
    done = run_narrate("site", "missing", cwd=tmp_path)
    assert done.returncode != 0 and done.stderr == "narrate: missing: no such folder\n"
    assert list(tmp_path.iterdir()) == []


def test_without_a_base_url_the_site_command_writes_a_preview(built: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(built / "out", work / "out")
    for name in ("feed.xml", "cover.png", *(p.name for p in (work / "out").glob("*.html"))):
        (work / "out" / name).unlink()
    done = run_narrate("site", "out", cwd=work)  # no narrate.toml here: no base_url
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("narrate: warning: ") and len(done.stderr.splitlines()) == 1
    out = work / "out"
    assert not (out / "feed.xml").exists() and (out / "cover.png").is_file()
    for name in ("index.html", "markup-title.html", "older.html"):
        page = Page((out / name).read_text(encoding="utf-8"))
        assert page.all("link", rel="canonical") == [] and page.all("input") == []
        for _, attrs in page.elements:
            for key in ("href", "src", "content"):
                assert "://" not in attrs.get(key, ""), (name, attrs)
                if key != "content" and attrs.get(key):
                    assert (out / attrs[key]).is_file(), (name, attrs[key])


def test_the_page_of_an_episode_whose_mp3_is_deleted_goes_and_no_other_file(
    built: Path, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    shutil.copytree(built, work)
    out = work / "out"
    (out / "notes.html").write_text("a page of the user's own")
    (out / "older.mp3").unlink()
    assert run_narrate("site", "out", cwd=work).returncode == 0
    assert not (out / "older.html").exists() and (out / "older.vtt").exists()
    assert (out / "markup-title.html").is_file() and (out / "notes.html").is_file()
    index = Page((out / "index.html").read_text(encoding="utf-8"))
    assert [attrs["href"] for attrs, _ in index.all("a") if attrs["href"].endswith(".html")] == [
        "markup-title.html"
    ]
