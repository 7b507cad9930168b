"""What the terminal shows: every failure as one line; of a build, the progress bar, one line
per episode, and --json; of a document, what was not read."""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any

import click

from narrate.errors import NarrateError

if TYPE_CHECKING:
    from narrate.output import EpisodeReport
    from narrate.text.script import Script

EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70


class OneLineErrors(click.Group):
    """Turns every failure into one line on stderr and an exit code: never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NarrateError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail(
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
            fail(f"{where}{exc.strerror or exc}", 1)
        except Exception as exc:  # a bug: still one line, with a way to see more
            if os.environ.get("NARRATE_DEBUG"):
                raise
            fail(
                f"internal error: {type(exc).__name__}: {exc} (NARRATE_DEBUG=1 shows more)",
                EXIT_INTERNAL,
            )


def fail(message: str, code: int) -> None:
    click.echo(f"narrate: {message}", err=True)
    sys.exit(code)


def warn(message: str) -> None:
    click.echo(f"narrate: warning: {message}", err=True)


def episode_line(report: EpisodeReport) -> str:
    if not report.written:
        return f"{report.output}: up to date, nothing was made"
    reused = len(report.chapters) - report.synthesized
    return (
        f"{report.output}: {len(report.chapters)} chapters, {clock(report.duration_ms)}; "
        f"{report.synthesized} made, {reused} reused from the cache"
    )


def episode_json(report: EpisodeReport) -> dict[str, Any]:
    return {
        "script": str(report.script),
        "output": str(report.output),
        "duration_ms": report.duration_ms,
        "language": report.language,
        "voice": report.voice,
        "files": [str(path) for path in report.files],
        "chapters": [
            {"index": c.index, "title": c.title, "start_ms": c.start_ms, "end_ms": c.end_ms,
             "synthesized": c.synthesized}
            for c in report.chapters
        ],
    }  # fmt: skip


def document_lines(essay: Script, spoken: bool) -> list[str]:
    """What `narrate chapters` adds under the chapters: parts left out, and (with --spoken)
    what was skipped."""
    lines = []
    if essay.left_out:
        lines.append(f"left out (--include-all reads them): {'; '.join(essay.left_out)}")
    if spoken and essay.skipped:
        lines.append(f"skipped: {', '.join(essay.skipped)}")
    return lines


def document_json(essay: Script) -> dict[str, list[str]]:
    return {"skipped": list(essay.skipped), "left_out": list(essay.left_out)}


def clock(ms: int) -> str:
    seconds = round(ms / 1000)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class ProgressBar:
    """Parts made / total (a chapter, or a passage of a long one) and time elapsed, redrawn in
    place on stderr."""

    def __init__(self) -> None:
        self._start = time.monotonic()
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        elapsed = round(time.monotonic() - self._start)
        bar = "#" * filled + "-" * (width - filled)
        self._drawn = True  # before drawing: Ctrl-C may land while the line is being written
        sys.stderr.write(
            f"\rspeaking [{bar}] {done}/{total} parts  {elapsed // 60}:{elapsed % 60:02d}"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self._drawn:
            sys.stderr.write("\n")
            sys.stderr.flush()
            self._drawn = False

    def warn(self, message: str) -> None:
        """A warning on a line of its own; the bar is drawn again below it."""
        self.finish()
        warn(message)
