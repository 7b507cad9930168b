"""Speakable text and sentences for an essay that is not in English."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from narrate.text.languages import Language, language
from narrate.text.languages.rules import SPACES, normalize
from narrate.text.phonemes import split_phonemes
from narrate.text.utterances import CLAUSE_MARKS, cut_long

if TYPE_CHECKING:
    from narrate.text.chapters import Chapter
    from narrate.text.lexicon import Lexicon

"""As in English: the longest text handed to the engine at once."""

_ENDS = ".!?…؟۔।"
"""Sentence ends, with the Arabic question mark, the Urdu full stop and the Devanagari danda."""
_END = re.compile(rf"[{_ENDS}]+(?:[{SPACES}]*[»”“’\"')\]])*(?=\s)")
_OPENERS = "\"'“‘«„‚(¿¡[‹"
_CLAUSES = (*CLAUSE_MARKS, "، ", "؛ ")
_INTEGER = re.compile(r"(?<![\w.,:/])\d{1,15}(?![\w]|[.,:/]\d)")
"""A whole number standing alone: clock times, ratios and decimals are left to the voice."""
_ORDINAL_DOT = frozenset(
    ("de", "da", "nb", "nn", "no", "fi", "cs", "sk", "pl", "hu", "sl", "hr", "sr", "et", "lv", "lt")
)
"""Languages that write ordinals with a dot: "3. Oktober"."""
_ARABIC_AND = re.compile(r"(?<=\s)و\s+")


def spoken_form(text: str, tag: str, heading: bool = False, lexicon: Lexicon | None = None) -> str:
    """What the voice for `tag` is given for `text`: the lexicon's respellings, then the
    language's rules (full, numbers only, or none); `[[...]]` phoneme spans pass untouched."""
    lang = language(tag)
    if heading and text.isupper():  # a shouted title: espeak-ng would spell its words
        text = " ".join(word.capitalize() for word in text.split())
    if lexicon is not None and lexicon.entries:
        text = lexicon.apply(text)
    pieces = split_phonemes(text)
    for i in range(0, len(pieces), 2):
        pieces[i] = _said(pieces[i], lang)
    spoken = " ".join(" ".join(pieces).split())
    return spoken if any(ch.isalnum() for ch in spoken) else " ".join(text.split())


def _said(text: str, lang: Language) -> str:
    rules = lang.rules
    if rules is not None:
        return normalize(text, rules)
    if lang.num2words is not None and any(ch.isdigit() for ch in text):
        text = _INTEGER.sub(lambda m: _integer(int(m.group()), lang), text)
    return " ".join(text.split())


def _integer(n: int, lang: Language) -> str:
    from num2words import num2words

    try:
        words = num2words(n, lang=lang.num2words)
    except (NotImplementedError, OverflowError, ValueError, TypeError):
        return str(n)  # the voice reads it
    if lang.base == "ar":
        words = _ARABIC_AND.sub("و", words)  # "و" (and) is written joined to the next word
    return words


def split_sentences(paragraph: str, tag: str) -> list[str]:
    """The paragraph's sentences in that language, each at most `MAX_UTTERANCE_CHARS` long."""
    lang = language(tag)
    rules = lang.rules
    abbreviations = rules.sentence_abbreviations if rules else frozenset()
    pieces: list[str] = []
    start = 0
    for match in _END.finditer(paragraph):
        if not _starts_sentence(paragraph[match.end() :], lang):
            continue
        sentence = paragraph[start : match.end()]
        if match.group().startswith(".") and _no_end_after(sentence, abbreviations, lang):
            continue
        pieces.append(sentence.strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return [short for piece in pieces if piece for short in cut_long(piece, _CLAUSES)]


def _starts_sentence(rest: str, lang: Language) -> bool:
    first = rest.lstrip().lstrip(_OPENERS + SPACES)[:1]
    if not first:
        return False
    if first.isdigit() or first.isupper():
        return True
    return first.isalpha() and (not lang.cased or first.lower() == first.upper())


def _no_end_after(sentence: str, abbreviations: frozenset[str], lang: Language) -> bool:
    """The dot closes an abbreviation, an initial, or (German, Danish, ...) an ordinal."""
    words = sentence[:-1].split()
    if not words:
        return True
    last = words[-1].lstrip(_OPENERS).rstrip(".").lower()
    if last in abbreviations or (len(last) == 1 and last.isalpha()):
        return True
    # "am 3. Oktober", "im 19. Jahrhundert": a dot after a day or a century number
    return lang.base in _ORDINAL_DOT and last.isdigit() and len(last) <= 2


def untitled_chapter(tag: str, index: int) -> str:
    """What is said for a chapter whose title has nothing to say: "Chapitre 3" in French."""
    rules = language(tag).rules
    if rules is None:
        return spoken_form(str(index), tag)
    return f"{rules.chapter_word} {rules.cardinal(index)}"


def spoken_chapter(
    chapter: Chapter, tag: str, lexicon: Lexicon | None
) -> tuple[str, list[list[tuple[str, str]]]]:
    """The chapter's title as said, and each paragraph's sentences as (written, said): what
    `narrate.speech.chapter_sentences` gives pauses to."""
    title = spoken_form(chapter.title, tag, heading=True, lexicon=lexicon)
    if not _speakable(title):  # a title such as ".." or "* * *"
        title = untitled_chapter(tag, chapter.index)
    paragraphs = []
    for paragraph in chapter.paragraphs:
        parts = [part for part in split_sentences(paragraph, tag) if _speakable(part)]
        if parts:
            paragraphs.append([(part, spoken_form(part, tag, lexicon=lexicon)) for part in parts])
    return title, paragraphs


def _speakable(text: str) -> bool:
    """As `narrate.speech.is_speakable`, which is not imported: that module imports this one."""
    return any(ch.isalnum() for ch in text)
