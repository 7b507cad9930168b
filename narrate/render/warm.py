"""Imported once by the fork server, so that every worker process starts with the libraries a
chapter needs already loaded (pydub alone cost each worker ~0.05-0.1 s: 61 times for a book)."""

from __future__ import annotations

from narrate.audio.pcm import load_pydub

load_pydub()  # quietly: pydub warns on import when no ffmpeg is on PATH
