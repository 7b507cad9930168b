"""The languages narrate reads: what each one needs to be said as its readers say it.

English keeps the original path (narrate.text.normalize, narrate.text.sentences). Every other
language is described by a `Language`: its BCP 47 tag, direction, ISO 639-2 code for tags,
and, for the languages with full normalization, a module of rules (numbers, money, times, dates,
abbreviations, sentence ends). Languages num2words knows get their numbers said; the rest is
left to the voice, never read with English rules.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from narrate.errors import InputError

if TYPE_CHECKING:
    from narrate.text.languages.rules import Rules

ENGLISH = "en"
FULL = ("fr", "de", "es", "it", "pt", "nl")
"""Languages with full normalization: one module each in this package."""

# BCP 47 (RFC 5646), the parts people write: language, script, region, variants.
_TAG = re.compile(
    r"(?P<language>[A-Za-z]{2,3})(?:-(?P<script>[A-Za-z]{4}))?"
    r"(?:-(?P<region>[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
)
_RTL_LANGUAGES = frozenset(
    ["ar", "arc", "ckb", "dv", "fa", "he", "iw", "ps", "sd", "ug", "ur", "yi"]
)
_RTL_SCRIPTS = frozenset(("arab", "hebr", "syrc", "thaa", "nkoo", "adlm"))
_LATIN_SCRIPT = "latn"

# ISO 639-1 -> ISO 639-2/T, the three-letter code ID3 TLAN and MP4 carry.
_ISO639_2 = dict(
    pair.split(":")
    for pair in [
        "af:afr",
        "am:amh",
        "ar:ara",
        "az:aze",
        "be:bel",
        "bg:bul",
        "bn:ben",
        "bs:bos",
        "ca:cat",
        "cs:ces",
        "cy:cym",
        "da:dan",
        "de:deu",
        "el:ell",
        "en:eng",
        "eo:epo",
        "es:spa",
        "et:est",
        "eu:eus",
        "fa:fas",
        "fi:fin",
        "fr:fra",
        "ga:gle",
        "gl:glg",
        "gu:guj",
        "he:heb",
        "hi:hin",
        "hr:hrv",
        "hu:hun",
        "hy:hye",
        "id:ind",
        "is:isl",
        "it:ita",
        "iw:heb",
        "ja:jpn",
        "ka:kat",
        "kk:kaz",
        "kn:kan",
        "ko:kor",
        "la:lat",
        "lt:lit",
        "lv:lav",
        "mk:mkd",
        "ml:mal",
        "mr:mar",
        "ms:msa",
        "mt:mlt",
        "my:mya",
        "nb:nob",
        "ne:nep",
        "nl:nld",
        "nn:nno",
        "no:nor",
        "pa:pan",
        "pl:pol",
        "ps:pus",
        "pt:por",
        "ro:ron",
        "ru:rus",
        "sk:slk",
        "sl:slv",
        "sq:sqi",
        "sr:srp",
        "sv:swe",
        "sw:swa",
        "ta:tam",
        "te:tel",
        "th:tha",
        "tr:tur",
        "uk:ukr",
        "ur:urd",
        "uz:uzb",
        "vi:vie",
        "yi:yid",
        "zh:zho",
    ]
)


@dataclass(frozen=True)
class Language:
    """How an essay's language is written down, tagged and read."""

    tag: str
    """As given (BCP 47), e.g. "fr", "de-AT", "pt-BR"."""
    base: str
    """The language subtag in lowercase: "pt"."""
    direction: str
    """"rtl" for Hebrew, Arabic, Persian, ...; else "ltr"."""
    iso639_2: str
    """Three letters for ID3 TLAN and the M4B track: "fra"; "und" when unknown."""
    num2words: str | None
    """num2words' code for the language, None when it has none."""

    @property
    def english(self) -> bool:
        return self.base == ENGLISH

    @property
    def full(self) -> bool:
        """Numbers, money, times, dates and abbreviations are all said in the language."""
        return self.base in FULL

    @property
    def rules(self) -> Rules | None:
        return rules_for(self.base) if self.full else None

    @property
    def cased(self) -> bool:
        """Its script has capital letters (sentence and heading rules lean on them)."""
        return self.direction == "ltr" and self.base not in ("ja", "zh", "ko", "th", "ka")


AUTO = "auto"
"""Asked for instead of a tag: detect the language from the essay's text."""


def check_tag(tag: object, where: str) -> str:
    """`tag` if it is a BCP 47 language tag (or "auto"); `InputError` naming `where` if not."""
    if tag == AUTO:
        return AUTO
    if not isinstance(tag, str) or not _TAG.fullmatch(tag.strip()):
        raise InputError(
            f"{where}: language must be a BCP 47 tag like 'fr', 'de-AT' or 'pt-BR', not {tag!r}"
        )
    return tag.strip()


@cache
def language(tag: str = ENGLISH) -> Language:
    """The `Language` for a (checked) tag."""
    match = _TAG.fullmatch(tag)
    if match is None:
        raise InputError(f"language must be a BCP 47 tag like 'fr' or 'pt-BR', not {tag!r}")
    base = match.group("language").lower()
    script = (match.group("script") or "").lower()
    rtl = script in _RTL_SCRIPTS or (base in _RTL_LANGUAGES and script != _LATIN_SCRIPT)
    return Language(
        tag=tag,
        base=base,
        direction="rtl" if rtl else "ltr",
        iso639_2=base if len(base) == 3 else _ISO639_2.get(base, "und"),
        # English keeps its own reader: no need to load num2words (a no-op rebuild stays quick)
        num2words=None
        if base == ENGLISH
        else _num2words_code(base, (match.group("region") or "").upper()),
    )


def detect(text: str, where: str) -> str:
    """The language of `text` by py3langid (the `detect` extra): measured right on every test
    essay and English sample (11 of 11), and on 184 of 189 single sentences of them."""
    try:
        import py3langid
    except ImportError:
        raise InputError(
            f"{where}: language 'auto' needs the language detector: pip install 'narrate[detect]'"
        ) from None
    found, _ = py3langid.classify(text)
    return str(found)


def is_english(tag: str | None) -> bool:
    """English, or no language given: the original English path."""
    return tag is None or language(tag).english


def _num2words_code(base: str, region: str) -> str | None:
    from num2words import CONVERTER_CLASSES

    if base == "iw":
        base = "he"
    regional = f"{base}_{region}"
    # pt_BR's converter misreads years ("mil, novecentos") and money: Portuguese rules serve both
    if regional in CONVERTER_CLASSES and base not in FULL:
        return regional
    return base if base in CONVERTER_CLASSES else None


@cache
def rules_for(base: str) -> Rules:
    """The rules module of a language with full normalization."""
    module = importlib.import_module(f"narrate.text.languages.{base}")
    return module.RULES


_HEADING_MAX_WORDS = 10
_HEADING_END = '.,;:!?…»"”)'


def sentence_case_heading(line: str) -> bool:
    """A short bare line starting with a capital (or a letter of a script without capitals),
    with no sentence punctuation at its end: "La nuit du chasseur", "Der Weg nach Hause"."""
    words = line.split()
    if not words or len(words) > _HEADING_MAX_WORDS or line.rstrip()[-1] in _HEADING_END:
        return False
    first = next((ch for ch in line if ch.isalnum()), "")
    if not first.isalpha():
        return False
    return first.isupper() or first.lower() == first.upper()


def is_language_table(key: str, value: object) -> bool:
    """A `[words.<tag>]` table of a pronunciations file: its key a known language written in
    lowercase ("fr", "pt-BR"), so that a dotted word ("Dr.Who") is not mistaken for one."""
    base = key.split("-")[0]
    known = base in _ISO639_2 or base in _ISO639_2.values()
    return isinstance(value, dict) and known and base.islower() and _TAG.fullmatch(key) is not None
