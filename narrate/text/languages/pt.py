"""Portuguese (Portugal and Brazil): "3,50 €" is "três euros e cinquenta", "às 14h30" "às
catorze e trinta", "1º de maio" "primeiro de maio", "Sr." "senhor", "R$ 10" "dez reais"."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules, feminine

_MONTHS = (
    "janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto", "setembro",
    "outubro", "novembro", "dezembro",
)  # fmt: skip

ABBREVIATIONS = {
    "Sr.": "senhor", "Sra.": "senhora", "Srta.": "senhorita", "Dr.": "doutor",
    "Dra.": "doutora", "Prof.": "professor", "Profa.": "professora", "D.": "dona",
    "etc.": "et cetera", "p. ex.": "por exemplo", "a.C.": "antes de Cristo",
    "a. C.": "antes de Cristo", "d.C.": "depois de Cristo", "d. C.": "depois de Cristo",
    "nº": "número", "n.º": "número", "pág.": "página", "S.": "São", "Sto.": "Santo",
    "Sta.": "Santa", "V. Exa.": "Vossa Excelência", "Av.": "avenida", "aprox.": "aproximadamente",
}  # fmt: skip

_FEMININE_UNITS = ((re.compile(r"\bum$"), "uma"), (re.compile(r"\bdois$"), "duas"))


def counted(n: int, is_feminine: bool) -> str:
    """Before a noun: "um euro", "uma libra", "duas horas"."""
    words = RULES.cardinal(n)
    if is_feminine:
        for pattern, replacement in _FEMININE_UNITS:
            words = pattern.sub(replacement, words)
    return words


def clock(hours: int, minutes: int) -> str:
    said = counted(hours, True)
    if not minutes:
        return f"{said} {'hora' if hours == 1 else 'horas'}"
    return f"{said} e {RULES.cardinal(minutes)}"


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    words = RULES.ordinal_words(n)
    return feminine(words) if mark in ("ª", "a") else words


RULES = Rules(
    code="pt",
    decimal_word="vírgula",
    percent_word="por cento",
    minus_word="menos",
    thousands=". \u00a0\u202f",
    currencies={
        "€": Currency("euro", "euros", "cêntimo", "cêntimos"),
        "EUR": Currency("euro", "euros", "cêntimo", "cêntimos"),
        "R$": Currency("real", "reais", "centavo", "centavos"),
        "BRL": Currency("real", "reais", "centavo", "centavos"),
        "US$": Currency("dólar", "dólares", "centavo", "centavos"),
        "$": Currency("dólar", "dólares", "centavo", "centavos"),
        "USD": Currency("dólar", "dólares", "centavo", "centavos"),
        "£": Currency("libra", "libras", "pêni", "pence", feminine=True),
    },
    money_joiner="e",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    clock_pattern=re.compile(
        rf"(?<![\w,.])(?P<h>[01]?\d|2[0-4])(?::(?P<m>[0-5]\d)|[{SPACES}]?h(?P<m2>[0-5]\d)?)"
        r"(?![\w])"
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
            "dr",
            "dra",
            "prof",
            "profa",
            "d",
            "ex",
            "p",
            "a.c",
            "c",
            "d.c",
            "nº",
            "n.º",
            "pág",
            "s",
            "sto",
            "sta",
            "exa",
            "v",
            "av",
            "aprox",
        ]
    ),
    large=re.compile(r"(?:milhão|milhões|bilhão|bilhões|mil milhões)$"),
    large_of="de",
    chapter_word="Capítulo",
)
