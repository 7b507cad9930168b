"""Dutch: "€ 3,50" is "drie euro vijftig", "om 14.30 uur" "om veertien uur dertig", "in 1995"
"in negentienhonderdvijfennegentig", "bijv." "bijvoorbeeld", "1e" "eerste"."""

from __future__ import annotations

import re

from narrate.text.languages.rules import SPACES, Currency, Rules

_MONTHS = (
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
)  # fmt: skip

ABBREVIATIONS = {
    "dhr.": "de heer", "Dhr.": "De heer", "mevr.": "mevrouw", "Mevr.": "Mevrouw",
    "dr.": "dokter", "Dr.": "dokter", "prof.": "professor", "Prof.": "professor",
    "bijv.": "bijvoorbeeld", "bv.": "bijvoorbeeld", "enz.": "enzovoort", "etc.": "et cetera",
    "d.w.z.": "dat wil zeggen", "o.a.": "onder andere", "ca.": "circa", "nr.": "nummer",
    "St.": "Sint", "v.Chr.": "voor Christus", "n.Chr.": "na Christus",
    "m.b.t.": "met betrekking tot", "i.p.v.": "in plaats van", "z.g.a.n.": "zo goed als nieuw",
    "blz.": "bladzijde", "incl.": "inclusief", "excl.": "exclusief",
}  # fmt: skip


def counted(n: int, feminine: bool) -> str:
    return RULES.cardinal(n).replace("honderdéén", "honderdeen")


def clock(hours: int, minutes: int) -> str:
    said = f"{counted(hours, False)} uur"
    return f"{said} {RULES.cardinal(minutes)}" if minutes else said


def ordinal(n: int, mark: str, before: str, after: str) -> str:
    return RULES.ordinal_words(n)


def year(n: int, after: str) -> str:
    """Years in hundreds up to 1999: "negentienhonderdvijfennegentig"."""
    if 1100 <= n <= 1999:
        from num2words import num2words

        return num2words(n, lang="nl", to="year").replace(" ", "")
    return counted(n, False)


RULES = Rules(
    code="nl",
    decimal_word="komma",
    percent_word="procent",
    minus_word="min",
    thousands=". \u00a0\u202f",
    currencies={
        "€": Currency("euro", "euro", "cent", "cent"),
        "EUR": Currency("euro", "euro", "cent", "cent"),
        "$": Currency("dollar", "dollar", "cent", "cent"),
        "USD": Currency("dollar", "dollar", "cent", "cent"),
        "£": Currency("pond", "pond", "penny", "pence"),
    },
    money_joiner="",
    abbreviations=ABBREVIATIONS,
    months=_MONTHS,
    clock_pattern=re.compile(
        rf"(?<![\w,.])(?P<h>[01]?\d|2[0-4])(?::(?P<m>[0-5]\d)(?:[{SPACES}]?uur)?"
        rf"|\.(?P<m2>[0-5]\d)[{SPACES}]?uur|[{SPACES}]?uur)(?![\w])"
    ),
    clock=clock,
    ordinal_pattern=re.compile(r"(?<![\w,.])(?P<n>\d+)(?P<mark>ste|de|e)(?![\w])"),
    ordinal=ordinal,
    counted=counted,
    year=year,
    sentence_abbreviations=frozenset(
        [
            "dhr",
            "mevr",
            "dr",
            "prof",
            "bijv",
            "bv",
            "d.w.z",
            "o.a",
            "ca",
            "nr",
            "st",
            "v.chr",
            "n.chr",
            "m.b.t",
            "i.p.v",
            "blz",
            "incl",
            "excl",
        ]
    ),
    large=re.compile(r"(?:miljoen|miljard)$"),
    large_of="",
    chapter_word="Hoofdstuk",
)
