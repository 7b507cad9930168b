"""Real builds of essays in French, German and Hebrew: real espeak-ng voices, real ffmpeg, and the
tags, feed and sidecars read back by readers we did not write (mutagen, ffmpeg, feedparser)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from mutagen.id3 import ID3
from mutagen.mp4 import MP4

from narrate.engines import Voice, VoiceSettings
from narrate.planning import PlannedEpisode, plan_episode
from narrate.settings.config import Config
from narrate.settings.resolve import BuildSettings, EpisodeSettings
from narrate.text.pauses import Pauses
from narrate.text.script import Script, read_script
from narrate.text.sentences import chapter_sentences
from tests.conftest import build_json, decoded_samples, ffmpeg, run_narrate

DATA = Path(__file__).parents[2] / "data" / "languages"
ESSAYS = {"fr": "fr-dernier-train.txt", "de": "de-tag-der-einheit.md", "he": "he-haifa.md"}
VOICES = {"fr": "roa/fr", "de": "gmw/de", "he": "sem/he"}
ISO639_2 = {"fr": "fra", "de": "deu", "he": "heb"}
HEBREW_TITLE = "הרכבת לחיפה"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """One build of the three essays (MP3 and M4B) in a folder with a French podcast feed."""
    folder = tmp_path_factory.mktemp("languages")
    for name in ESSAYS.values():
        shutil.copy(DATA / name, folder / name)
    (folder / "narrate.toml").write_text(
        '[podcast]\ntitle = "Trains de nuit"\nauthor = "Claire Martin"\n'
        'base_url = "https://example.org/trains/"\nlanguage = "fr"\n',
        encoding="utf-8",
    )
    result = build_json(
        *ESSAYS.values(), "--out", "out", "--format", "mp3,m4b,chapter-mp3", "-j", "2", cwd=folder
    )
    return folder / "out", result


def test_each_essay_is_spoken_by_its_languages_voice(built: tuple[Path, dict]) -> None:
    out, result = built
    episodes = {Path(e["script"]).name: e for e in result["episodes"]}
    for language, name in ESSAYS.items():
        episode = episodes[name]
        assert (episode["language"], episode["voice"]) == (language, VOICES[language])
        mp3 = out / name.rsplit(".", 1)[0]
        assert decoded_samples(mp3.with_suffix(".mp3")) > 44100 * 5  # seconds of speech


def test_tags_carry_the_language_and_rtl_titles_exactly(built: tuple[Path, dict]) -> None:
    out, _ = built
    for language, name in ESSAYS.items():
        tag = ID3(out / f"{Path(name).stem}.mp3")
        assert tag["TLAN"].text == [ISO639_2[language]]
        assert tag.getall("COMM")[0].lang == ISO639_2[language]
    hebrew = ID3(out / "he-haifa.mp3")
    assert hebrew["TIT2"].text == [HEBREW_TITLE]
    chapters = sorted(hebrew.getall("CHAP"), key=lambda chap: chap.start_time)
    assert [chap.sub_frames["TIT2"].text[0] for chap in chapters] == [HEBREW_TITLE, "בתחנה"]


def test_the_audiobook_track_is_tagged_with_its_language(built: tuple[Path, dict]) -> None:
    out, _ = built
    for language, name in ESSAYS.items():
        m4b = out / f"{Path(name).stem}.m4b"
        probe = subprocess.run([ffmpeg(), "-hide_banner", "-i", str(m4b)], capture_output=True,
                               text=True)  # fmt: skip
        streams = [line for line in probe.stderr.splitlines() if "Audio:" in line]
        assert len(streams) == 1 and f"({ISO639_2[language]})" in streams[0], streams
    chapters = MP4(out / "he-haifa.m4b").chapters
    assert [chapter.title for chapter in chapters] == [HEBREW_TITLE, "בתחנה"]


def test_feed_says_the_channel_and_each_foreign_items_language(built: tuple[Path, dict]) -> None:
    out, _ = built
    feed = feedparser.parse((out / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.language == "fr"
    items = {entry.title: entry for entry in feed.entries}
    assert set(items) == {"Le dernier train de nuit", "Der Tag der Einheit", HEBREW_TITLE}
    raw = (out / "feed.xml").read_text(encoding="utf-8")
    assert raw.count("<language>") == 3  # the channel's, and the German and Hebrew items'
    assert "<language>de</language>" in raw and "<language>he</language>" in raw


def test_sidecars_keep_right_to_left_text_as_written(built: tuple[Path, dict]) -> None:
    out, _ = built
    chapters = json.loads((out / "he-haifa.chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in chapters["chapters"]] == [HEBREW_TITLE, "בתחנה"]
    vtt = (out / "he-haifa.vtt").read_text(encoding="utf-8")
    srt = (out / "he-haifa.srt").read_text(encoding="utf-8")
    # transcripts hold the sentences as written (digits and all), not as spoken
    assert "בשנת 1995 עברה סבתי לחיפה." in vtt
    assert "הרכבת יצאה בשעה 14:30 בדיוק." in vtt.replace("\n", " ")
    assert "עברה סבתי" in srt
    names = sorted(path.name for path in (out / "he-haifa").glob("*.mp3"))
    assert names == [f"01 - {HEBREW_TITLE}.mp3", "02 - בתחנה.mp3"]
    assert ID3(out / "he-haifa" / names[0])["TLAN"].text == ["heb"]


def test_web_pages_carry_each_episodes_language_and_direction(built: tuple[Path, dict]) -> None:
    """Read back with the standard library's HTML parser: the page's own <html> attributes."""
    from html.parser import HTMLParser

    class Root(HTMLParser):
        attrs: dict[str, str | None] = {}

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "html":
                Root.attrs = dict(attrs)

    out, _ = built
    expected = {"fr": "ltr", "de": "ltr", "he": "rtl"}
    for language, name in ESSAYS.items():
        page = out / (name.rsplit(".", 1)[0] + ".html")
        Root().feed(page.read_text(encoding="utf-8"))
        assert (Root.attrs.get("lang"), Root.attrs.get("dir")) == (language, expected[language])
    assert HEBREW_TITLE in (out / "he-haifa.html").read_text(encoding="utf-8")


def test_a_language_no_voice_speaks_is_one_line(tmp_path: Path) -> None:
    essay = tmp_path / "tlh.md"
    essay.write_text("---\nlanguage: tlh\n---\n# Qapla'\n\nnuqneH.\n", encoding="utf-8")
    done = run_narrate("build", str(essay), "--out", str(tmp_path / "out"))
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("narrate: ")
    assert "'tlh'" in lines[0] and "narrate voices" in lines[0]
    assert not (tmp_path / "out" / "tlh.mp3").exists()


def test_voices_filtered_by_language() -> None:
    done = run_narrate("voices", "--language", "fr", "--json")
    assert done.returncode == 0, done.stderr
    voices = json.loads(done.stdout)["voices"]
    assert voices[0]["id"] == "roa/fr"
    assert all(any(lang.startswith("fr") for lang in v["languages"]) for v in voices)
    missing = run_narrate("voices", "--language", "tlh")
    assert missing.returncode != 0
    assert missing.stderr.strip().splitlines() == [
        "narrate: no pyttsx3 voice speaks 'tlh'; `narrate voices --engine pyttsx3` lists the "
        "voices and their languages"
    ]


def test_a_named_voice_wins_over_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    # espeak-ng's own voice list, read in another process (not loaded here: see tests/engines)
    listed = json.loads(run_narrate("voices", "--json").stdout)["voices"]
    voices = [Voice(v["id"], v["name"], tuple(v["languages"])) for v in listed]
    monkeypatch.setattr("narrate.engines.pyttsx3.voices", lambda voice_dirs=(): voices)
    script = read_script(DATA / "fr-dernier-train.txt")

    def voice(config: Config | None = None, **flags: object) -> str | None:
        settings = BuildSettings(flags=flags, config=config or Config())
        return settings.for_script(script).voice.voice

    assert voice(language="fr", voice="roa/fr-be") == "roa/fr-be"
    configured = Config(voice="gmw/en-us")  # narrate.toml's voice
    assert voice(configured, language="fr") == "roa/fr"  # it does not speak French
    assert voice(language="fr-CH") == "roa/fr-ch"


def test_the_language_is_in_every_chapter_key_but_english_keys_are_unchanged() -> None:
    identity = {"engine": "test", "voice": "v"}
    script = read_script(DATA / "fr-dernier-train.txt")

    def plan(essay: Script, tag: str) -> PlannedEpisode:
        chosen = EpisodeSettings(VoiceSettings(), tag, Pauses(), None)
        return plan_episode(essay, chosen, Path("out"), {chosen.voice: identity}, BuildSettings())

    keys = {tag: [k for c in plan(script, tag).chapters for k in c.keys] for tag in ("fr", "fr-CH", "en")}
    assert not set(keys["fr"]) & set(keys["fr-CH"])
    english = read_script(Path(__file__).parents[3] / "script" / "a-short-walk.txt")
    planned = plan(english, "en")
    from narrate.render.cache import chapter_key

    for chapter in planned.chapters:
        said = chapter_sentences(chapter.chapter, Pauses())
        assert chapter.sentences == said  # the English path, untouched
        spoken = [[s.spoken, s.pause_after_ms] for s in said]
        assert chapter.keys == (chapter_key(spoken, identity, BuildSettings().audio),)


def test_changing_an_essays_language_remakes_that_essay_only(tmp_path: Path) -> None:
    for name in ("fr-dernier-train.txt", "de-tag-der-einheit.md"):
        shutil.copy(DATA / name, tmp_path / name)
    args = ("fr-dernier-train.txt", "de-tag-der-einheit.md", "--out", "out", "-j", "2")
    first = build_json(*args, cwd=tmp_path)
    assert [sum(c["synthesized"] for c in e["chapters"]) for e in first["episodes"]] == [3, 2]
    german = tmp_path / "de-tag-der-einheit.md"
    german.write_text(german.read_text(encoding="utf-8").replace("language: de", "language: de-AT"))
    second = build_json(*args, cwd=tmp_path)
    assert [sum(c["synthesized"] for c in e["chapters"]) for e in second["episodes"]] == [0, 2]
    assert second["episodes"][1]["language"] == "de-AT"
    assert ID3(tmp_path / "out" / "de-tag-der-einheit.mp3")["TLAN"].text == ["deu"]


def test_piper_needs_a_voice_for_the_language(tmp_path: Path) -> None:
    """The one Piper voice installed speaks English: a French essay is refused, not misread."""
    done = run_narrate(
        "build", str(DATA / "fr-dernier-train.txt"), "--engine", "piper", "--out", str(tmp_path)
    )
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "narrate: no piper voice speaks 'fr'; `narrate voices --engine piper` lists the voices "
        "and their languages"
    ]
    listed = run_narrate("voices", "--engine", "piper", "--language", "en-US", "--json")
    assert [v["id"] for v in json.loads(listed.stdout)["voices"]] == ["en_US-joe-medium"]
