"""Loudness on target: the sample essays, built by the real command, measured on the final MP3s
by meters narrate does not use for its own level (ffmpeg's ebur128 report, and pyloudnorm)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, build_json, ffmpeg

TARGET = -16.0
TOLERANCE = 0.5
SAMPLES = ("a-short-walk.txt", "night-trains.md", "the-lighthouse-keeper.txt")


def ebur128(path: Path) -> tuple[float, float]:
    """Integrated loudness as heard on two speakers (dual-mono) and true peak, by ffmpeg."""
    report = subprocess.run(
        [ffmpeg(), "-hide_banner", "-nostats", "-i", str(path),
         "-af", "ebur128=dualmono=true:peak=true", "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    ).stderr  # fmt: skip
    summary = report[report.rindex("Summary:") :]
    integrated = float(re.findall(r"I:\s+(-?[\d.]+) LUFS", summary)[-1])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+) dBFS", summary)[-1])
    return integrated, peak


def pyloudnorm_dual_mono(path: Path) -> float:
    import numpy as np
    import pyloudnorm

    rate = 48000
    pcm = subprocess.run(
        [ffmpeg(), "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    mono = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    # a mono file heard on two speakers: the same signal in both channels
    return float(pyloudnorm.Meter(rate).integrated_loudness(np.stack([mono, mono], axis=1)))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loudness")
    for name in SAMPLES:
        shutil.copy(ROOT / "script" / name, folder / name)
    build_json(*SAMPLES, "--out", "out", "--format", "mp3,chapter-mp3", cwd=folder)
    return folder / "out"


def test_every_chapter_is_on_target(built: Path) -> None:
    chapters = sorted(built.glob("*/*.mp3"))
    assert len(chapters) == 14
    for chapter in chapters:
        integrated, peak = ebur128(chapter)
        assert abs(integrated - TARGET) <= TOLERANCE, (chapter.name, integrated)
        assert peak <= -1.0, (chapter.name, peak)


def test_every_episode_is_on_target_by_two_meters(built: Path) -> None:
    episodes = sorted(built.glob("*.mp3"))
    assert len(episodes) == len(SAMPLES)
    for episode in episodes:
        integrated, peak = ebur128(episode)
        assert abs(integrated - TARGET) <= TOLERANCE, (episode.name, integrated)
        assert peak <= -1.0, (episode.name, peak)
        assert abs(pyloudnorm_dual_mono(episode) - TARGET) <= TOLERANCE, episode.name
