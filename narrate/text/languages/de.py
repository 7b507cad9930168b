"""German: "3,50 €" is "drei Euro fünfzig", "14:30 Uhr" "vierzehn Uhr dreißig" (Duden: the
hours, "Uhr", then the minutes), "am 3. Oktober 1990" "am dritten Oktober neunzehnhundertneunzig",
"z. B." "zum Beispiel"."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules

_MONTHS = (
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember",
)  # fmt: skip

ABBREVIATIONS = {
    "z. B.": "zum Beispiel", "z.B.": "zum Beispiel", "usw.": "und so weiter",
    "u. a.": "unter anderem", "u.a.": "unter anderem", "d. h.": "das heißt", "d.h.": "das heißt",
    "bzw.": "beziehungsweise", "ca.": "circa", "etc.": "et cetera", "ggf.": "gegebenenfalls",
    "vgl.": "vergleiche", "evtl.": "eventuell", "inkl.": "inklusive", "Dr.": "Doktor",
    "Prof.": "Professor", "Nr.": "Nummer", "St.": "Sankt", "Str.": "Straße", "Hr.": "Herr",
    "Fr.": "Frau", "v. Chr.": "vor Christus", "n. Chr.": "nach Christus", "Jh.": "Jahrhundert",
    "S.": "Seite", "Mio.": "Millionen", "Mrd.": "Milliarden", "z. T.": "zum Teil",
    "o. Ä.": "oder Ähnliches", "u. Ä.": "und Ähnliches", "s. o.": "siehe oben",
    "s. u.": "siehe unten",
}  # fmt: skip

# The ordinal's ending follows the word before it: "am dritten", "der dritte", "dritter".
_WEAK_DATIVE = frozenset(
    ["am", "im", "vom", "zum", "beim", "dem", "den", "des", "im", "seit", "bis"]
)
_ARTICLES = frozenset(["der", "die", "das"])


def counted(n: int, feminine: bool) -> str:
    words = RULES.cardinal(n)
    return words[:-1] if words.endswith("eins") else words  # "ein Euro", "hunderteins" as said


def clock(hours: int, minutes: int) -> str:
    said = f"{counted(hours, False)} Uhr"
    return f"{said} {RULES.cardinal(minutes)}" if minutes else said


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    words = RULES.ordinal_words(n)
    if before in _WEAK_DATIVE:
        return words + "n"
    if before in _ARTICLES:
        return words
    return words + "r"


def year(n: int, after: str) -> str:
    """Years before 2000 are said in hundreds: "neunzehnhundertneunzig"; a count is not
    ("1990 Menschen": the capitalised noun after it says so)."""
    if 1100 <= n <= 1999 and not (after[:1].isupper() and after.lower() not in _MONTHS):
        return _year_words(n)
    return RULES.cardinal(n)


def _year_words(n: int) -> str:
    from num2words import num2words

    return num2words(n, lang="de", to="year")


RULES = Rules(
    code="de",
    decimal_word="Komma",
    percent_word="Prozent",
    minus_word="minus",
    thousands=". \u00a0\u202f\u2009",
    currencies={
        "€": Currency("Euro", "Euro", "Cent", "Cent"),
        "EUR": Currency("Euro", "Euro", "Cent", "Cent"),
        "$": Currency("Dollar", "Dollar", "Cent", "Cent"),
        "USD": Currency("Dollar", "Dollar", "Cent", "Cent"),
        "£": Currency("Pfund", "Pfund", "Penny", "Pence"),
        "CHF": Currency("Franken", "Franken", "Rappen", "Rappen"),
        "Fr.": Currency("Franken", "Franken", "Rappen", "Rappen"),
    },
    money_joiner="",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    # "14:30", "14.30 Uhr", "14 Uhr"; a dot between hours and minutes only with "Uhr" after
    clock_pattern=re.compile(
        rf"(?<![\w,.])(?P<h>[01]?\d|2[0-4])(?::(?P<m>[0-5]\d)(?:[{SPACES}]?Uhr)?"
        rf"|\.(?P<m2>[0-5]\d)[{SPACES}]?Uhr|[{SPACES}]?Uhr)(?![\w])"
    ),
    clock=clock,
    # "3. Oktober", "19. Jahrhundert": a day or rank before a capitalised word
    ordinal_pattern=re.compile(r"(?<![\w,.])(?P<n>\d{1,3})(?P<mark>\.)(?=[ \u00a0]+[A-ZÄÖÜ])"),
    ordinal=ordinal,
    counted=counted,
    year=year,
    titles=frozenset(("Hr.", "Fr.", "S.")),
    sentence_abbreviations=frozenset(
        [
            "z",
            "b",
            "u",
            "a",
            "d",
            "h",
            "bzw",
            "ca",
            "ggf",
            "vgl",
            "evtl",
            "inkl",
            "dr",
            "prof",
            "nr",
            "st",
            "str",
            "hr",
            "fr",
            "v",
            "n",
            "chr",
            "jh",
            "s",
            "mio",
            "mrd",
            "t",
            "ä",
            "o",
        ]
    ),
    large=re.compile(r"(?:Millionen|Million|Milliarden|Milliarde)$"),
    large_of="",
    chapter_word="Kapitel",
)
