"""`narrate build`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from narrate.audio.mp3 import DEFAULT_BITRATE, MP3_BITRATES
from narrate.cli.common import (
    CONFIG_HELP,
    INCLUDE_ALL_HELP,
    JSON_HELP,
    LANGUAGE_HELP,
    LEXICON_HELP,
    script_paths,
)
from narrate.console import warn
from narrate.engines import DEFAULT_RATE

if TYPE_CHECKING:
    from narrate.output import EpisodeReport
    from narrate.settings.resolve import BuildSettings

_PAUSE = click.IntRange(0, 10_000)


@click.command()
@click.argument("scripts", nargs=-1, required=True)
@click.option("--out", "out_dir", default="audio_out", show_default=True, help="Output folder.")
@click.option("--config", "config_file", default=None, help=CONFIG_HELP)
@click.option("--engine", default=None, help="pyttsx3 (espeak-ng, the default) or piper.")
@click.option("--voice", default=None, help="Voice id (see `narrate voices`).")
@click.option("--language", default=None, help=LANGUAGE_HELP)
@click.option("--voice-dir", "voice_dirs", multiple=True, help="A folder of Piper voices.")
@click.option(
    "--rate", default=None, type=int, help=f"Words per minute, 80-450 (default {DEFAULT_RATE})."
)
@click.option(
    "--bitrate",
    default=None,
    type=click.Choice([str(kbps) for kbps in MP3_BITRATES]),
    help=f"MP3 bitrate in kbps (default {DEFAULT_BITRATE}).",
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
@click.option("--lexicon", default=None, help=LEXICON_HELP)
@click.option(
    "--format",
    "formats",
    multiple=True,
    help="mp3 (podcast, default), m4b (audiobooks), chapter-mp3 (per chapter): comma-separated "
    "or repeated.",
)
@click.option(
    "--cache-dir", default=None, help="Chapter cache folder. Default: OUT/.narrate-cache."
)
@click.option("--sentence-pause", type=_PAUSE, help="ms after a sentence (350).")
@click.option("--paragraph-pause", type=_PAUSE, help="ms after a paragraph (800).")
@click.option("--title-pause", type=_PAUSE, help="ms after a title (1000).")
@click.option("--chapter-pause", type=_PAUSE, help="ms after a chapter (1600).")
@click.option("--include-all", is_flag=True, help=INCLUDE_ALL_HELP)
@click.option(
    "--executor",
    type=click.Choice(["local", "ray"]),
    default=None,
    help="Where chapters are made: local processes (default) or a Ray cluster.",
)
@click.option("--ray-address", default=None, help="Ray cluster HOST:PORT (default: RAY_ADDRESS).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
def build(scripts: tuple[str, ...], config_file: str | None, as_json: bool, **flags: Any) -> None:
    """Build SCRIPTS into chaptered MP3s in the output folder.

    Only chapters whose text or settings changed since the last build are spoken again. Settings
    not given as flags come from narrate.toml (./narrate.toml, or --config).

    Example: narrate build script/essay.txt --out audio_out --rate 180
    """
    from narrate.console import episode_json, episode_line
    from narrate.settings.resolve import build_settings, read_config
    from narrate.uptodate import unchanged_reports

    settings = build_settings(read_config(config_file), flags)
    paths = script_paths(scripts)
    reports = unchanged_reports(paths, settings, warn)  # told without loading the rest
    if reports is None:
        reports = _build(paths, settings, as_json)
    if as_json:
        click.echo(json.dumps({"episodes": [episode_json(r) for r in reports]}, ensure_ascii=False))
        return
    for report in reports:
        click.echo(episode_line(report))


def _build(paths: list[Path], settings: BuildSettings, as_json: bool) -> list[EpisodeReport]:
    from narrate.uptodate import built_before

    if settings.executor == "local":
        from narrate.render import server

        # What a chapter needs is loaded while the build is loaded and planned: by the workers'
        # server for a first build, which makes every chapter; by a fork of this process for a
        # rebuild, which most often makes one (an edit's) and needs no server.
        if built_before(paths, settings):
            server.fork_ahead()
        else:
            server.prestart()
    from narrate.build import build as run_build
    from narrate.console import ProgressBar

    if settings.executor == "ray":  # an unreachable cluster fails before anything is written
        from narrate.render.cluster import check_reachable

        check_reachable(settings.ray_address)
    progress = ProgressBar() if not as_json and sys.stderr.isatty() else None
    try:
        say = progress.warn if progress else warn
        return run_build(paths, settings, on_progress=progress, warn=say)
    finally:  # the bar's line ends before any message: an error, Ctrl-C, the summary
        if progress:
            progress.finish()
