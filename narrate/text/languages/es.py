"""Spanish: "3,50 €" is "tres euros con cincuenta", "a las 14:30" "a las catorce treinta"
(RAE, Diccionario panhispánico de dudas, "hora": digital times are read hours then minutes),
"el 1.º de mayo" "el primero de mayo", "Sr." "señor"; ¿…? and ¡…! open sentences."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules, feminine

_MONTHS = (
    "enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
    "octubre", "noviembre", "diciembre",
)  # fmt: skip

ABBREVIATIONS = {
    "Sr.": "señor", "Sra.": "señora", "Srta.": "señorita", "Sres.": "señores", "Dr.": "doctor",
    "Dra.": "doctora", "D.": "don", "Dña.": "doña", "Ud.": "usted", "Uds.": "ustedes",
    "Prof.": "profesor", "etc.": "etcétera", "p. ej.": "por ejemplo", "EE. UU.": "Estados Unidos",
    "EE.UU.": "Estados Unidos", "a. C.": "antes de Cristo", "d. C.": "después de Cristo",
    "aprox.": "aproximadamente", "pág.": "página", "núm.": "número", "n.º": "número",
    "Sto.": "santo", "Sta.": "santa", "S.": "san", "Av.": "avenida", "c/": "calle",
}  # fmt: skip

_ONE = re.compile(r"(?<![\w])(uno|veintiuno)$")


def counted(n: int, is_feminine: bool) -> str:
    """Before a noun: "un euro", "veintiún euros", "una libra", "veintiuna libras"."""
    words = RULES.cardinal(n)
    if is_feminine:
        return _ONE.sub(lambda m: m.group()[:-1] + "a", words)
    return _ONE.sub(lambda m: "un" if m.group() == "uno" else "veintiún", words)


def clock(hours: int, minutes: int) -> str:
    said = counted(hours, True)
    return f"{said} {RULES.cardinal(minutes)}" if minutes else f"{said} en punto"


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    words = RULES.ordinal_words(n)
    return feminine(words) if mark in ("ª", "a") else words


RULES = Rules(
    code="es",
    decimal_word="coma",
    percent_word="por ciento",
    minus_word="menos",
    thousands=". \u00a0\u202f\u2009",
    currencies={
        "€": Currency("euro", "euros", "céntimo", "céntimos"),
        "EUR": Currency("euro", "euros", "céntimo", "céntimos"),
        "$": Currency("dólar", "dólares", "centavo", "centavos"),
        "USD": Currency("dólar", "dólares", "centavo", "centavos"),
        "£": Currency("libra", "libras", "penique", "peniques", feminine=True),
    },
    money_joiner="con",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    clock_pattern=re.compile(
        rf"(?<![\w,.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?:[{SPACES}]?h\b)?(?![\w])"
    ),
    clock=clock,
    ordinal_pattern=re.compile(r"(?<![\w,.])(?P<n>\d+)\.?(?P<mark>[ºª°])"),
    ordinal=ordinal,
    counted=counted,
    titles=frozenset(("D.", "S.")),
    sentence_abbreviations=frozenset(
        [
            "sr",
            "sra",
            "srta",
            "sres",
            "dr",
            "dra",
            "d",
            "dña",
            "ud",
            "uds",
            "prof",
            "ej",
            "p",
            "a",
            "c",
            "aprox",
            "pág",
            "núm",
            "n.º",
            "sto",
            "sta",
            "s",
            "av",
            "ee",
            "uu",
            "ee.uu",
        ]
    ),
    large=re.compile(r"(?:millón|millones|mil millones)$"),
    large_of="de",
    chapter_word="Capítulo",
)
