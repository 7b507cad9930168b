"""`narrate feed` and `narrate site`: the show's published files."""

from __future__ import annotations

from pathlib import Path

import click

from narrate.cli.common import CONFIG_HELP
from narrate.console import warn


@click.command()
@click.argument("out_dir", default="audio_out")
@click.option("--config", "config_file", default=None, help=CONFIG_HELP)
def feed(out_dir: str, config_file: str | None) -> None:
    """Write OUT_DIR/feed.xml listing every episode built there (and the website beside it).

    Needs [podcast] base_url in narrate.toml: where OUT_DIR is uploaded.

    Example: narrate feed audio_out
    """
    from narrate.podcast.publish import write_feed
    from narrate.settings.resolve import read_config

    folder = Path(out_dir)
    if not folder.is_dir():
        raise click.ClickException(f"{folder}: no such folder")
    click.echo(str(write_feed(folder, read_config(config_file).podcast, warn)))


@click.command()
@click.argument("out_dir", default="audio_out")
@click.option("--config", "config_file", default=None, help=CONFIG_HELP)
def site(out_dir: str, config_file: str | None) -> None:
    """Write the show's website into OUT_DIR: index.html and a page per episode, with the feed.

    Without [podcast] base_url in narrate.toml, a preview to open from disk.

    Example: narrate site audio_out
    """
    from narrate.podcast.publish import write_website
    from narrate.settings.resolve import read_config

    click.echo(str(write_website(Path(out_dir), read_config(config_file).podcast, warn)))
