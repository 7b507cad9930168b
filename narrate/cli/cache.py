"""`narrate cache stats` and `narrate cache clean`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click


@click.group()
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
    from narrate.render.upkeep import cache_stats as stats

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
    from narrate.render.upkeep import clean_cache

    removed, freed = clean_cache(_cache_root(out_dir, cache_dir))
    click.echo(f"removed {removed} entries, freed {freed / 1e6:.1f} MB")


def _cache_root(out_dir: str, cache_dir: str | None) -> Path:
    from narrate.settings.resolve import CACHE_FOLDER

    return Path(cache_dir) if cache_dir else Path(out_dir) / CACHE_FOLDER
