"""The `narrate` command: parse options, call the library, print. Nothing else lives here."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import click

from narrate.errors import NarrateError

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


class _Group(click.Group):
    """Turns every failure into one line on stderr and an exit code: never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NarrateError as exc:
            _fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            _fail(
                "interrupted; finished chapters are kept and the next build resumes",
                EXIT_INTERRUPTED,
            )
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:  # `narrate voices | head`: the reader has what it wanted
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so the exit flush is silent
            sys.exit(0)
        except OSError as exc:  # a full disk, a vanished folder: the file and the reason
            where = f"{exc.filename}: " if exc.filename else ""
            _fail(f"{where}{exc.strerror or exc}", 1)
        except Exception as exc:  # a bug: still one line, with a way to see more
            if os.environ.get("NARRATE_DEBUG"):
                raise
            _fail(
                f"internal error: {type(exc).__name__}: {exc} (NARRATE_DEBUG=1 shows more)",
                EXIT_INTERNAL,
            )


def _fail(message: str, code: int) -> None:
    click.echo(f"narrate: {message}", err=True)
    sys.exit(code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="narrate")
def cli() -> None:
    """Turn essays into spoken, chaptered, podcast-ready episodes, offline."""


def _script_paths(paths: tuple[str, ...]) -> list[Path]:
    return [Path(p) for p in paths]


@cli.command()
@click.argument("script")
@click.option("--spoken", is_flag=True, help="Also show exactly what will be said.")
@click.option("--lexicon", default=None, help="Pronunciations file (default: beside the essay).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def chapters(script: str, spoken: bool, lexicon: str | None, as_json: bool) -> None:
    """List the chapters SCRIPT will be split into.

    Example: narrate chapters script/essay.txt --spoken
    """
    from narrate.build import lexicon_for
    from narrate.chapters import split_chapters
    from narrate.script import read_script
    from narrate.speech import Pauses, chapter_sentences

    essay = read_script(Path(script))
    outline = split_chapters(essay)
    entries = lexicon_for(essay, Path(lexicon) if lexicon else None) if spoken else None
    rows: list[dict[str, Any]] = []
    for chapter in outline.chapters:
        row = {"index": chapter.index, "title": chapter.title, "words": chapter.words,
               "minutes": round(chapter.minutes, 1)}  # fmt: skip
        if spoken:
            row["spoken"] = [s.spoken for s in chapter_sentences(chapter, Pauses(), entries)]
        rows.append(row)
    if as_json:
        click.echo(json.dumps({"title": outline.title, "chapters": rows}, ensure_ascii=False))
        return
    click.echo(outline.title)
    for row in rows:
        size = f"{row['words']} words, ~{row['minutes']} min"
        click.echo(f"{row['index']:>3}  {row['title']}  ({size})")
        for line in row.get("spoken", []):
            click.echo(f"       {line}")


_PAUSE = click.IntRange(0, 10_000)
_CONFIG_HELP = "Settings file (default: ./narrate.toml)."


@cli.command()
@click.argument("scripts", nargs=-1, required=True)
@click.option("--out", "out_dir", default="audio_out", show_default=True, help="Output folder.")
@click.option("--config", "config_file", default=None, help=_CONFIG_HELP)
@click.option("--engine", default=None, help="pyttsx3 (espeak-ng, the default) or piper.")
@click.option("--voice", default=None, help="Voice id (see `narrate voices`).")
@click.option("--voice-dir", "voice_dirs", multiple=True, help="A folder of Piper voices.")
@click.option("--rate", default=None, type=int, help="Words per minute, 80-450 (default 175).")
@click.option(
    "--bitrate",
    default=None,
    type=click.Choice(["32", "40", "48", "56", "64", "80", "96", "112", "128", "160", "192"]),
    help="MP3 bitrate in kbps (default 64).",
)
@click.option(
    "--jobs",
    "-j",
    default=None,
    type=click.IntRange(min=0),
    help="Chapters made at once. Default: one per core.",
)
@click.option(
    "--chapter",
    "remake",
    multiple=True,
    type=click.IntRange(min=1),
    help="Make chapter N again even if cached (repeatable).",
)
@click.option("--force", is_flag=True, help="Make every chapter again.")
@click.option("--lexicon", default=None, help="Pronunciations file (default: beside the essay).")
@click.option(
    "--format",
    "formats",
    default=None,
    help="Comma-separated: mp3 (podcast, default), m4b (audiobooks), chapter-mp3 (per chapter).",
)
@click.option(
    "--cache-dir", default=None, help="Chapter cache folder. Default: OUT/.narrate-cache."
)
@click.option("--sentence-pause", type=_PAUSE, help="ms after a sentence (350).")
@click.option("--paragraph-pause", type=_PAUSE, help="ms after a paragraph (800).")
@click.option("--title-pause", type=_PAUSE, help="ms after a title (1000).")
@click.option("--chapter-pause", type=_PAUSE, help="ms after a chapter (1600).")
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default=None,
    help="Where chapters are made: local processes (default) or a Ray cluster.",
)
@click.option("--ray-address", default=None, help="Ray cluster HOST:PORT (default: RAY_ADDRESS).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def build(scripts: tuple[str, ...], config_file: str | None, as_json: bool, **flags: Any) -> None:
    """Build SCRIPTS into chaptered MP3s in the output folder.

    Only chapters whose text or settings changed since the last build are spoken again. Settings
    not given as flags come from narrate.toml (./narrate.toml, or --config).

    Example: narrate build script/essay.txt --out audio_out --rate 180
    """
    from narrate.build import build as run_build
    from narrate.settings import build_options, read_config, voice_dirs

    config = read_config(config_file)
    _use_voice_dirs(voice_dirs(config, flags.pop("voice_dirs")))
    options = build_options(config, flags)
    if options.executor == "ray":  # an unreachable cluster fails before anything is written
        from narrate.render.cluster import check_reachable

        check_reachable(options.ray_address)
    show_bar = not as_json and sys.stderr.isatty()
    progress = _ProgressBar() if show_bar else None
    reports = run_build(_script_paths(scripts), options, on_progress=progress, warn=_warn)
    if progress:
        progress.finish()
    if as_json:
        click.echo(
            json.dumps({"episodes": [_episode_json(r) for r in reports]}, ensure_ascii=False)
        )
        return
    for report in reports:
        reused = len(report.chapters) - report.synthesized
        if not report.written:
            click.echo(f"{report.output}: up to date, nothing was made")
            continue
        click.echo(
            f"{report.output}: {len(report.chapters)} chapters, {_clock(report.duration_ms)}; "
            f"{report.synthesized} made, {reused} reused from the cache"
        )


def _episode_json(report: Any) -> dict[str, Any]:
    return {
        "script": str(report.script),
        "output": str(report.output),
        "duration_ms": report.duration_ms,
        "files": [str(path) for path in report.files],
        "chapters": [
            {"index": c.index, "title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms,
             "synthesized": c.synthesized}
            for c in report.chapters
        ],
    }  # fmt: skip


@cli.command()
@click.option(
    "--engine", default="pyttsx3", show_default=True, help="pyttsx3 (espeak-ng) or piper."
)
@click.option("--voice-dir", "voice_dirs", multiple=True, help="A folder of Piper voices.")
@click.option("--config", "config_file", default=None, help=_CONFIG_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def voices(
    engine: str, voice_dirs: tuple[str, ...], config_file: str | None, as_json: bool
) -> None:
    """List the voices an engine offers.

    Example: narrate voices --engine piper --voice-dir ~/voices
    """
    from narrate.engines import engine_kind
    from narrate.settings import read_config
    from narrate.settings import voice_dirs as configured_dirs

    _use_voice_dirs(configured_dirs(read_config(config_file), voice_dirs))
    kind = engine_kind(engine)
    details = getattr(kind, "voice_details", None)
    if details is not None:
        rows = details()
    else:
        rows = [{"id": v.id, "name": v.name, "languages": list(v.languages)} for v in kind.voices()]
    if as_json:
        click.echo(json.dumps({"voices": rows}, ensure_ascii=False))
        return
    for row in rows:
        fields = [row[k] for k in row if k not in ("id", "path") and row[k]]
        text = [", ".join(map(str, f)) if isinstance(f, list) else str(f) for f in fields]
        click.echo(f"{row['id']:<28} {'  '.join(text)}")


def _use_voice_dirs(voice_dirs: tuple[str, ...]) -> None:
    if voice_dirs:
        from narrate.engines import piper

        piper.set_voice_dirs(voice_dirs)


@cli.command()
@click.argument("out_dir", default="audio_out")
@click.option("--config", "config_file", default=None, help=_CONFIG_HELP)
def feed(out_dir: str, config_file: str | None) -> None:
    """Write OUT_DIR/feed.xml listing every episode built there.

    Needs [podcast] base_url in narrate.toml: where OUT_DIR is uploaded.

    Example: narrate feed audio_out
    """
    from narrate.podcast import write_feed
    from narrate.settings import read_config

    folder = Path(out_dir)
    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder")
    click.echo(str(write_feed(folder, read_config(config_file).podcast)))


@cli.group()
def cache() -> None:
    """Inspect or tidy the chapter cache."""


def _cache_options(func: Any) -> Any:
    func = click.option("--cache-dir", default=None, help="Default: OUT/.narrate-cache.")(func)
    return click.option("--out", "out_dir", default="audio_out", show_default=True)(func)


@cache.command("stats")
@_cache_options
@click.option("--json", "as_json", is_flag=True)
def cache_stats(out_dir: str, cache_dir: str | None, as_json: bool) -> None:
    """Entries, size, and how many the latest builds use.

    Example: narrate cache stats --out audio_out
    """
    from narrate.maintenance import cache_stats as stats

    result = stats(_cache_root(out_dir, cache_dir))
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(
        f"{result['root']}: {result['entries']} chapters, {result['bytes'] / 1e6:.1f} MB; "
        f"{result['in_use']} used by current builds, {result['unused']} unused"
    )


@cache.command("clean")
@_cache_options
def cache_clean(out_dir: str, cache_dir: str | None) -> None:
    """Drop entries that no current build uses, and leftovers of killed builds.

    Example: narrate cache clean --out audio_out
    """
    from narrate.maintenance import clean_cache

    removed, freed = clean_cache(_cache_root(out_dir, cache_dir))
    click.echo(f"removed {removed} entries, freed {freed / 1e6:.1f} MB")


def _cache_root(out_dir: str, cache_dir: str | None) -> Path:
    from narrate.build import CACHE_FOLDER

    return Path(cache_dir) if cache_dir else Path(out_dir) / CACHE_FOLDER


def _warn(message: str) -> None:
    click.echo(f"narrate: warning: {message}", err=True)


def _clock(ms: int) -> str:
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class _ProgressBar:
    """Chapters done / total and time elapsed, redrawn in place on stderr."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        elapsed = round(time.monotonic() - self._start)
        bar = "#" * filled + "-" * (width - filled)
        sys.stderr.write(
            f"\rspeaking [{bar}] {done}/{total} chapters  {elapsed // 60}:{elapsed % 60:02d}"
        )
        sys.stderr.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            sys.stderr.write("\n")


def main() -> None:
    cli(prog_name="narrate")
