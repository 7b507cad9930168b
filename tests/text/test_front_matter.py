"""Front matter exactly as written: text fields are the characters typed, whatever YAML would make
of them; `date` is a real date or a one-line error naming the field."""

from __future__ import annotations

import datetime
import shutil
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from narrate.errors import InputError
from narrate.text.chapters import split_chapters
from narrate.text.dates import parse_date
from narrate.text.script import read_script
from tests.conftest import DATA, build_json, run_narrate


def _essay(folder: Path, front: str) -> Path:
    path = folder / "essay.md"
    path.write_text(f"---\n{front}\n---\n\nA short body to read.\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("No", "No"), ("12:30", "12:30"), ("1.10", "1.10"), ("0x1F", "0x1F"), ("~ok", "~ok"),
     ("'quoted: yes'", "quoted: yes"), ("2024-05-01", "2024-05-01"), ("1e3", "1e3")],
)  # fmt: skip
def test_text_fields_are_what_was_typed(tmp_path: Path, typed: str, kept: str) -> None:
    fields = ("title", "author", "description", "album", "genre")
    meta = read_script(_essay(tmp_path, "\n".join(f"{f}: {typed}" for f in fields))).meta
    assert [meta[f] for f in fields] == [kept] * len(fields)


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2024-05-01", datetime.date(2024, 5, 1)),
        ("2024-05-01T10:00", datetime.datetime(2024, 5, 1, 10, 0)),
        ("2024-05-01 10:00:00+02:00",
         datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))),
        ("May 1, 2024", datetime.date(2024, 5, 1)),
        ("1 May 2024", datetime.date(2024, 5, 1)),
        ("Sept. 3rd, 2024", datetime.date(2024, 9, 3)),
    ],
)  # fmt: skip
def test_dates_people_write(written: str, day: object) -> None:
    assert parse_date(written) == day


@pytest.mark.parametrize(
    "written", ["yesterday", "2024-13-01", "May 32, 2024", "Mayo 1, 2024", "5"]
)
def test_anything_else_names_the_field(tmp_path: Path, written: str) -> None:
    with pytest.raises(InputError, match="front matter 'date' is not a date"):
        read_script(_essay(tmp_path, f"date: {written}"))


def test_bad_date_is_one_line_and_no_file(tmp_path: Path) -> None:
    _essay(tmp_path, "title: T\ndate: next Tuesday")
    done = run_narrate("build", "essay.md", "--out", "out", cwd=tmp_path)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "narrate: essay.md: front matter 'date' is not a date: 'next Tuesday' "
        "(write 2024-05-01, 2024-05-01T10:00, May 1, 2024 or 1 May 2024)"
    ]
    assert not list((tmp_path / "out").glob("*.mp3")) if (tmp_path / "out").exists() else True


@pytest.mark.parametrize(
    ("date", "tag", "published"),
    [
        ("May 1, 2024", "2024-05-01", datetime.datetime(2024, 5, 1, 8, tzinfo=datetime.UTC)),
        ("2024-05-01T10:00", "2024-05-01",  # an ID3v2.3 tag holds the day
         datetime.datetime(2024, 5, 1, 10, tzinfo=datetime.UTC)),
    ],
)  # fmt: skip
def test_built_episode_keeps_title_and_date(
    tmp_path: Path, date: str, tag: str, published: datetime.datetime
) -> None:
    shutil.copy(DATA / "podcast" / "narrate.toml", tmp_path / "narrate.toml")
    _essay(tmp_path, f"title: No\nauthor: 1.10\ndate: {date}")
    build_json("essay.md", "--out", "out", cwd=tmp_path)
    tags = ID3(tmp_path / "out" / "essay.mp3")
    assert str(tags["TIT2"]) == "No" and str(tags["TPE1"]) == "1.10"
    assert str(tags["TDRC"]) == tag
    item = ET.parse(tmp_path / "out" / "feed.xml").getroot().find("channel/item")
    assert item is not None and item.findtext("title") == "No"
    assert parsedate_to_datetime(item.findtext("pubDate") or "") == published


def test_the_title_as_typed_reaches_the_chapters_command(tmp_path: Path) -> None:
    import json

    _essay(tmp_path, "title: 12:30\nauthor: No")
    done = run_narrate("chapters", "essay.md", "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "12:30"


def test_hugo_toml_front_matter_and_shortcodes(tmp_path: Path) -> None:
    """Hugo writes front matter in TOML between `+++` lines, and shortcodes ({{< x >}},
    {{% x %}}) in the text: the one gives the tags, the others are not read (what paired ones
    wrap is), and are counted."""
    script = read_script(DATA / "site-generators" / "hugo-post.md")
    assert script.meta["title"] == "Notes from the Salt Marsh"
    assert script.meta["author"] == "Bea Author"
    assert script.meta["date"] == datetime.date(2024, 5, 1)
    done = run_narrate("chapters", str(DATA / "site-generators" / "hugo-post.md"), "--spoken")
    assert done.returncode == 0, done.stderr
    spoken = done.stdout
    assert "+++" not in spoken and "plus" not in spoken and "{" not in spoken
    assert "the herons know it before we do." in spoken
    assert "They stand in the shallows for hours." in spoken
    assert "The eleventh heron this week left at dawn." in spoken  # 11{{< sup >}}th{{< /sup >}}
    assert "skipped: 8 template tags" in spoken  # toc, u, /u, note, /note, youtube, sup, /sup


def test_jekyll_liquid_tags_are_not_read() -> None:
    """A real Jekyll post (the project's own 3.3 announcement): {% raw %} tags and links whose
    address is a Liquid expression are not read aloud; the links' text is."""
    done = run_narrate(
        "chapters", str(DATA / "site-generators" / "jekyll-3-3-is-here.md"), "--spoken"
    )
    assert done.returncode == 0, done.stderr
    assert "{" not in done.stdout and "percent" not in done.stdout
    assert "See our documentation on the subject for more info." in done.stdout
    assert "Full release notes are available for your perusal." in done.stdout


def test_a_lone_top_heading_further_down_is_a_chapter_in_its_place() -> None:
    """Jekyll's post opens with text and three `###` sections, then ends with one `## A lot
    more!`: that heading was taken for the title, moved to the start, and its own text read under
    the third section. It is a chapter where it stands; the text keeps its order."""
    outline = split_chapters(read_script(DATA / "site-generators" / "jekyll-3-3-is-here.md"))
    assert [c.title for c in outline.chapters][1:] == ["A lot more!"]
    opening, more = outline.chapters
    assert opening.paragraphs[0].startswith("There are tons of great new quality-of-life features")
    assert "1. Themes can now ship static & dynamic assets" in opening.paragraphs[1]
    assert more.paragraphs[0].startswith("There are dozens of bug fixes")
    assert more.paragraphs[-1] == "Happy Jekylling!"
