"""The show's website in a real browser: a real episode (espeak-ng, ffmpeg) built with a feed, its
folder served on 127.0.0.1 by a server that honours Range requests as static hosts do, and
headless Chromium (npm @sparticuz/chromium driven by playwright-core, tests/browser/) clicking,
playing and checking it, with axe-core for accessibility."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import DATA, ROOT, build_json

BROWSER = ROOT / "tests" / "browser"
SCREENSHOT = ROOT / "docs" / "site-episode.png"
TITLE = "<script>alert('x')</script> & \"Fish\" <b>bold</b> 🐟 مرحبا"
SERIOUS = ("serious", "critical")


class RangeHandler(SimpleHTTPRequestHandler):
    """Python's static file handler, plus `Range: bytes=` (206 and Accept-Ranges), without
    which Chromium will not seek in an <audio>."""

    def send_head(self):  # type: ignore[no-untyped-def]
        wanted = re.fullmatch(r"bytes=(\d*)-(\d*)", self.headers.get("Range", "").strip())
        path = Path(self.translate_path(self.path))
        if not wanted or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first, last = wanted.groups()
        start = int(first) if first else max(0, size - int(last or 0))
        end = min(int(last), size - 1) if first and last else size - 1
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.range_left = end - start + 1
        return handle

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        left = getattr(self, "range_left", None)
        if left is None:
            return super().copyfile(source, outputfile)
        while left > 0:
            chunk = source.read(min(left, 1 << 16))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    for name in ("narrate.toml", "markup-title.md", "older.md"):
        shutil.copy(DATA / "site" / name, folder / name)
    build_json("markup-title.md", "older.md", "--out", "out", cwd=folder)
    return folder / "out"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def seen(site: Path, served: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """What headless Chromium saw and did on the site (tests/browser/site.mjs)."""
    if not (BROWSER / "node_modules" / "playwright-core").is_dir():
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--silent"], cwd=BROWSER, check=True
        )
    shot = tmp_path_factory.mktemp("shots") / "episode.png"
    # its own process group, so a hung browser is ended with the driver that started it
    driver = subprocess.Popen(
        ["node", "site.mjs", served, "markup-title.html", str(shot), site.as_uri() + "/"],
        cwd=BROWSER, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = driver.communicate(timeout=300)
    finally:
        if driver.poll() is None:
            os.killpg(driver.pid, signal.SIGKILL)
            driver.wait()
    assert driver.returncode == 0, stderr
    if os.environ.get("NARRATE_SCREENSHOT"):  # how docs/site-episode.png is remade
        shutil.copy(shot, SCREENSHOT)
    result = json.loads(stdout)
    result["screenshot"] = shot
    return result


def _record(site: Path) -> dict:
    return json.loads((site / ".narrate" / "markup-title.json").read_text(encoding="utf-8"))


def test_pages_load_with_no_errors_and_no_other_host(seen: dict, served: str) -> None:
    assert seen["consoleErrors"] == []
    assert seen["failedRequests"] == []
    origin = urlsplit(served).netloc
    hosts = {urlsplit(url).netloc for url in seen["requests"] if not url.startswith("data:")}
    assert hosts == {origin}
    names = {urlsplit(url).path for url in seen["requests"]}
    assert {
        "/markup-title.html",
        "/site.css",
        "/site.js",
        "/markup-title.mp3",
        "/cover.png",
    } <= names


def test_the_players_duration_is_the_episodes(seen: dict, site: Path) -> None:
    duration_ms = _record(site)["duration_ms"]
    assert abs(seen["episode"]["duration"] * 1000 - duration_ms) <= 100


def test_a_click_on_chapter_3_seeks_there_and_highlights_it(seen: dict, site: Path) -> None:
    chapters = _record(site)["chapters"]
    assert len(chapters) >= 3
    shown = seen["episode"]["chapters"]
    assert [c["start"] for c in shown] == [c["start_ms"] / 1000 for c in chapters]
    assert all(c["title"] in s["text"] for c, s in zip(chapters, shown, strict=True))
    click = seen["episode"]["chapterClick"]
    assert click["currentTime"] is not None, "the player never seeked"
    assert abs(click["currentTime"] - chapters[2]["start_ms"] / 1000) <= 0.1
    assert click["highlighted"] == [2]


def test_chapters_work_from_the_keyboard(seen: dict, site: Path) -> None:
    chapters = _record(site)["chapters"]
    pressed = seen["episode"]["chapterKey"]
    assert pressed["currentTime"] is not None, "the player never seeked"
    assert abs(pressed["currentTime"] - chapters[1]["start_ms"] / 1000) <= 0.1
    assert pressed["highlighted"] == [1]


def test_playing_moves_the_transcript_highlight_to_the_cue_being_spoken(seen: dict) -> None:
    episode = seen["episode"]
    # the page shows every cue of the VTT, as Chromium's own captions track reads them
    assert len(episode["transcript"]) == len(episode["trackCues"]) >= 10
    for shown, cue in zip(episode["transcript"], episode["trackCues"], strict=True):
        assert " ".join(cue["text"].split()) in shown
    playback = episode["playback"]
    assert playback["currentTime"] > playback["from"] + 0.5, "the audio did not play"
    last = episode["trackCues"][-1]
    assert playback["activeCue"] is not None and playback["activeCue"]["start"] == last["start"]
    assert playback["highlightedCount"] == 1
    assert abs(playback["highlightedStart"] - last["start"]) < 0.002
    assert " ".join(last["text"].split()) in playback["highlightedText"]
    # the last cue is below the transcript box's first screenful: it was scrolled into view
    assert playback["transcriptScrolls"] and playback["transcriptScrollTop"] > 0
    assert playback["highlightedInView"]


def test_a_title_full_of_markup_renders_as_text(seen: dict, site: Path) -> None:
    heading = seen["episode"]["heading"]
    assert heading["text"] == TITLE and heading["elementsInside"] == 0 and heading["dir"] == "auto"
    assert seen["episode"]["documentTitle"].startswith(TITLE)
    assert seen["episode"]["scripts"] == 1  # site.js only: the <script> in the title stayed text
    assert TITLE in [e["text"] for e in seen["index"]["episodes"]]


def test_no_serious_accessibility_violations(seen: dict) -> None:
    for page in ("episode", "index"):
        serious = [v for v in seen[page]["axe"] if v["impact"] in SERIOUS]
        assert serious == [], (page, serious)


def test_no_horizontal_scroll_on_a_360px_phone(seen: dict) -> None:
    for page in ("episode", "index"):
        phone = seen[page]["phone"]
        assert phone["clientWidth"] == 360 and phone["scrollWidth"] <= 360, (page, phone)


def test_index_lists_episodes_newest_first_with_feed_autodiscovery(seen: dict) -> None:
    index = seen["index"]
    assert index["heading"] == "Notes & Noise <Live>"
    assert index["feeds"] == [
        {
            "type": "application/rss+xml",
            "href": "https://example.org/show/feed.xml",
            "title": "Notes & Noise <Live>",
        }
    ]
    assert [e["href"] for e in index["episodes"]] == ["markup-title.html", "older.html"]
    assert index["cover"]["loaded"] and index["cover"]["alt"]
    assert index["copied"] == "https://example.org/show/feed.xml"
    assert index["copyStatus"] == "Copied."


def test_pages_work_opened_from_disk(seen: dict, site: Path) -> None:
    disk = seen["fromDisk"]
    assert disk["styled"] and disk["highlighted"] == [1]
    assert disk["errors"] == []
    assert abs(disk["duration"] * 1000 - _record(site)["duration_ms"]) <= 100


def test_a_screenshot_of_the_episode_page_is_saved(seen: dict) -> None:
    from PIL import Image

    with Image.open(seen["screenshot"]) as shot:
        assert shot.format == "PNG" and shot.size[0] == 960 and shot.size[1] > 600
        colours = shot.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is None or len(colours) > 50  # a rendered page, not a blank one
