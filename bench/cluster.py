"""Ray against the local pool on this machine, and a backlist on bigger clusters by simulation.

    cluster.py [--chapters 60] [--words 100000] [--engine-samples 3] [--piper-samples 1]
               [--books 100] [--cores-per-node 8] [--nodes 1,8,32,128]

1. Measured here: the generated book (make_book.py) built cold by `narrate build --jobs 2` (the
   local pool, two workers) and by `narrate build --executor ray` against a Ray cluster of two
   CPUs started on 127.0.0.1 beforehand (its start-up is printed, not counted). Ratio: Ray / local.
2. Measured here, for the model: seconds per word of chapters rendered in a fresh process
   (espeak-ng through pyttsx3, and Piper with one thread, as a Ray task has one CPU), and the
   start-up each such task pays besides (the process, narrate's and Ray's imports); the
   driver's CPU seconds per chapter in the Ray build (receive, check, store); and the driver's
   join/tag/sidecar time per book (a rebuild from a full cache after the outputs are removed).
3. Simulated: a backlist of BOOKS such books on N nodes of CORES slots each. Chapters are tasks
   handed out in book order to the first free slot; one driver process stores each finished
   chapter (in arrival order) and joins each book once its chapters are stored, one thing at a
   time. Wall time = when the driver finishes the last book. The driver is the bottleneck from
   the node count where its own work (stores + joins) exceeds the cluster's render time.

Prints the machine, each figure with the command behind it, the table, and `summary: {json}`.
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import json
import os
import pickle
import platform
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import make_book  # noqa: E402

RAY_ENV = {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_USAGE_STATS_ENABLED": "0"}
TARGET_RATIO = 1.15

_RENDER_ONE = """
import os, pickle, sys, time
os.environ["NARRATE_ENGINE_THREADS"] = "1"
from narrate.render.job import render_audio
job = pickle.load(open(sys.argv[1], "rb"))
start = time.perf_counter()
render_audio(job)
print(time.perf_counter() - start)
"""


def machine() -> dict:
    model = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), platform.processor(),
    )  # fmt: skip
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "python": platform.python_version(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "load": os.getloadavg(),
    }


def timed(command: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall seconds of a command, and the CPU seconds of it and its waited-for children."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_ray(cpus: int, scratch: Path) -> tuple[subprocess.Popen, str, float]:
    address = f"127.0.0.1:{free_port()}"
    env = {**os.environ, **RAY_ENV}
    ray = Path(sys.executable).with_name("ray")
    start = time.perf_counter()
    head = subprocess.Popen(
        [str(ray), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
         "--port", address.rsplit(":", 1)[1], "--num-cpus", str(cpus),
         "--include-dashboard=false", "--temp-dir", str(scratch / "ray")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    wait = (
        "import ray, time\n"
        f"ray.init(address={address!r}, logging_level='ERROR')\n"
        f"while ray.cluster_resources().get('CPU', 0) < {cpus}: time.sleep(0.2)\n"
    )
    subprocess.run([sys.executable, "-c", wait], env=env, check=True, timeout=180)
    return head, address, time.perf_counter() - start


def plan_chapters(book: Path, engine: str, cache: Path) -> list:
    """The book's jobs (one per passage) for ENGINE, as `narrate build` would make them."""
    from dataclasses import replace

    from narrate.engines import check_settings, engine_kind
    from narrate.planning import plan_episode
    from narrate.render.job import ChapterJob
    from narrate.settings.resolve import BuildSettings
    from narrate.text.script import read_script

    settings = BuildSettings(out_dir=cache, cache_dir=cache, flags={"engine": engine})
    script = read_script(book)
    chosen = settings.for_script(script)
    voice = check_settings(chosen.voice)
    identities = {voice: engine_kind(voice.engine).identity(voice)}
    episode = plan_episode(script, replace(chosen, voice=voice), cache, identities, settings)
    return [
        ChapterJob(p.key, p.utterances, voice, settings.audio, cache)
        for c in episode.chapters
        for p in c.passages
    ]


def seconds_per_word(jobs: list, samples: int, scratch: Path) -> tuple[float, list[dict]]:
    """Render SAMPLES chapters (spread over the book), each in a fresh process."""
    # From the middle of each stretch: the book's first chapter is a short untitled opening.
    picked = [jobs[int((i + 0.5) * len(jobs) / samples)] for i in range(samples)]
    runs = []
    for job in picked:
        path = scratch / "job.pickle"
        path.write_bytes(pickle.dumps(job))
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _RENDER_ONE, str(path)], check=True, capture_output=True,
            text=True,
        )  # fmt: skip
        process = time.perf_counter() - start
        words = sum(len(text.split()) for text, _ in job.utterances)
        seconds = float(done.stdout.strip().splitlines()[-1])
        runs.append({"words": words, "seconds": round(seconds, 2), "process_s": round(process, 2)})
    rate = sum(r["seconds"] for r in runs) / sum(r["words"] for r in runs)
    return rate, runs


def task_overhead(runs: list[dict]) -> float:
    """What a chapter costs besides speaking it when each runs in a fresh Ray worker: the
    process and narrate's imports (measured above, outside the render), plus importing Ray."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import ray"], check=True)
    ray_import = time.perf_counter() - start
    return sum(r["process_s"] - r["seconds"] for r in runs) / len(runs) + ray_import


def store_seconds(out: Path) -> float:
    """Seconds to store one chapter's bytes in a fresh cache, as the driver does for each."""
    from narrate.render.cache import ChapterCache
    from narrate.render.job import RenderedChapter, store_chapter

    entries = [ChapterCache(out / ".narrate-cache").lookup(k)[0] for k, _ in
               ChapterCache(out / ".narrate-cache").entries()]  # fmt: skip
    chapters = [
        RenderedChapter(e.key, e.path.read_bytes(), e.sample_rate, e.frames, e.spans_ms)
        for e in entries
        if e is not None
    ]
    start = time.perf_counter()
    for chapter in chapters:
        store_chapter(out / "store-test", chapter)
    return (time.perf_counter() - start) / max(len(chapters), 1)


def simulate(
    chapter_seconds: list[float], books: int, slots: int, store_s: float, join_s: float
) -> tuple[float, float]:
    """Wall time of BOOKS copies of a book on SLOTS render slots with one driver, and the
    driver's busy share. Chapters go to the first free slot in book order; the driver stores
    finished chapters in arrival order and joins a book when its last chapter is stored."""
    free = [0.0] * min(slots, books * len(chapter_seconds))
    heapq.heapify(free)
    finished = []
    for book in range(books):
        for seconds in chapter_seconds:
            start = heapq.heappop(free)
            heapq.heappush(free, start + seconds)
            finished.append((start + seconds, book))
    finished.sort()
    driver = 0.0
    busy = 0.0
    left = {book: len(chapter_seconds) for book in range(books)}
    for arrival, book in finished:
        driver = max(driver, arrival) + store_s
        busy += store_s
        left[book] -= 1
        if not left[book]:
            driver += join_s
            busy += join_s
    return driver, busy / driver


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chapters", type=int, default=60)
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--engine-samples", type=int, default=3)
    parser.add_argument("--piper-samples", type=int, default=1)
    parser.add_argument("--books", type=int, default=100)
    parser.add_argument("--cores-per-node", type=int, default=8)
    parser.add_argument("--nodes", default="1,8,32,128")
    args = parser.parse_args()
    narrate = [sys.executable, "-m", "narrate"]
    summary: dict = {"machine": machine()}
    print(f"machine: {json.dumps(summary['machine'])}")

    scratch = Path(tempfile.mkdtemp(prefix="narrate-bench-", dir="/tmp"))
    head = None
    try:
        book = scratch / "book.txt"
        book.write_text(make_book.make_book(args.chapters, args.words))
        local_cmd = [*narrate, "build", str(book), "--out", str(scratch / "local"), "--jobs", "2"]
        local_wall, _ = timed(local_cmd)
        print(f"local pool, 2 workers, cold: {local_wall:.1f} s   ({' '.join(local_cmd[1:])})")

        head, address, ray_start = start_ray(2, scratch)
        print(f"ray start (2 CPUs, 127.0.0.1), not counted: {ray_start:.1f} s")
        ray_cmd = [*narrate, "build", str(book), "--out", str(scratch / "ray"),
                   "--executor", "ray", "--ray-address", address]  # fmt: skip
        ray_wall, ray_driver_cpu = timed(ray_cmd, env={**os.environ, **RAY_ENV})
        ratio = ray_wall / local_wall
        verdict = "PASS" if ratio <= TARGET_RATIO else "FAIL"
        print(f"ray, 2 CPUs, cold: {ray_wall:.1f} s   ({' '.join(ray_cmd[1:])})")
        print(f"ray / local: {ratio:.3f}   target <= {TARGET_RATIO}  {verdict}")
        same = (scratch / "ray" / "book.mp3").read_bytes() == (
            scratch / "local" / "book.mp3"
        ).read_bytes()
        print(f"ray and local MP3 byte-identical: {same}")
        os.killpg(head.pid, signal.SIGKILL)
        head.wait()
        head = None

        # The driver's share: join, tag and sidecars of one book from a full cache.
        for name in ("book.mp3", "book.chapters.json", "book.vtt", "book.srt"):
            (scratch / "local" / name).unlink()
        join_s, join_cpu = timed(local_cmd)
        jobs = plan_chapters(book, "pyttsx3", scratch / "plan")
        # Per chapter: the Ray build's driver CPU less a join's, or storing the chapters in a
        # fresh cache directly if that is more (the subtraction drowns in noise on a busy machine).
        store_s = max((ray_driver_cpu - join_cpu) / len(jobs), store_seconds(scratch / "local"))
        print(
            f"driver: join/tag/sidecars per book {join_s:.2f} s (rebuild from a full cache); "
            f"per chapter {store_s * 1000:.0f} ms (receive, check and store)"
        )

        words = [sum(len(t.split()) for t, _ in job.utterances) for job in jobs]
        espeak_rate, espeak_runs = seconds_per_word(jobs, args.engine_samples, scratch)
        piper_jobs = plan_chapters(book, "piper", scratch / "plan")
        piper_rate, piper_runs = seconds_per_word(piper_jobs, args.piper_samples, scratch)
        overhead = task_overhead(espeak_runs + piper_runs)
        print(f"render, fresh process, 1 thread: espeak-ng {espeak_rate * 1000:.2f} ms/word "
              f"({espeak_runs}); piper {piper_rate * 1000:.2f} ms/word ({piper_runs}); "
              f"per-task start-up {overhead:.2f} s")  # fmt: skip

        table = []
        nodes = [int(n) for n in args.nodes.split(",")]
        print(f"\nbacklist of {args.books} books of {len(jobs)} chapters ({sum(words)} words), "
              f"nodes of {args.cores_per_node} cores, one driver:")  # fmt: skip
        print("engine    nodes   wall        driver busy")
        for engine, rate in (("espeak-ng", espeak_rate), ("piper", piper_rate)):
            seconds = [overhead + rate * w for w in words]
            render_total = args.books * sum(seconds)
            driver_total = args.books * (join_s + store_s * len(jobs))
            # Driver-bound once the render time per slot falls below the driver's own work.
            bound = render_total / (args.cores_per_node * driver_total)
            for count in nodes:
                wall, busy = simulate(
                    seconds, args.books, count * args.cores_per_node, store_s, join_s
                )
                table.append({"engine": engine, "nodes": count, "wall_s": round(wall),
                              "driver_busy": round(busy, 2)})  # fmt: skip
                print(f"{engine:9s} {count:5d}   {wall / 3600:7.2f} h   {busy:6.0%}")
            print(f"{engine:9s} driver becomes the bottleneck from ~{bound:.0f} nodes")
            summary[f"{engine}_driver_bound_nodes"] = round(bound, 1)
        summary.update(
            local_s=round(local_wall, 1), ray_s=round(ray_wall, 1), ratio=round(ratio, 3),
            ray_start_s=round(ray_start, 1), identical=same, join_s=round(join_s, 2),
            store_s=round(store_s, 4), espeak_s_per_word=espeak_rate,
            piper_s_per_word=piper_rate, task_overhead_s=round(overhead, 2),
            espeak_runs=espeak_runs, piper_runs=piper_runs,
            table=table, load_after=os.getloadavg(),
        )  # fmt: skip
        print(f"\nsummary: {json.dumps(summary)}")
        return 0 if verdict == "PASS" else 1
    finally:
        if head is not None:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
