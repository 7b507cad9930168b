"""French: "3,50 €" is "trois euros cinquante", "14 h 30" "quatorze heures trente", "le 1er mai"
"le premier mai", "XXe siècle" "vingtième siècle"; spaced ; : ! ? and « » as French sets them."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules, to_roman

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
)  # fmt: skip

ABBREVIATIONS = {
    "M.": "Monsieur", "MM.": "Messieurs", "Mme": "Madame", "Mmes": "Mesdames",
    "Mlle": "Mademoiselle", "Mlles": "Mesdemoiselles", "Dr": "docteur", "Dr.": "docteur",
    "Pr": "professeur", "Me": "maître", "Mgr": "monseigneur", "St": "saint", "Ste": "sainte",
    "etc.": "et cetera", "p. ex.": "par exemple",
    "c.-à-d.": "c'est-à-dire", "av. J.-C.": "avant Jésus-Christ",
    "apr. J.-C.": "après Jésus-Christ", "J.-C.": "Jésus-Christ", "env.": "environ",
    "cf.": "confer", "n°": "numéro", "N°": "numéro", "no": "numéro", "vol.": "volume",
    "chap.": "chapitre", "p.": "page", "éd.": "édition", "bd": "boulevard", "av.": "avenue",
}  # fmt: skip
# "no" is "numéro" only before a number: listed for sentences, not expanded
del ABBREVIATIONS["no"]

_FEMININE_ONE = re.compile(r"\bun$")


def counted(n: int, feminine: bool) -> str:
    words = RULES.cardinal(n)
    return _FEMININE_ONE.sub("une", words) if feminine else words


def clock(hours: int, minutes: int) -> str:
    said = f"{counted(hours, True)} {'heure' if hours in (0, 1) else 'heures'}"
    return f"{said} {RULES.cardinal(minutes)}" if minutes else said


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    if n == 1:
        return "première" if mark in ("re", "ère") else "premier"
    words = RULES.ordinal_words(n)
    return words + "s" if mark in ("es", "èmes") else words


def _spacing(text: str) -> str:
    """No space before ? ! ; : (espeak-ng reads the mark with the word it follows)."""
    return re.sub(r"\s+([?!;:])", r"\1", text)


_ROMAN_NUMERALS = "|".join(to_roman(n) for n in range(40, 0, -1))

RULES = Rules(
    code="fr",
    decimal_word="virgule",
    percent_word="pour cent",
    minus_word="moins",
    thousands=SPACES,
    currencies={
        "€": Currency("euro", "euros", "centime", "centimes"),
        "EUR": Currency("euro", "euros", "centime", "centimes"),
        "$": Currency("dollar", "dollars", "cent", "cents"),
        "USD": Currency("dollar", "dollars", "cent", "cents"),
        "£": Currency("livre", "livres", "penny", "pence", feminine=True),
        "CHF": Currency("franc suisse", "francs suisses", "centime", "centimes"),
    },
    money_joiner="",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    clock_pattern=re.compile(
        rf"(?<![\w,.])(?P<h>[01]?\d|2[0-4])(?:[{SPACES}]?h(?:[{SPACES}]?(?P<m>[0-5]\d))?"
        r"|:(?P<m2>[0-5]\d))(?![\w])"
    ),
    clock=clock,
    ordinal_pattern=re.compile(
        rf"(?<![\w,.])(?P<n>\d+|{_ROMAN_NUMERALS})(?P<mark>ers?|res?|ères?|es?|èmes?)(?![\w])"
    ),
    ordinal=ordinal,
    counted=counted,
    titles=frozenset(("M.", "MM.", "Me", "Pr", "Dr", "Mgr")),
    sentence_abbreviations=frozenset(
        [
            "m",
            "mm",
            "dr",
            "pr",
            "st",
            "ste",
            "env",
            "cf",
            "vol",
            "chap",
            "p",
            "éd",
            "av",
            "apr",
            "ex",
            "c.-à-d",
            "j.-c",
            "n°",
            "no",
        ]
    ),
    large=re.compile(r"(?:millions?|milliards?)$"),
    large_of="de",
    chapter_word="Chapitre",
    tidy=_spacing,
)
