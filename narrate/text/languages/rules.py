"""The shared reader for languages with full normalization: each language module fills in a
`Rules` (its words, patterns and a few functions), and `normalize` reads a sentence with it.

Passes, in order: abbreviations, clock times, money, percentages, ordinals, numbers. Each pass
is a regex compiled once per language; number words come from num2words.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property

from num2words import num2words

SPACES = " \u00a0\u202f\u2009"
"""Plain, no-break, narrow no-break and thin spaces (French sets them in numbers, before ?)."""


@dataclass(frozen=True)
class Currency:
    """A currency's names: "euro"/"euros", and its hundredth: "centime"/"centimes"."""

    one: str
    many: str
    sub_one: str
    sub_many: str
    feminine: bool = False
    """The number before it agrees: "une livre", "dos libras"."""


@dataclass(frozen=True)
class Rules:
    """What a language module tells the shared reader."""

    code: str
    """num2words' language code."""
    decimal_word: str
    """Said for the decimal comma: "virgule"."""
    percent_word: str
    minus_word: str
    thousands: str
    """Characters that group thousands ("1 000", "1.000"); the decimal mark is always a comma."""
    currencies: Mapping[str, Currency]
    """By symbol or ISO code as written: "€", "$", "EUR"."""
    money_joiner: str
    """Between the whole and the cents: "" in "trois euros cinquante", "con" in Spanish."""
    abbreviations: Mapping[str, str]
    """Written form (exact, with its dots; spaces inside match any spacing) -> spoken form."""
    months: tuple[str, ...]
    """Month names, lowercase, January first."""
    clock_pattern: re.Pattern[str]
    """A clock time, with groups `h` and `m` (m optional)."""
    clock: Callable[[int, int], str]
    """Hours and minutes as said."""
    ordinal_pattern: re.Pattern[str]
    """An ordinal as written, with groups `n` (digits or Roman numerals) and `mark`."""
    ordinal: Callable[[int, str, str, str], str]
    """(number, mark, word before, word after) -> the ordinal as said in that place."""
    counted: Callable[[int, bool], str] | None = None
    """A number before a noun (feminine or not): "un euro", "una libra"; default: cardinal."""
    year: Callable[[int, str], str] | None = None
    """(year, the word after) -> how a four-digit year is said; None: as a cardinal."""
    titles: frozenset[str] = frozenset()
    """Abbreviations said only before a capitalised word (a name): "M." is "Monsieur" there,
    an initial elsewhere."""
    sentence_abbreviations: frozenset[str] = frozenset()
    """Words (lowercase, without the final dot) after which a dot does not end a sentence."""
    large: re.Pattern[str] | None = None
    """Number words for millions and more, after which a currency takes `large_of`."""
    large_of: str = ""
    """ "un million d'euros": "de" (elided before a vowel) in French, "di" in Italian."""
    chapter_word: str = ""
    """Said before a number for a chapter with an unspeakable title: "Chapitre"."""
    tidy: Callable[[str], str] | None = None
    """A last pass over the spoken text (spacing rules of the language)."""

    def cardinal(self, n: int) -> str:
        return num2words(n, lang=self.code)

    def ordinal_words(self, n: int) -> str:
        return num2words(n, lang=self.code, to="ordinal")

    def count(self, n: int, feminine: bool = False) -> str:
        return self.counted(n, feminine) if self.counted else self.cardinal(n)

    @cached_property
    def number(self) -> str:
        """A written number: digits with optional thousands groups and a decimal comma."""
        groups = re.escape(self.thousands)
        return rf"\d{{1,3}}(?:[{groups}]\d{{3}})+(?:,\d+)?|\d+(?:,\d+)?"

    @cached_property
    def abbreviation_pattern(self) -> re.Pattern[str] | None:
        if not self.abbreviations:
            return None
        keys = sorted(self.abbreviations, key=len, reverse=True)
        alternatives = "|".join(
            rf"[{SPACES}]*".join(re.escape(part) for part in key.split(" ")) for key in keys
        )
        return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")

    @cached_property
    def money_pattern(self) -> re.Pattern[str]:
        symbols = "|".join(re.escape(s) for s in sorted(self.currencies, key=len, reverse=True))
        spaces = f"[{SPACES}]?"
        return re.compile(
            rf"(?<![\w,.])(?:(?P<before>{symbols}){spaces}(?P<amount1>{self.number})"
            rf"|(?P<amount2>{self.number}){spaces}(?P<after>{symbols}))(?![\w])"
        )

    @cached_property
    def percent_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w,.])(?P<n>[-−]?(?:{self.number}))[{SPACES}]?%")

    @cached_property
    def number_pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w,.])(?P<sign>[-−](?=\d))?(?P<n>{self.number})(?![\d])")


_WORD_BEFORE = re.compile(r"([^\W\d_]+)[\s']*$")
_WORD_AFTER = re.compile(r"^[\s]*([^\W\d_]+)")
_DASHES = re.compile(r"\s*(?:[—―–]|--+|\.\.\.+|…)\s*")
_CLOSERS = f"{SPACES}\"'”’»)]"
_SPACE_BEFORE_COMMA = re.compile(r"\s+([,.])")
_CHARACTERS = str.maketrans(
    {
        "“": " ", "”": " ", "„": " ", "‟": " ", "«": " ", "»": " ", '"': " ", "‹": " ", "›": " ",
        "‘": "'", "’": "'", "‚": " ", "`": "'",
        "\u00ad": None, "\u200b": None, "\ufeff": None, "\u2010": "-", "\u2011": "-",
    }
)  # fmt: skip


def word_before(text: str, position: int) -> str:
    match = _WORD_BEFORE.search(text, 0, position)
    return match.group(1).lower() if match else ""


def word_after(text: str, position: int) -> str:
    match = _WORD_AFTER.match(text[position : position + 60])
    return match.group(1) if match else ""


def parse_number(written: str, rules: Rules) -> tuple[int, str]:
    """ "1 234,50" -> (1234, "50")."""
    whole, _, fraction = written.partition(",")
    digits = "".join(ch for ch in whole if ch.isdigit())
    return int(digits), fraction


def say_number(written: str, rules: Rules) -> str:
    """A written number as words: "3,25" is "trois virgule vingt-cinq"; leading zeros of the
    decimals are said ("3,05": "trois virgule zéro cinq")."""
    whole, fraction = parse_number(written, rules)
    said = rules.cardinal(whole)
    if fraction:
        zeros = len(fraction) - len(fraction.lstrip("0"))
        rest = fraction.lstrip("0")
        parts = [rules.cardinal(0)] * zeros + ([rules.cardinal(int(rest))] if rest else [])
        said = f"{said} {rules.decimal_word} {' '.join(parts)}"
    return said


def normalize(text: str, rules: Rules) -> str:
    """`text` (no phoneme spans in it) as the language's readers would say it."""
    if rules.abbreviation_pattern is not None:
        text = rules.abbreviation_pattern.sub(lambda m: _abbreviation(m, rules), text)
    if any(ch.isdigit() for ch in text):
        text = rules.clock_pattern.sub(lambda m: _clock(m, rules), text)
        text = rules.money_pattern.sub(lambda m: _money(m, rules), text)
        text = rules.percent_pattern.sub(lambda m: _percent(m, rules), text)
    text = rules.ordinal_pattern.sub(lambda m: _ordinal(m, rules), text)  # "XIXe" has no digit
    if any(ch.isdigit() for ch in text):
        text = rules.number_pattern.sub(lambda m: _number(m, rules), text)
    text = text.translate(_CHARACTERS)
    text = _DASHES.sub(", ", text)
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())
    text = _SPACE_BEFORE_COMMA.sub(r"\1", text)
    if rules.tidy is not None:
        text = rules.tidy(text)
    return text.strip(" ,")


def _abbreviation(m: re.Match[str], rules: Rules) -> str:
    written = m.group()
    key = " ".join(written.replace("\u00a0", " ").replace("\u202f", " ").split())
    said = rules.abbreviations.get(key) or rules.abbreviations.get(written, written)
    if key in rules.titles:
        # "M." is Monsieur before a name only: elsewhere it is an initial
        following = m.string[m.end() : m.end() + 2]
        if not (following[:1].isspace() and following[1:2].isupper()):
            return written
    at_start = not m.string[: m.start()].strip(" \"'“«¿¡(")
    if at_start and said:
        said = said[0].upper() + said[1:]
    if written.endswith(".") and not m.string[m.end() :].strip(_CLOSERS):
        said += "."  # the abbreviation's dot also ended the sentence
    return said


def _clock(m: re.Match[str], rules: Rules) -> str:
    hours = int(m.group("h"))
    minutes = int(m.group("m") or m.groupdict().get("m2") or 0)
    if hours > 24 or minutes > 59:
        return m.group()
    return rules.clock(hours, minutes)


def _money(m: re.Match[str], rules: Rules) -> str:
    symbol = m.group("before") or m.group("after")
    currency = rules.currencies[symbol]
    whole, fraction = parse_number(m.group("amount1") or m.group("amount2"), rules)
    cents = int((fraction + "00")[:2]) if fraction else 0
    if fraction and len(fraction) > 2:
        return f"{say_number(m.group('amount1') or m.group('amount2'), rules)} {currency.many}"
    parts = []
    if whole or not cents:
        name = currency.one if whole == 1 else currency.many
        words = rules.count(whole, currency.feminine)
        if rules.large_of and rules.large is not None and rules.large.search(words):
            of = rules.large_of
            name = (
                f"{of[:-1]}'{name}" if of.endswith("e") and name[0] in "aeiouéh" else f"{of} {name}"
            )
        parts.append(f"{words} {name}")
    if cents:
        if whole:
            parts += (
                [rules.money_joiner, rules.cardinal(cents)]
                if rules.money_joiner
                else [rules.cardinal(cents)]
            )
        else:
            name = currency.sub_one if cents == 1 else currency.sub_many
            parts.append(f"{rules.count(cents)} {name}")
    return " ".join(parts)


def _percent(m: re.Match[str], rules: Rules) -> str:
    written = m.group("n")
    sign = f"{rules.minus_word} " if written[0] in "-−" else ""
    return f"{sign}{say_number(written.lstrip('-−'), rules)} {rules.percent_word}"


def _ordinal(m: re.Match[str], rules: Rules) -> str:
    written = m.group("n")
    n = int(written) if written.isdigit() else roman_value(written)
    if not n:
        return m.group()
    before = word_before(m.string, m.start())
    after = word_after(m.string, m.end())
    return rules.ordinal(n, m.group("mark"), before, after)


def _number(m: re.Match[str], rules: Rules) -> str:
    written = m.group("n")
    sign = f"{rules.minus_word} " if m.group("sign") else ""
    if len(written.partition(",")[0]) > 15:
        return " ".join(rules.cardinal(int(d)) for d in written if d.isdigit())
    if rules.year and not sign and len(written) == 4 and written.isdigit():
        return rules.year(int(written), word_after(m.string, m.end()))
    return sign + say_number(written, rules)


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def roman_value(text: str) -> int:
    """The value of a Roman numeral; 0 if `text` is not one written the usual way."""
    if not text or any(ch not in _ROMAN for ch in text):
        return 0
    total = 0
    for ch, following in zip(text, text[1:] + " ", strict=True):
        value = _ROMAN[ch]
        total += -value if following in _ROMAN and _ROMAN[following] > value else value
    return total if 0 < total < 4000 and to_roman(total) == text else 0


def to_roman(n: int) -> str:
    out = []
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
        (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def feminine(words: str) -> str:
    """Romance ordinals in the feminine: "vigésimo primero" -> "vigésima primera"."""
    return " ".join(w[:-1] + "a" if w.endswith("o") else w for w in words.split(" "))
