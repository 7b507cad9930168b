"""Planning an episode: its chapters, what each will say, and the passages each is made in, keyed
by everything that shapes their audio (what the cache is asked for)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from narrate.engines import VoiceSettings
from narrate.render.cache import chapter_key
from narrate.settings.resolve import BuildSettings, EpisodeSettings
from narrate.text import plans as plans_module
from narrate.text.chapters import Chapter, Outline, split_chapters
from narrate.text.lexicon import lexicon_at
from narrate.text.passages import passages
from narrate.text.script import Script
from narrate.text.sentences import Sentence, chapter_sentences
from narrate.uptodate import planning_version


@dataclass(frozen=True)
class PlannedPassage:
    """Sentences of a chapter made into audio together, from a clean start: one cache entry."""

    key: str
    sentences: tuple[Sentence, ...]

    @property
    def utterances(self) -> tuple[tuple[str, int], ...]:
        """(spoken text, pause after in ms) of each sentence: what the engine is given."""
        return tuple((s.spoken, s.pause_after_ms) for s in self.sentences)


@dataclass(frozen=True)
class PlannedChapter:
    chapter: Chapter
    sentences: tuple[Sentence, ...]
    passages: tuple[PlannedPassage, ...]
    """The sentences, in order, as made: one passage unless the chapter is long."""
    plan_key: str
    """What the sentences were made from: the chapter, how it is said, narrate's version."""

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.passages)


@dataclass(frozen=True)
class PlannedEpisode:
    script: Script
    outline: Outline
    output: Path
    chapters: tuple[PlannedChapter, ...]
    voice: VoiceSettings
    language: str


def plan_episode(
    script: Script,
    chosen: EpisodeSettings,
    out_dir: Path,
    identities: dict[VoiceSettings, dict[str, str]],
    settings: BuildSettings,
    plans: Mapping[str, Any] | None = None,
) -> PlannedEpisode:
    """The episode's chapters, what each will say, and the key of each passage. `plans` (what an
    earlier build recorded) gives the sentences of the chapters it planned the same way."""
    language = chosen.language
    outline = split_chapters(script, language)
    lexicon = lexicon_at(chosen.lexicon, language)
    identity = identities[chosen.voice]
    if language != "en":  # English keys stay as they were: caches made before still serve
        identity = {**identity, "language": language}
    how = plans_module.planning(planning_version(), chosen.pauses, lexicon, language)
    planned = []
    for chapter in outline.chapters:
        plan_key = plans_module.plan_key(how, chapter)
        sentences = plans_module.recorded(plans, plan_key) or chapter_sentences(
            chapter, chosen.pauses, lexicon, language
        )
        cut = passages(sentences, chosen.pauses.paragraph_ms)
        keyed = tuple(PlannedPassage(_passage_key(part, identity, settings), part) for part in cut)
        planned.append(PlannedChapter(chapter, sentences, keyed, plan_key))
    output = episode_output(out_dir, script)
    return PlannedEpisode(script, outline, output, tuple(planned), chosen.voice, language)


def episode_output(out_dir: Path, script: Script) -> Path:
    return out_dir / f"{script.stem}.mp3"


def _passage_key(
    sentences: tuple[Sentence, ...], identity: dict[str, str], settings: BuildSettings
) -> str:
    spoken = [[s.spoken, s.pause_after_ms] for s in sentences]
    return chapter_key(spoken, identity, settings.audio)
