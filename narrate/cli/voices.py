"""`narrate voices`."""

from __future__ import annotations

import json

import click

from narrate.cli.common import CONFIG_HELP, JSON_HELP


@click.command()
@click.option(
    "--engine", default="pyttsx3", show_default=True, help="pyttsx3 (espeak-ng) or piper."
)
@click.option("--voice-dir", "voice_dirs", multiple=True, help="A folder of Piper voices.")
@click.option("--config", "config_file", default=None, help=CONFIG_HELP)
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.option("--language", default=None, help="Only the voices for this language (BCP 47).")
def voices(
    engine: str,
    voice_dirs: tuple[str, ...],
    config_file: str | None,
    as_json: bool,
    language: str | None,
) -> None:
    """List the voices an engine offers, best first for --language.

    Example: narrate voices --language fr
    """
    from narrate.engines import engine_kind
    from narrate.settings.resolve import read_config
    from narrate.settings.resolve import voice_dirs as configured_dirs

    dirs = configured_dirs(read_config(config_file), {"voice_dirs": voice_dirs})
    kind = engine_kind(engine)
    details = getattr(kind, "voice_details", None)
    if details is not None:
        rows = details(dirs)
    else:
        rows = [
            {"id": v.id, "name": v.name, "languages": list(v.languages)} for v in kind.voices(dirs)
        ]
    if language is not None:
        from narrate.engines import voices_for_language
        from narrate.errors import EngineError
        from narrate.text.languages import check_tag

        tag = check_tag(language, "--language")
        found = [v.id for v in voices_for_language(kind.voices(dirs), tag)]
        rows = sorted((r for r in rows if r["id"] in found), key=lambda r: found.index(r["id"]))
        if not rows:
            raise EngineError(
                f"no {engine} voice speaks {language!r}; `narrate voices --engine {engine}` "
                "lists the voices and their languages"
            )
    if as_json:
        click.echo(json.dumps({"voices": rows}, ensure_ascii=False))
        return
    for row in rows:
        fields = [row[k] for k in row if k not in ("id", "path") and row[k]]
        text = [", ".join(map(str, f)) if isinstance(f, list) else str(f) for f in fields]
        click.echo(f"{row['id']:<28} {'  '.join(text)}")
