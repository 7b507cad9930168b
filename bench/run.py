"""Benchmark narrate against the floor (espeak-ng straight into ffmpeg), in one run.

    run.py [--runs 3] [--book-runs 1] [--skip-book] [--jobs N] [--narrate PATH]

Prints the machine, a table of figures with their targets and PASS/FAIL, then a JSON summary.
Every command is timed by wall clock as a subprocess; figures are medians over the runs.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import floor  # noqa: E402
import make_book  # noqa: E402

ESSAY = BENCH.parent / "script" / "the-lighthouse-keeper.txt"
ESSAY_EDIT_CHAPTER = 3
BOOK_EDIT_CHAPTER = 30
BOOK_CHAPTERS = 60
BOOK_WORDS = 100_000
POLL_S = 0.1
LONG_CHAPTER_WORDS = 31_500  # three hours at 175 words a minute
AUDIO_LIBRARIES = {
    "pydub", "pyttsx3", "espeakng_loader", "imageio_ffmpeg", "mutagen", "PIL", "piper",
    "onnxruntime", "numpy", "lameenc", "audioop",
}  # fmt: skip

# Runs COMMAND, then writes its wall time, exit code and RUSAGE_CHILDREN ru_maxrss (the largest
# RSS of any descendant that was waited for) to OUT. A fresh process, so nothing else is counted.
_WRAPPER = """
import json, resource, subprocess, sys, time
out, command = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
done = subprocess.run(command, stdout=subprocess.PIPE)
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
with open(out, "w") as handle:
    json.dump({"elapsed_s": elapsed, "maxrss_kb": usage.ru_maxrss, "rc": done.returncode}, handle)
sys.stdout.buffer.write(done.stdout)
"""


def at_most(name: str, value: float, limit: float, unit: str, digits: int) -> Figure:
    """A figure with an upper bound as its target."""
    return Figure(name, round(value, digits), unit, f"<= {limit}", value <= limit)


@dataclass
class Measured:
    """One command's wall time, output and memory peaks."""

    elapsed_s: float
    stdout: str
    rusage_max_mb: float
    """RUSAGE_CHILDREN ru_maxrss of the wrapper: the largest waited-for descendant."""
    polled_max_mb: float
    """The largest VmHWM seen by polling /proc for every process under the wrapper."""
    polled_max_name: str

    @property
    def peak_mb(self) -> float:
        return max(self.rusage_max_mb, self.polled_max_mb)

    def json(self) -> dict:
        return json.loads(self.stdout)


class TreeWatcher(threading.Thread):
    """Polls /proc for the processes under `root` and keeps each one's VmHWM (peak RSS)."""

    def __init__(self, root: int) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.peaks: dict[int, tuple[int, str]] = {}
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.sample()
            self._stop_event.wait(POLL_S)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def sample(self) -> None:
        for pid in self._descendants():
            status = _read(f"/proc/{pid}/status")
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if "VmHWM" not in fields:
                continue
            kb = int(fields["VmHWM"].split()[0])
            name = fields.get("Name", "?").strip()
            if kb > self.peaks.get(pid, (0, ""))[0]:
                self.peaks[pid] = (kb, name)

    def _descendants(self) -> list[int]:
        found: list[int] = []
        stack = [self.root]
        while stack:
            pid = stack.pop()
            for task in _listdir(f"/proc/{pid}/task"):
                for child in _read(f"/proc/{pid}/task/{task}/children").split():
                    found.append(int(child))
                    stack.append(int(child))
        return found

    def largest(self) -> tuple[float, str]:
        if not self.peaks:
            return 0.0, ""
        kb, name = max(self.peaks.values())
        return kb / 1024, name


def _read(path: str) -> str:
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return ""


def _listdir(path: str) -> list[str]:
    try:
        return os.listdir(path)
    except OSError:
        return []


def measure(command: list[str], scratch: Path, watch: bool = False) -> Measured:
    """Run `command` under a fresh wrapper process; fail loudly if it fails. With `watch`, the
    processes under it are polled for their peak memory: a run that is timed is not watched
    (the polling takes CPU from a build that keeps every core busy, ~3% of the essay's cold
    build, and none from the floor, which leaves a core idle)."""
    report = scratch / f"measure-{time.monotonic_ns()}.json"
    wrapper = subprocess.Popen(
        [sys.executable, "-c", _WRAPPER, str(report), *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    watcher = TreeWatcher(wrapper.pid)
    if watch:
        watcher.start()
    stdout, stderr = wrapper.communicate()
    if watch:
        watcher.stop()
    result = json.loads(report.read_text())
    report.unlink()
    if result["rc"] != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited {result['rc']}: {stderr.decode(errors='replace')[-800:]}"
        )
    polled_mb, polled_name = watcher.largest()
    return Measured(
        elapsed_s=result["elapsed_s"],
        stdout=stdout.decode(),
        rusage_max_mb=result["maxrss_kb"] / 1024,
        polled_max_mb=polled_mb,
        polled_max_name=polled_name,
    )


@dataclass
class Figure:
    """One line of the table."""

    name: str
    value: float | str
    unit: str
    target: str
    passed: bool | None
    """None: informational, no target."""


@dataclass
class Section:
    """Figures of one input (essay or book), and the raw per-run numbers behind them."""

    figures: list[Figure] = field(default_factory=list)
    runs: dict[str, list[float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add_run(self, key: str, value: float) -> None:
        self.runs.setdefault(key, []).append(round(value, 3))

    def median(self, key: str) -> float:
        return statistics.median(self.runs[key])


class Bench:
    """The benchmark's settings and shared helpers."""

    def __init__(self, narrate: str, jobs: int | None, scratch: Path) -> None:
        self.narrate = narrate
        self.jobs = jobs
        self.scratch = scratch

    def build(self, script: Path, out: Path, watch: bool = False) -> Measured:
        command = [self.narrate, "build", str(script), "--out", str(out), "--json"]
        if self.jobs:
            command += ["--jobs", str(self.jobs)]
        return measure(command, self.scratch, watch)

    def floor(self, script: Path, out: Path) -> Measured:
        command = [sys.executable, str(BENCH / "floor.py"), str(script), str(out), "--no-check"]
        return measure(command, self.scratch)

    def heavy_imports(self, script: Path, out: Path) -> list[str]:
        """The audio and speech libraries a build imports (for a no-op rebuild: none)."""
        python = Path(self.narrate).with_name("python")
        done = subprocess.run(
            [str(python if python.exists() else sys.executable), "-X", "importtime",
             "-m", "narrate", "build", str(script), "--out", str(out), "--json"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        imported = {
            line.rsplit("|", 1)[-1].strip().split(".")[0]
            for line in done.stderr.splitlines()
            if line.startswith("import time:")
        }
        return sorted(imported & AUDIO_LIBRARIES)

    def chapter_titles(self, script: Path) -> list[str]:
        done = subprocess.run(
            [self.narrate, "chapters", str(script), "--json"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [c["title"] for c in json.loads(done.stdout)["chapters"]]


def synthesized(measured: Measured) -> list[int]:
    """Indices of the chapters that a build spoke (rather than took from the cache)."""
    episode = measured.json()["episodes"][0]
    return [c["index"] for c in episode["chapters"] if c["synthesized"]]


def chapter_count(measured: Measured) -> int:
    return len(measured.json()["episodes"][0]["chapters"])


def words_in(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").split())


def check_floor(section: Section, mp3: Path, words: int, label: str) -> None:
    """Record whether the floor's MP3 lasts about as long as its words take at 175 wpm."""
    duration = floor.mp3_duration_s(mp3)
    verdict = floor.check(words, duration, floor.WORDS_PER_MINUTE)
    section.figures.append(
        Figure(
            f"{label} floor MP3 duration / (words at 175 wpm)",
            round(verdict["ratio"], 3),
            "x",
            "0.5-1.5",
            bool(verdict["plausible"]),
        )
    )
    section.notes.append(f"{label} floor MP3: {duration:.1f} s, estimate {verdict['expected_s']} s")


def ratio(a: float, b: float) -> float:
    return a / b if b else float("inf")


def essay_section(bench: Bench, runs: int) -> Section:
    """Floor, cold build, one-chapter rebuild and no-op rebuild of the sample essay."""
    section = Section()
    words = words_in(ESSAY)
    edits_ok = True
    noops_ok = True
    cold_ok = True
    heavy_imports: list[str] = []
    for run in range(runs):
        folder = bench.scratch / f"essay-{run}"
        folder.mkdir()
        script = folder / ESSAY.name
        shutil.copyfile(ESSAY, script)
        floor_run = bench.floor(script, folder / "floor.mp3")
        cold = bench.build(script, folder / "out")
        section.add_run("floor_s", floor_run.elapsed_s)
        section.add_run("cold_s", cold.elapsed_s)
        section.add_run("cold_over_floor", ratio(cold.elapsed_s, floor_run.elapsed_s))
        cold_ok &= len(synthesized(cold)) == chapter_count(cold)
        if run == 0:
            check_floor(section, folder / "floor.mp3", words, "essay")
        heading = bench.chapter_titles(script)[ESSAY_EDIT_CHAPTER - 1]
        text = script.read_text(encoding="utf-8")
        script.write_text(make_book.edit_sentence(text, heading), encoding="utf-8")
        rebuild = bench.build(script, folder / "out")
        section.add_run("rebuild_s", rebuild.elapsed_s)
        section.add_run("rebuild_over_cold", ratio(rebuild.elapsed_s, cold.elapsed_s))
        edits_ok &= synthesized(rebuild) == [ESSAY_EDIT_CHAPTER]
        noop = bench.build(script, folder / "out")
        section.add_run("noop_s", noop.elapsed_s)
        noops_ok &= synthesized(noop) == []
        if run == 0:
            heavy_imports = bench.heavy_imports(script, folder / "out")
            # memory from a cold build of its own, watched (the timed ones are not)
            shutil.rmtree(folder / "out")
            section.add_run("peak_mb", bench.build(script, folder / "out", watch=True).peak_mb)
        shutil.rmtree(folder)

    floor_s, cold_s = section.median("floor_s"), section.median("cold_s")
    rebuild_s, noop_s = section.median("rebuild_s"), section.median("noop_s")
    section.runs["words"] = [words]
    section.figures[:0] = [
        Figure("essay words", words, "", "", None),
        Figure("essay floor time", round(floor_s, 2), "s", "", None),
        Figure("essay cold build time", round(cold_s, 2), "s", "", None),
        Figure("essay cold build: every chapter synthesized", str(cold_ok), "", "True", cold_ok),
        at_most("essay cold / floor", ratio(cold_s, floor_s), 0.8, "x", 3),
        Figure(
            f"essay rebuild after editing chapter {ESSAY_EDIT_CHAPTER}",
            round(rebuild_s, 2),
            "s",
            "",
            None,
        ),
        at_most("essay rebuild / cold", ratio(rebuild_s, cold_s), 0.2, "x", 3),
        Figure(
            f"essay rebuild synthesized only chapter {ESSAY_EDIT_CHAPTER}",
            str(edits_ok),
            "",
            "True",
            edits_ok,
        ),
        at_most("essay no-op rebuild time", noop_s, 0.15, "s", 3),
        Figure("essay no-op rebuild synthesized nothing", str(noops_ok), "", "True", noops_ok),
        Figure(
            "essay no-op rebuild imports no audio or speech library",
            ", ".join(heavy_imports) or "none",
            "",
            "none",
            not heavy_imports,
        ),
        Figure(
            "essay cold build peak RSS (largest process)",
            round(section.median("peak_mb"), 1),
            "MB",
            "",
            None,
        ),
    ]
    return section


def book_section(bench: Bench, runs: int, essay: Section | None) -> Section:
    """Floor, cold build, one-chapter rebuild and memory of a generated 60-chapter book."""
    section = Section()
    text = make_book.make_book(BOOK_CHAPTERS, BOOK_WORDS, seed=1)
    words = len(text.split())
    cold_ok = True
    edits_ok = True
    largest = ""
    for run in range(runs):
        folder = bench.scratch / f"book-{run}"
        folder.mkdir()
        script = folder / "generated-book.txt"
        script.write_text(text, encoding="utf-8")
        floor_run = bench.floor(script, folder / "floor.mp3")
        section.add_run("floor_s", floor_run.elapsed_s)
        if run == 0:
            check_floor(section, folder / "floor.mp3", words, "book")
        (folder / "floor.mp3").unlink()
        cold = bench.build(script, folder / "out")
        section.add_run("cold_s", cold.elapsed_s)
        cold_ok &= len(synthesized(cold)) == chapter_count(cold) == BOOK_CHAPTERS + 1
        script.write_text(make_book.edit_book(text, BOOK_EDIT_CHAPTER), encoding="utf-8")
        rebuild = bench.build(script, folder / "out")
        section.add_run("rebuild_s", rebuild.elapsed_s)
        edits_ok &= synthesized(rebuild) == [BOOK_EDIT_CHAPTER]
        shutil.rmtree(folder)

    # memory from a cold build and a rebuild of their own, watched (the timed ones are not)
    folder = bench.scratch / "book-memory"
    folder.mkdir()
    script = folder / "generated-book.txt"
    script.write_text(text, encoding="utf-8")
    cold = bench.build(script, folder / "out", watch=True)
    script.write_text(make_book.edit_book(text, BOOK_EDIT_CHAPTER), encoding="utf-8")
    rebuild = bench.build(script, folder / "out", watch=True)
    peak = max((cold, rebuild), key=lambda m: m.peak_mb)
    section.add_run("peak_mb", peak.peak_mb)
    section.add_run("peak_rusage_mb", max(cold.rusage_max_mb, rebuild.rusage_max_mb))
    section.add_run("peak_polled_mb", max(cold.polled_max_mb, rebuild.polled_max_mb))
    largest = peak.polled_max_name if peak.polled_max_mb >= peak.rusage_max_mb else "(rusage)"
    shutil.rmtree(folder)

    floor_s, cold_s, rebuild_s = (section.median(k) for k in ("floor_s", "cold_s", "rebuild_s"))
    peak_mb = section.median("peak_mb")
    section.runs["words"] = [words]
    section.figures[:0] = [
        Figure(f"book words ({BOOK_CHAPTERS} headed chapters + opening)", words, "", "", None),
        Figure("book floor time", round(floor_s, 1), "s", "", None),
        Figure("book cold build time", round(cold_s, 1), "s", "", None),
        Figure("book cold build: every chapter synthesized", str(cold_ok), "", "True", cold_ok),
        at_most("book cold / floor", ratio(cold_s, floor_s), 0.6, "x", 3),
        Figure(
            f"book rebuild after editing chapter {BOOK_EDIT_CHAPTER}",
            round(rebuild_s, 2),
            "s",
            "",
            None,
        ),
        at_most("book rebuild / cold", ratio(rebuild_s, cold_s), 0.02, "x", 4),
        Figure(
            f"book rebuild synthesized only chapter {BOOK_EDIT_CHAPTER}",
            str(edits_ok),
            "",
            "True",
            edits_ok,
        ),
        at_most(f"book peak RSS, largest process ({largest})", peak_mb, 150, "MB", 1),
    ]
    if essay is not None:
        essay_per_word = essay.median("cold_s") / essay.runs["words"][0]
        book_per_word = cold_s / words
        per_word = ratio(book_per_word, essay_per_word)
        section.figures.append(
            at_most("time per word, book / essay (cold builds)", per_word, 1.2, "x", 3)
        )
        section.runs["ms_per_word"] = [
            round(book_per_word * 1000, 3),
            round(essay_per_word * 1000, 3),
        ]
    return section


def long_chapter_section(bench: Bench) -> Section:
    """Peak memory of a cold build of one three-hour chapter: it must not grow with length."""
    section = Section()
    folder = bench.scratch / "long"
    folder.mkdir()
    script = folder / "long-chapter.txt"
    # the untitled opening is one paragraph; the one headed chapter holds the rest
    script.write_text(make_book.make_book(1, LONG_CHAPTER_WORDS, seed=3), encoding="utf-8")
    cold = bench.build(script, folder / "out", watch=True)
    longest = max(c["end_ms"] - c["start_ms"] for c in cold.json()["episodes"][0]["chapters"])
    section.add_run("long_chapter_s", longest / 1000)
    section.add_run("long_peak_mb", cold.peak_mb)
    section.add_run("long_cold_s", cold.elapsed_s)
    shutil.rmtree(folder)
    section.figures = [
        Figure("long chapter: its audio", round(longest / 60000, 1), "min", "", None),
        Figure("long chapter: cold build time", round(cold.elapsed_s, 1), "s", "", None),
        at_most(
            f"long chapter peak RSS, largest process ({cold.polled_max_name})",
            cold.peak_mb, 150, "MB", 1,
        ),  # fmt: skip
    ]
    return section


def machine() -> dict[str, str]:
    """What this ran on."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in _read("/proc/cpuinfo").splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": nproc,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_at_start": " ".join(_read("/proc/loadavg").split()[:3]),
    }


def print_table(figures: list[Figure]) -> None:
    width = max(len(f.name) for f in figures)
    print(f"{'figure':<{width}}  {'value':>12}  {'target':<24}  result")
    print("-" * (width + 50))
    for f in figures:
        value = f"{f.value} {f.unit}".strip()
        result = "" if f.passed is None else ("PASS" if f.passed else "FAIL")
        print(f"{f.name:<{width}}  {value:>12}  {f.target:<24}  {result}")


def compile_narrate(command: str) -> str:
    """Compile narrate's modules to bytecode, as `pip install` does: an editable install (or a
    Python run with PYTHONDONTWRITEBYTECODE) would otherwise compile them in every process of
    every run, ~0.05-0.1 s that no installed copy pays. Returns what was done, for the log."""
    python = sys.executable
    with open(shutil.which(command) or command, "rb") as script:
        first = script.readline()
    if first.startswith(b"#!") and b"python" in first:
        python = first[2:].decode().strip().split()[0]
    code = "import compileall, narrate; print(compileall.compile_dir(narrate.__path__[0], quiet=1))"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return "compiled" if done.stdout.strip() == "True" else f"not compiled ({done.stderr.strip()})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="essay runs (medians are reported)")
    parser.add_argument("--book-runs", type=int, default=1)
    parser.add_argument("--skip-book", action="store_true")
    parser.add_argument("--skip-long", action="store_true", help="skip the 3-hour chapter")
    parser.add_argument("--jobs", type=int, help="pass --jobs N to narrate (default: its own)")
    parser.add_argument(
        "--narrate",
        default=shutil.which("narrate", path=str(Path(sys.executable).parent)) or "narrate",
        help="the narrate command (default: the one beside this Python)",
    )
    args = parser.parse_args(argv)

    info = machine()
    info["bytecode"] = compile_narrate(args.narrate)
    print("machine: " + ", ".join(f"{k}={v}" for k, v in info.items()), flush=True)
    scratch = Path(tempfile.mkdtemp(prefix="narrate-bench-"))
    started = time.perf_counter()
    try:
        bench = Bench(args.narrate, args.jobs, scratch)
        essay = essay_section(bench, args.runs)
        sections = {"essay": essay}
        if not args.skip_book:
            sections["book"] = book_section(bench, args.book_runs, essay)
        if not args.skip_long:
            sections["long"] = long_chapter_section(bench)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    info["loadavg_at_end"] = " ".join(_read("/proc/loadavg").split()[:3])
    info["bench_wall_s"] = f"{time.perf_counter() - started:.0f}"

    figures = [f for s in sections.values() for f in s.figures]
    print(f"essay runs: {args.runs}" + ("" if args.skip_book else f", book runs: {args.book_runs}"))
    print_table(figures)
    for section in sections.values():
        for note in section.notes:
            print(f"note: {note}")
    print(
        "memory: peak RSS is the larger of the wrapper's RUSAGE_CHILDREN ru_maxrss and VmHWM of "
        f"every process under it, polled from /proc every {POLL_S} s"
    )
    summary = {
        "machine": info,
        "figures": [
            {"name": f.name, "value": f.value, "unit": f.unit, "target": f.target, "pass": f.passed}
            for f in figures
        ],
        "runs": {name: s.runs for name, s in sections.items()},
        "all_pass": all(f.passed for f in figures if f.passed is not None),
    }
    print("summary: " + json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
