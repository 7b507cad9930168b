"""The `narrate` command: parse options, call the library, print. One module per group of
commands; nothing else lives here."""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import sys

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
    """The `narrate` command. Once it is done and everything registered to run at exit has run,
    it leaves without taking the interpreter apart object by object (~40 ms after a build, a
    twentieth of a one-chapter rebuild of the essay), as mypy does."""
    atexit.register(_leave, _EXIT_CODE)  # registered first: runs last
    _name_the_main_module()
    try:
        cli(prog_name="narrate")
    except SystemExit as exc:
        _EXIT_CODE[0] = exc.code
        raise
    _EXIT_CODE[0] = 0


def _name_the_main_module() -> None:
    """Started as the `narrate` script, the main module has no name to import it by, so
    multiprocessing runs the script again in every worker it starts (importing click and every
    command: ~45 ms before a worker takes its first chapter). Named as `python -m narrate`
    names it, it is left alone: workers need nothing from it."""
    main_module = sys.modules.get("__main__")
    if main_module is not None and getattr(main_module, "__spec__", None) is None:
        main_module.__spec__ = importlib.util.find_spec("narrate.__main__")


_EXIT_CODE: list[object] = [1]
"""What the command exits with: its sys.exit code (click's commands all end so), 0 if it
returns, 1 if an exception escapes (Python has printed it by then)."""


def _leave(code: list[object]) -> None:
    status = code[0]
    if isinstance(status, str):  # sys.exit("message"): what Python itself would do
        print(status, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed pipe: nothing left to say there
            stream.flush()
    os._exit(status if isinstance(status, int) else 0 if status is None else 1)
