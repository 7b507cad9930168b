"""Text for speech: a golden table of written forms and what espeak-ng is given to say."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from narrate.text.lexicon import Lexicon
from narrate.text.normalize import (
    cardinal,
    normalize,
    ordinal,
    roman_value,
    spoken_form,
    year,
)
from narrate.text.phonemes import split_phonemes

GOLDEN = [
    # the essay's own sentences
    ("“Nothing is wasted,” Dr. Smith said in 1995 — at 5:42 p.m. (cost $0.25, 70%).",
     "Nothing is wasted, Doctor Smith said in nineteen ninety-five, at five forty-two p.m (cost twenty-five cents, seventy percent)."),
    ("In the 1990s, NE of St. Paul’s…", "In the nineteen nineties, northeast of Saint Paul's"),
    ("It ran 1879–80.", "It ran eighteen seventy-nine to eighty."),
    # numbers
    ("42", "forty-two"),
    ("It sold 1,600 copies.", "It sold one thousand six hundred copies."),
    ("About 3.5 miles.", "About three point five miles."),
    ("It fell to -7 overnight.", "It fell to minus seven overnight."),
    ("It was −3.5 outside.", "It was minus three point five outside."),
    ("Only 0.25 of it.", "Only zero point two five of it."),
    ("He saw 1000000 stars.", "He saw one million stars."),
    ("Agent 007 arrived.", "Agent zero zero seven arrived."),
    ("Serial 12345678901234567.", "Serial one two three four five six seven eight nine zero one two three four five six seven."),
    ("It holds 101 rooms.", "It holds one hundred one rooms."),
    # years, and four-digit numbers that are not years
    ("She was born in 1995.", "She was born in nineteen ninety-five."),
    ("It closed in 2004.", "It closed in two thousand four."),
    ("By 1900 it was gone.", "By nineteen hundred it was gone."),
    ("In 2010 it rained.", "In twenty ten it rained."),
    ("The novel (1995) sold well.", "The novel (nineteen ninety-five) sold well."),
    ("In 1066 the Normans came.", "In ten sixty-six the Normans came."),
    ("The 2016 elections were close.", "The twenty sixteen elections were close."),
    ("There were 1995 people there.", "There were one thousand nine hundred ninety-five people there."),
    ("We walked 1500 miles.", "We walked one thousand five hundred miles."),
    ("It was No. 1995 in the list.", "It was number one thousand nine hundred ninety-five in the list."),
    # decades
    ("Music of the 1990s.", "Music of the nineteen nineties."),
    ("Back in the ’90s we danced.", "Back in the nineties we danced."),
    ("Back in the '80s we danced.", "Back in the eighties we danced."),
    ("She was in her 20s.", "She was in her twenties."),
    ("The early 1900s and the 2000s.", "The early nineteen hundreds and the two thousands."),
    # ordinals
    ("The 1st, 22nd, 3rd and 4th.", "The first, twenty-second, third and fourth."),
    ("The 101st time.", "The one hundred first time."),
    ("On May 5 and 5 May.", "On May fifth and the fifth of May."),
    # money
    ("It cost $5.", "It cost five dollars."),
    ("It cost $1 and $0.01.", "It cost one dollar and one cent."),
    ("It cost $1.50 then.", "It cost one dollar and fifty cents then."),
    ("It cost £3 or €10.", "It cost three pounds or ten euros."),
    ("It cost £0.50 or £2.50.", "It cost fifty pence or two pounds and fifty pence."),
    ("A $2.5 million deal and a $5bn one.", "A two point five million dollars deal and a five billion dollars one."),
    ("It raised $1,000,000.", "It raised one million dollars."),
    # percentages
    ("Turnout was 70%.", "Turnout was seventy percent."),
    ("Growth of 3.5% and -2%.", "Growth of three point five percent and minus two percent."),
    ("Between 10–20% of them.", "Between ten to twenty percent of them."),
    # times
    ("It was 5:42 p.m.", "It was five forty-two p.m."),
    ("It opens at 10:00 a.m. on Sundays.", "It opens at ten a.m on Sundays."),
    ("At 9:05 we came and at 10:00 we ate.", "At nine oh five we came and at ten o'clock we ate."),
    ("The train left at 17:00.", "The train left at seventeen hundred."),
    ("Call me at 5pm or 7 A.M. tomorrow.", "Call me at five p.m or seven a.m tomorrow."),
    # abbreviations
    ("Mr. Smith, Mrs. Jones, Ms. Lee and Prof. Hall.", "Mister Smith, Missus Jones, Miz Lee and Professor Hall."),
    ("He lives on Baker St. near St. Paul.", "He lives on Baker Street near Saint Paul."),
    ("Dr. Jones lives on Mulholland Dr. now.", "Doctor Jones lives on Mulholland Drive now."),
    ("Fruit, e.g. apples, i.e. food.", "Fruit, for example apples, that is food."),
    ("Apples, pears, etc.", "Apples, pears, et cetera."),
    ("Kramer vs. Kramer.", "Kramer versus Kramer."),
    ("It lies NE of the town and SW of the hill.", "It lies northeast of the town and southwest of the hill."),
    ("THE NE REGION", "THE NE REGION"),
    ("See No. 5 on p. 12.", "See number five on page twelve."),
    ("No. I will not.", "No. I will not."),
    # symbols
    ("Salt & pepper.", "Salt and pepper."),
    ("Meet @ noon.", "Meet at noon."),
    ("So 2 + 2 = 4.", "So two plus two equals four."),
    ("Take #5 now.", "Take number five now."),
    ("It was 20°C.", "It was twenty degrees Celsius."),
    ("It was 20°\tC, or ~5° more.", "It was twenty degrees Celsius, or about five degrees more."),
    # ranges
    ("Read pages 10–12.", "Read pages ten to twelve."),
    ("The war of 1990-1995.", "The war of nineteen ninety to nineteen ninety-five."),
    ("Ages 5-7 only.", "Ages five to seven only."),
    ("The 2001–02 season.", "The two thousand one to oh two season."),
    # web and email addresses
    ("See https://example.org/path for more.", "See example dot org slash path for more."),
    ("Write to ada@example.org today.", "Write to ada at example dot org today."),
    ("Visit www.example.com.", "Visit example dot com."),
    # roman numerals in running text
    ("After World War II it changed.", "After World War two it changed."),
    ("Henry VIII had six wives.", "Henry the Eighth had six wives."),
    ("Read Chapter IV first.", "Read Chapter four first."),
    ("Louis XIV and Elizabeth I.", "Louis the Fourteenth and Elizabeth the First."),
    ("Then I think I will.", "Then I think I will."),
    ("Malcolm X spoke. The IV drip.", "Malcolm X spoke. The IV drip."),
    # acronyms stay acronyms in running text
    ("NASA and the BBC agreed.", "NASA and the BBC agreed."),
    # quotes and apostrophes
    ("“Shue’s” ‘quoted’ and the boys' toys.", "Shue's quoted and the boys toys."),
    ("It’s rock 'n' roll.", "It's rock n roll."),
    # pauses: dashes, colons, ellipses
    ("A note: read it.", "A note, read it."),
    ("A dash—there, one – here, and -- another.", "A dash, there, one, here, and, another."),
    ("Wait… what... no.", "Wait, what, no."),
    ("Ratio 16:9 and John 3:16.", "Ratio sixteen to nine and John three sixteen."),
    # whitespace and glued tokens
    ("  Many   spaces\n\there  ", "Many spaces here"),
    ("An MP3 in 3D.", "An MP three in three D."),
    # phoneme spans are not touched
    ("Mr. [[w'In]] said 5.", "Mister [[w'In]] said five."),
    ("[[a 1  b: 5%]] then 5%.", "[[a 1  b: 5%]] then five percent."),
]  # fmt: skip

HEADINGS = [
    ("Elisabeth Shue’s Masterpiece", "Elisabeth Shue's Masterpiece"),
    ("II. The Visitors", "Two. The Visitors"),
    ("CHAPTER TWO: THE MIDDLE", "Chapter Two: The Middle"),
    ("Chapter IV", "Chapter four"),
    ("CHAPTER IV", "Chapter four"),
    ("Part III: The End", "Part three: The End"),
    ("XII", "Twelve"),
    ("I. Beginnings", "One. Beginnings"),
    ("I Remember", "I Remember"),
    ("ELISABETH SHUE'S MASTERPIECE", "Elisabeth Shue's Masterpiece"),
    ("The Year 1995", "The Year nineteen ninety-five"),
    ("Notes — and Queries", "Notes, and Queries"),
]


@pytest.mark.parametrize(("written", "spoken"), GOLDEN)
def test_running_text_is_read_as_a_careful_reader_would(written: str, spoken: str) -> None:
    assert normalize(written) == spoken


@pytest.mark.parametrize(("written", "spoken"), HEADINGS)
def test_headings_are_read_as_words(written: str, spoken: str) -> None:
    assert normalize(written, heading=True) == spoken


def test_number_words() -> None:
    assert [cardinal(n) for n in (0, 13, 40, 99, 100, 1_600, 2_000_001)] == [
        "zero", "thirteen", "forty", "ninety-nine", "one hundred", "one thousand six hundred",
        "two million one",
    ]  # fmt: skip
    assert [ordinal(n) for n in (1, 2, 3, 5, 8, 9, 12, 20, 22, 100)] == [
        "first", "second", "third", "fifth", "eighth", "ninth", "twelfth", "twentieth",
        "twenty-second", "one hundredth",
    ]  # fmt: skip
    assert [year(n) for n in (1995, 2004, 1900, 1905, 2000, 2024, 1100)] == [
        "nineteen ninety-five", "two thousand four", "nineteen hundred", "nineteen oh five",
        "two thousand", "twenty twenty-four", "eleven hundred",
    ]  # fmt: skip
    assert [roman_value(r) for r in ("I", "IV", "IX", "XIV", "XL", "MCMXCV")] == [
        1, 4, 9, 14, 40, 1995,
    ]  # fmt: skip


def test_text_with_nothing_to_say_is_returned_as_written() -> None:
    assert normalize(" … ") == "…"
    assert normalize("* * *") == "* * *"


def test_spoken_form_applies_the_lexicon_first_and_keeps_its_phonemes() -> None:
    lexicon = Lexicon((("Shue", "Shoo-ee"), ("Nguyen", "[[w'In]]")))
    assert spoken_form("Shue’s Dr. Nguyen: 5%.", lexicon=lexicon) == (
        "Shoo-ee's Doctor [[w'In]], five percent."
    )
    assert spoken_form("ELISABETH SHUE", heading=True, lexicon=lexicon) == "Elisabeth Shoo-ee"
    assert spoken_form("Nguyen's IV", lexicon=lexicon) == "[[w'In]]'s IV"
    assert spoken_form("Shue 5") == normalize("Shue 5") == "Shue five"


# Text that looks like what the rules read: digits, marks, capitals, dots, brackets.
_LIKELY = st.text(
    alphabet=st.sampled_from(
        list("0123456789 .,:;-–—$£€¥%&@#+=/~*°×'’“”\"()[]IVXLCDMivxmpaNESWtrDsCF…\n\t\x1f\ue000")
    ),
    max_size=40,
)
_SPAN_INSIDE = st.text(alphabet=st.characters(blacklist_characters="[]"), max_size=20)


def _has_alnum(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _LIKELY), st.booleans())
def test_never_raises_and_never_silences_a_speakable_text(text: str, heading: bool) -> None:
    spoken = normalize(text, heading=heading)
    if _has_alnum(text):
        assert spoken.strip()
        assert _has_alnum(spoken)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), _LIKELY), _SPAN_INSIDE, st.one_of(st.text(), _LIKELY), st.booleans())
def test_phoneme_spans_reach_the_engine_verbatim(
    before: str, inside: str, after: str, heading: bool
) -> None:
    span = f"[[{inside}]]"
    assert span in normalize(f"{before} {span} {after}", heading=heading)


@settings(max_examples=200)
@given(st.one_of(st.text(), _LIKELY), _SPAN_INSIDE)
def test_phoneme_spans_from_the_lexicon_reach_the_engine_verbatim(text: str, inside: str) -> None:
    lexicon = Lexicon((("Nguyen", f"[[{inside}]]"),))
    assert f"[[{inside}]]" in spoken_form(f"{text} Nguyen said", lexicon=lexicon)


@given(st.one_of(st.text(), _LIKELY))
def test_phoneme_spans_are_found_as_a_lazy_regex_finds_them(text: str) -> None:
    assert split_phonemes(text) == re.split(r"(\[\[.*?\]\])", text, flags=re.DOTALL)


@pytest.mark.parametrize(
    "text",
    ["[[" * 50_000, "1" * 100_000, "1-" * 50_000, "a." * 50_000 + "@b.org", "Henry VIII " * 9_000],
)
def test_long_odd_text_takes_linear_time(text: str) -> None:
    import time

    start = time.perf_counter()
    normalize(text)
    normalize(text, heading=True)
    Lexicon((("a", "b"),)).apply(text)
    assert time.perf_counter() - start < 5  # measured under 0.2 s; "[[" once took 75 s


def test_a_typical_sentence_is_normalized_quickly() -> None:
    import time

    sentence = "The committee met on Tuesday and agreed, after a long debate, to wait."
    normalize(sentence)
    start = time.perf_counter()
    for _ in range(1000):
        normalize(sentence)
    per_sentence = (time.perf_counter() - start) / 1000
    assert per_sentence < 500e-6  # measured about 15 µs; a tenfold regression fails loudly


@pytest.fixture(scope="module")
def speaker():  # type: ignore[no-untyped-def]
    from narrate.engines import VoiceSettings, check_settings
    from narrate.engines import pyttsx3 as adapter

    opened = adapter.open(check_settings(VoiceSettings()))
    yield opened
    opened.close()


def test_the_real_engine_speaks_normalized_text_and_phoneme_input(speaker) -> None:  # type: ignore[no-untyped-def]
    said = normalize(GOLDEN[0][0])
    assert not re.search(r"[0-9$%“”]", said)
    clip = speaker.synthesize(said)
    assert clip.duration_s > 3.0  # about 25 words
    assert speaker.synthesize("[[w'In]]").duration_s > 0.1


def test_the_real_engine_reads_phoneme_spans_as_phonemes(speaker) -> None:  # type: ignore[no-untyped-def]
    as_phonemes = speaker.synthesize("[[w'In]]").duration_s
    as_word = speaker.synthesize("win").duration_s
    assert abs(as_phonemes - as_word) < 0.1
