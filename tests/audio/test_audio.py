import array
import math
import subprocess

import pytest

from narrate.audio import AudioFormat, ChapterPcm
from narrate.audio.ffmpeg import encode_mp3
from narrate.audio.mp3 import CODEC_DELAY_SAMPLES, SAMPLES_PER_FRAME, count_frames
from narrate.audio.pcm import assemble
from narrate.engines import Clip
from tests.conftest import ffmpeg


def _burst_at(seconds: float, total: float, rate: int = 22050) -> bytes:
    samples = array.array("h", [0] * int(total * rate))
    start = int(seconds * rate)
    for i in range(rate // 100):
        samples[start + i] = int(20000 * math.sin(2 * math.pi * 1000 * i / rate))
    return samples.tobytes()


def _decode(mp3: bytes) -> array.array:
    pcm = subprocess.run(
        [ffmpeg(), "-v", "error", "-f", "mp3", "-i", "pipe:0", "-f", "s16le", "-ac", "1", "pipe:1"],
        input=mp3, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return array.array("h", pcm)


def test_encoded_chapter_is_cbr_mpeg1_frames_whose_sound_lands_where_the_marks_say() -> None:
    mp3 = encode_mp3(ChapterPcm(_burst_at(1.0, 2.0), 22050, ()), AudioFormat())
    frames = count_frames(mp3)  # raises if anything but MPEG-1 Layer III frames is there
    decoded = _decode(mp3)
    assert len(decoded) == frames * SAMPLES_PER_FRAME
    first_loud = next(i for i, x in enumerate(decoded) if abs(x) > 2000)
    assert abs(first_loud - (44100 + CODEC_DELAY_SAMPLES)) <= 3


def test_joined_chapters_decode_to_the_sum_of_their_frames() -> None:
    parts = [
        encode_mp3(ChapterPcm(_burst_at(0.2, t), 22050, ()), AudioFormat()) for t in (0.5, 1.3)
    ]
    joined = b"".join(parts)
    decoded = _decode(joined)
    assert len(decoded) == sum(count_frames(p) for p in parts) * SAMPLES_PER_FRAME
    # the second part's burst sits right after the first part's frames, plus the codec delay
    second_start = count_frames(parts[0]) * SAMPLES_PER_FRAME + 8820 + CODEC_DELAY_SAMPLES
    loud = [i for i, x in enumerate(decoded) if abs(x) > 2000]
    assert any(abs(i - second_start) <= 3 for i in loud)


def test_count_frames_rejects_anything_else() -> None:
    mp3 = encode_mp3(ChapterPcm(_burst_at(0.1, 0.5), 22050, ()), AudioFormat())
    with pytest.raises(ValueError):
        count_frames(mp3[:-10])
    with pytest.raises(ValueError):
        count_frames(b"ID3" + mp3)


def test_assemble_trims_edge_silence_and_places_pauses() -> None:
    rate = 22050
    sound = array.array("h", [0] * rate + [8000, -8000] * (rate // 4) + [0] * rate).tobytes()
    pcm = assemble([(Clip(sound, rate), 500), (Clip(sound, rate), 250)])
    (a0, a1), (b0, b1) = pcm.spans
    assert a0 == 0
    assert abs((a1 - a0) - (rate // 2 + 2 * 0.030 * rate)) < 0.012 * rate  # sound plus margins
    assert b0 - a1 == rate // 2  # the 500 ms pause
    assert len(pcm.samples) // 2 == b1 + rate // 4


def _tone(seconds: float, amplitude: int, rate: int = 22050) -> bytes:
    wave = [
        int(amplitude * math.sin(2 * math.pi * 440 * i / rate)) for i in range(int(seconds * rate))
    ]
    return array.array("h", wave).tobytes()


def test_the_meter_measures_pcm_written_in_pieces_as_a_whole_and_silence_as_none() -> None:
    from narrate.audio.ffmpeg import LoudnessMeter, measure_loudness

    rate = 22050
    loud, quiet = _tone(4, 16000), _tone(4, 4000)
    whole = measure_loudness(ChapterPcm(loud + quiet, rate, ()))
    meter = LoudnessMeter(rate)
    for start in range(0, len(loud + quiet), 4410):
        meter.write((loud + quiet)[start : start + 4410])
    assert meter.loudness() == whole
    # a tone at a quarter of the amplitude is 12 dB quieter; the meter is within a tenth
    alone = measure_loudness(ChapterPcm(loud, rate, ()))
    assert alone is not None and whole is not None and alone > whole
    assert abs(alone - measure_loudness(ChapterPcm(quiet, rate, ())) - 20 * math.log10(4)) < 0.15
    assert measure_loudness(ChapterPcm(bytes(2 * rate * 3), rate, ())) is None


_FIND_FFMPEG = """
import subprocess, sys

def no_process(*args, **kwargs):
    raise AssertionError("a process was started to find ffmpeg")

subprocess.Popen = subprocess.check_call = no_process
from narrate.audio.ffmpeg import ffmpeg_exe
print(ffmpeg_exe())
"""


def test_ffmpeg_is_the_wheels_binary_found_without_running_it() -> None:
    """In a fresh interpreter (no answer cached yet): narrate finds the binary imageio-ffmpeg
    finds, starting no process; IMAGEIO_FFMPEG_EXE, when set, is taken as it is."""
    import os
    import sys

    env = {k: v for k, v in os.environ.items() if k != "IMAGEIO_FFMPEG_EXE"}
    found = subprocess.run(
        [sys.executable, "-c", _FIND_FFMPEG], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert os.path.samefile(found, ffmpeg())  # imageio-ffmpeg's answer, checked by running it
    chosen = subprocess.run(
        [sys.executable, "-c", _FIND_FFMPEG], env={**env, "IMAGEIO_FFMPEG_EXE": "/opt/ff/ffmpeg"},
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert chosen == "/opt/ff/ffmpeg"


@pytest.mark.skipif(not hasattr(__import__("os"), "SCHED_BATCH"), reason="Linux scheduling")
def test_ffmpeg_runs_as_batch_work_and_dies_with_narrate() -> None:
    """The meter (as every ffmpeg narrate starts) runs under SCHED_BATCH, so its threads'
    hand-offs do not preempt the other worker's; it still measures, and ends with its parent."""
    import os
    import sys
    import time
    from pathlib import Path

    from narrate.audio.ffmpeg import LoudnessMeter

    meter = LoudnessMeter(22050)
    try:
        assert os.sched_getscheduler(meter._process.pid) == os.SCHED_BATCH
        assert os.sched_getscheduler(0) == os.SCHED_OTHER  # narrate's own process is left as is
        tone = array.array("h", (int(8000 * math.sin(i / 5)) for i in range(22050 * 3)))
        meter.write(tone.tobytes())
        assert -30 < (meter.loudness() or -99) < 0
    finally:
        meter.close()
    parent = subprocess.Popen(
        [sys.executable, "-c", "from narrate.audio.ffmpeg import LoudnessMeter\n"
         "import time\nm = LoudnessMeter(22050)\nprint(m._process.pid, flush=True)\n"
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()
    stat = Path(f"/proc/{child}/stat")
    for _ in range(100):
        try:
            if " Z " in stat.read_text():  # dead, not yet reaped
                break
        except FileNotFoundError:  # gone
            break
        time.sleep(0.05)
    else:
        raise AssertionError("ffmpeg kept running after the process that started it was killed")
