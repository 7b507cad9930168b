"""A document's own date (an EPUB's, a saved web page's) dates the episode, as front matter does."""

from __future__ import annotations

import json
from pathlib import Path

import eyed3
import pytest

from narrate.output.episode import published
from tests.conftest import DATA, build_json


@pytest.mark.parametrize(
    ("name", "day"),
    [("wasteland.epub", "2011-09-01"), ("caktusgroup-blog-post.html", "2015-06-08")],
)
def test_a_document_with_its_own_date_builds_and_is_dated_by_it(
    tmp_path: Path, name: str, day: str
) -> None:
    out = tmp_path / "out"
    episode = build_json(str(DATA / "documents" / name), "--out", str(out))["episodes"][0]
    record = json.loads((out / ".narrate" / f"{Path(episode['output']).stem}.json").read_text())
    assert record["published"] == f"{day}T08:00:00+00:00"
    # ID3 v2.3 keeps the year in TYER, which is what eyeD3 reads back as the recording date
    assert str(eyed3.load(episode["output"]).tag.recording_date) == day[:4]


def test_a_documents_bare_year_leaves_the_episode_dated_by_its_first_build() -> None:
    assert published({"date": "1922"}, "2026-12-03") == "2026-12-03T08:00:00+00:00"
