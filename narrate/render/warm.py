"""Imported once by the fork server, so that every worker process starts with the libraries a
chapter needs already loaded (pydub alone cost each worker ~0.05-0.1 s: 61 times for a book)."""

from __future__ import annotations

from narrate.audio.pcm import load_pydub
from narrate.processes import die_with_parent

load_pydub()  # quietly: pydub warns on import when no ffmpeg is on PATH

# The server is told narrate has gone by the end of a pipe that its workers hold open too (they
# could start processes of their own through it), and workers that serve many chapters live as
# long as it does: without this, narrate killed would leave the server and its workers behind.
# (Linux: it dies with the thread that started it, the one that builds.)
die_with_parent()
