"""Italian: "3,50 €" is "tre euro e cinquanta", "alle 14:30" "alle quattordici e trenta",
"il 1º maggio" (or "1 maggio") "il primo maggio", "Sig." "signor"."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules, feminine

_MONTHS = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
    "settembre", "ottobre", "novembre", "dicembre",
)  # fmt: skip

ABBREVIATIONS = {
    "Sig.": "signor", "Sig.ra": "signora", "Sig.na": "signorina", "Sigg.": "signori",
    "Dott.": "dottor", "Dott.ssa": "dottoressa", "Dr.": "dottor", "Prof.": "professor",
    "Prof.ssa": "professoressa", "Avv.": "avvocato", "Ing.": "ingegner", "ecc.": "eccetera",
    "etc.": "eccetera", "p. es.": "per esempio", "a.C.": "avanti Cristo",
    "a. C.": "avanti Cristo", "d.C.": "dopo Cristo", "d. C.": "dopo Cristo", "pag.": "pagina",
    "ca.": "circa", "n.": "numero", "S.": "San", "Sta.": "Santa", "c.a.": "corrente anno",
}  # fmt: skip


def counted(n: int, is_feminine: bool) -> str:
    """Before a noun: "un euro", "una sterlina"; "ventun euro"."""
    words = RULES.cardinal(n)
    if words.endswith("uno"):
        return words[:-1] + ("a" if is_feminine else "")
    return words


def clock(hours: int, minutes: int) -> str:
    said = "l'una" if hours == 1 else RULES.cardinal(hours)
    return f"{said} e {RULES.cardinal(minutes)}" if minutes else said


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    words = RULES.ordinal_words(n)
    return feminine(words) if mark in ("ª", "a") else words


_MONTH_NAMES = "|".join(_MONTHS)

RULES = Rules(
    code="it",
    decimal_word="virgola",
    percent_word="per cento",
    minus_word="meno",
    thousands=". \u00a0\u202f",
    currencies={
        "€": Currency("euro", "euro", "centesimo", "centesimi"),
        "EUR": Currency("euro", "euro", "centesimo", "centesimi"),
        "$": Currency("dollaro", "dollari", "centesimo", "centesimi"),
        "USD": Currency("dollaro", "dollari", "centesimo", "centesimi"),
        "£": Currency("sterlina", "sterline", "penny", "pence", feminine=True),
    },
    money_joiner="e",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    clock_pattern=re.compile(r"(?<![\w,.])(?P<h>[01]?\d|2[0-4])[:.](?P<m>[0-5]\d)(?![\w]|[.,]\d)"),
    clock=clock,
    # "1º", "2ª", and the first of a month: "1 maggio" is "primo maggio"
    ordinal_pattern=re.compile(
        rf"(?<![\w,.])(?P<n>\d+)(?:(?P<mark>[ºª°])|(?=[{SPACES}](?:{_MONTH_NAMES})\b)(?<=\b1))",
        re.IGNORECASE,
    ),
    ordinal=ordinal,
    counted=counted,
    titles=frozenset(("S.",)),
    sentence_abbreviations=frozenset(
        [
            "sig",
            "sig.ra",
            "sig.na",
            "sigg",
            "dott",
            "dott.ssa",
            "dr",
            "prof",
            "prof.ssa",
            "avv",
            "ing",
            "es",
            "p",
            "a.c",
            "c",
            "d.c",
            "pag",
            "ca",
            "n",
            "s",
            "sta",
            "c.a",
        ]
    ),
    large=re.compile(r"(?:milione|milioni|miliardo|miliardi)$"),
    large_of="di",
    chapter_word="Capitolo",
    tidy=lambda text: text.replace("'l'una", "'una"),  # "all'1:15": "all'una e quindici"
)
