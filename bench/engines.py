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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from narrate.engines import piper

    rtf = statistics.median(piper.real_time_factor(SAMPLE) for _ in range(args.runs))
    print(f"piper real-time factor (synthesis s / audio s, one process): {rtf:.3f}")
    for engine in ("pyttsx3", "piper"):
        times = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory() as folder:
                times.append(cold_build(engine, Path(folder)))
        print(f"{engine:8s} cold build of {ESSAY.name}: median {statistics.median(times):.2f} s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)})")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
