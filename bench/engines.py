"""Both engines side by side, in one run: Piper's real-time factor, and a cold build of the
seed-sized essay with each engine.

    engines.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ESSAY = Path(__file__).resolve().parent.parent / "script" / "the-lighthouse-keeper.txt"
SAMPLE = (
    "The lighthouse stood at the edge of the world, and every night its keeper climbed the "
    "stairs to light the lamp. Ships passed in the dark, and none of them knew his name."
)


def cold_build(engine: str, folder: Path) -> float:
    narrate = Path(sys.executable).with_name("narrate")
    start = time.perf_counter()
    subprocess.run(
        [str(narrate), "build", str(ESSAY), "--engine", engine, "--out", str(folder)],
        check=True, capture_output=True,
    )  # fmt: skip
    return time.perf_counter() - start


# Piper by itself: one process loads the voice once (onnxruntime on every core) and speaks every
# sentence narrate would say, in order, keeping the samples; nothing else.
_PIPER_ALONE = """
import sys
from pathlib import Path
from narrate.engines import VoiceSettings
from narrate.engines.piper import PiperSpeaker
from narrate.settings.resolve import BuildSettings
from narrate.text.chapters import split_chapters
from narrate.text.script import read_script
from narrate.text.sentences import chapter_sentences

script = read_script(Path(sys.argv[1]))
pauses = BuildSettings().for_script(script).pauses
speaker = PiperSpeaker(VoiceSettings(engine="piper", voice=None), threads=0)
seconds = 0.0
for chapter in split_chapters(script).chapters:
    for sentence in chapter_sentences(chapter, pauses, None):
        seconds += speaker.synthesize(sentence.spoken).duration_s
print(seconds)
"""


def piper_alone() -> float:
    """Wall time of Piper speaking the essay's sentences by itself (Python start included, as
    for the build)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", _PIPER_ALONE, str(ESSAY)], check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from narrate.engines import piper

    rtf = statistics.median(piper.real_time_factor(SAMPLE) for _ in range(args.runs))
    print(f"piper real-time factor (synthesis s / audio s, one process): {rtf:.3f}")
    medians = {}
    for engine in ("pyttsx3", "piper"):
        times = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                times.append(cold_build(engine, Path(folder)))
        medians[engine] = statistics.median(times)
        print(f"{engine:8s} cold build of {ESSAY.name}: median {medians[engine]:.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    alone = statistics.median(piper_alone() for _ in range(args.runs))
    ratio = medians["piper"] / alone
    print(f"piper alone, the same sentences in one process: median {alone:.2f} s")
    print(f"piper build / piper alone: {ratio:.3f}x (target <= 1.1): "
          f"{'PASS' if ratio <= 1.1 else 'FAIL'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
