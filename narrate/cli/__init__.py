"""The `narrate` command: parse options, call the library, print. One module per group of
commands; nothing else lives here."""

from __future__ import annotations

import click

from narrate.cli.build import build
from narrate.cli.cache import cache
from narrate.cli.publishing import feed, site
from narrate.cli.reading import chapters, words
from narrate.cli.voices import voices
from narrate.console import OneLineErrors


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="narrate")
def cli() -> None:
    """Turn essays into spoken, chaptered, podcast-ready episodes, offline."""


for command in (chapters, words, build, voices, feed, site, cache):
    cli.add_command(command)


def main() -> None:
    cli(prog_name="narrate")
