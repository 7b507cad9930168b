"""The per-language rules, case by case: money, times, dates, ordinals, abbreviations and
sentence ends, each as a reader of the language says it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from narrate.errors import InputError
from narrate.text.languages import check_tag, is_english, language, sentence_case_heading
from narrate.text.languages.speak import split_sentences, spoken_form, untitled_chapter

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("tag", "written", "said"),
    [
        # French: money as said at a till, millions "of" euros, feminine currencies and hours
        ("fr", "3,50 €", "trois euros cinquante"),
        ("fr", "0,50 €", "cinquante centimes"),
        ("fr", "1 €", "un euro"),
        ("fr", "2 000 000 €", "deux millions d'euros"),
        ("fr", "1 £", "une livre"),
        ("fr", "à 1 h", "à une heure"),
        ("fr", "21 h 05", "vingt et une heures cinq"),
        ("fr", "le 1er mai", "le premier mai"),
        ("fr", "la 1re fois", "la première fois"),
        ("fr", "Louis XIV", "Louis XIV"),  # a regnal number without a mark is left to the voice
        ("fr", "François Ier", "François premier"),
        ("fr", "3,05", "trois virgule zéro cinq"),
        ("fr", "-4", "moins quatre"),
        ("fr", "M. Martin", "Monsieur Martin"),
        ("fr", "la lettre M. ensuite", "la lettre M. ensuite"),  # an initial, not Monsieur
        ("fr", "Me voici", "Me voici"),  # the pronoun, not maître
        ("fr", "Me Dubois plaide", "Maître Dubois plaide"),
        ("fr", "c.-à-d. demain", "C'est-à-dire demain"),
        ("fr", f"Vraiment{NNBSP}?", "Vraiment?"),
        ("fr", "3 habitants", "trois habitants"),  # "h" of a word is no clock time
        # German: the ordinal's case follows its article; Uhr
        ("de", "am 3. Oktober", "am dritten Oktober"),
        ("de", "der 3. Oktober", "der dritte Oktober"),
        (
            "de",
            "Berlin, 9. November 1989",
            "Berlin, neunter November neunzehnhundertneunundachtzig",
        ),
        ("de", "1 Uhr", "ein Uhr"),
        ("de", "um 14.30 Uhr", "um vierzehn Uhr dreißig"),
        ("de", "1990 Menschen", "eintausendneunhundertneunzig Menschen"),  # a count, not a year
        ("de", "2024", "zweitausendvierundzwanzig"),
        ("de", "1 €", "ein Euro"),
        ("de", "0,99 €", "neunundneunzig Cent"),
        ("de", "z.B. heute", "Zum Beispiel heute"),
        ("de", "Das war 1990.", "Das war neunzehnhundertneunzig."),
        # Spanish: apocope and feminine before nouns, ordinals
        ("es", "21 €", "veintiún euros"),
        ("es", "21 £", "veintiuna libras"),
        ("es", "la 1.ª vez", "la primera vez"),
        ("es", "a las 8:00", "a las ocho en punto"),
        ("es", "con el Sr. Pérez", "con el señor Pérez"),
        # Italian: the first of the month, "l'una"
        ("it", "il 1 maggio", "il primo maggio"),
        ("it", "all'1:15", "all'una e quindici"),
        ("it", "1 €", "un euro"),
        ("it", "3 000 000 €", "tre milioni di euro"),
        # Portuguese: reais, feminine hours
        ("pt", "R$ 10,50", "dez reais e cinquenta"),
        ("pt", "às 2h", "às duas horas"),
        ("pt-BR", "1ª vez", "primeira vez"),
        # Dutch: ordinals and years
        ("nl", "de 2e keer", "de tweede keer"),
        ("nl", "in 1800", "in achttienhonderd"),
        ("nl", "€ 1", "één euro"),
        # numbers only: whole numbers in the language, the rest left to the voice
        ("he", "בת 70", "בת שבעים"),
        ("he", "בשעה 14:30", "בשעה 14:30"),
        ("ar", "عدد الركاب 12", "عدد الركاب اثنا عشر"),
        ("pl", "W 1995 roku", "W tysiąc dziewięćset dziewięćdziesiąt pięć roku"),
        ("sw", "watu 5", "watu 5"),  # no number words for Swahili: the voice reads it
    ],
)
def test_spoken(tag: str, written: str, said: str) -> None:
    assert spoken_form(written, tag) == said


def test_phoneme_spans_pass_untouched() -> None:
    assert spoken_form("En 1995 [[b'OZuR]] 3 €", "fr") == (
        "En mille neuf cent quatre-vingt-quinze [[b'OZuR]] trois euros"
    )


@pytest.mark.parametrize(
    ("tag", "paragraph", "sentences"),
    [
        ("es", "¿Qué hora es? ¡Las tres! El Sr. García llegó.",
         ["¿Qué hora es?", "¡Las tres!", "El Sr. García llegó."]),
        ("fr", f"Vraiment{NNBSP}? «{NNBSP}Oui{NNBSP}!{NNBSP}» dit-il. M. Roux sourit.",
         [f"Vraiment{NNBSP}?", f"«{NNBSP}Oui{NNBSP}!{NNBSP}» dit-il.", "M. Roux sourit."]),
        ("de", "Am 3. Oktober 1990 war Feiertag. Im 19. Jahrhundert nicht.",
         ["Am 3. Oktober 1990 war Feiertag.", "Im 19. Jahrhundert nicht."]),
        ("de", "Äpfel, Birnen usw. Dann kam Dr. Weber.",
         ["Äpfel, Birnen usw.", "Dann kam Dr. Weber."]),
        ("nl", "Het was bijv. koud. Dhr. Jansen kwam.", ["Het was bijv. koud.", "Dhr. Jansen kwam."]),
        ("he", "שלום לכם. מה שלומכם? טוב.", ["שלום לכם.", "מה שלומכם?", "טוב."]),
        ("ar", "مرحبا بكم. كيف حالكم؟ بخير.", ["مرحبا بكم.", "كيف حالكم؟", "بخير."]),
    ],
)  # fmt: skip
def test_sentences(tag: str, paragraph: str, sentences: list[str]) -> None:
    assert split_sentences(paragraph, tag) == sentences


@given(
    st.lists(
        st.text(alphabet="abcÉé¿¡?!.«» \u202f0123456789", min_size=1, max_size=40),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["fr", "de", "es", "he", "ar", "pl"]),
)
def test_splitting_loses_and_duplicates_no_word(words: list[str], tag: str) -> None:
    paragraph = " ".join(words)
    pieces = split_sentences(paragraph, tag)
    assert " ".join(pieces).split() == paragraph.split()


def test_long_runs_are_cut_at_the_arabic_comma() -> None:
    clause = "كان القطار بطيئا جدا في ذلك اليوم البارد"
    pieces = split_sentences("، ".join([clause] * 12), "ar")
    assert all(len(piece) <= 300 for piece in pieces)
    assert all(piece.endswith("،") for piece in pieces[:-1])


@pytest.mark.parametrize(
    ("tag", "base", "direction", "iso"),
    [("fr", "fr", "ltr", "fra"), ("de-AT", "de", "ltr", "deu"), ("pt-BR", "pt", "ltr", "por"),
     ("he", "he", "rtl", "heb"), ("ar-EG", "ar", "rtl", "ara"), ("fa", "fa", "rtl", "fas"),
     ("az-Arab", "az", "rtl", "aze"), ("ku-Latn", "ku", "ltr", "und"), ("yue", "yue", "ltr", "yue")],
)  # fmt: skip
def test_language_description(tag: str, base: str, direction: str, iso: str) -> None:
    described = language(tag)
    assert (described.base, described.direction, described.iso639_2) == (base, direction, iso)


def test_tags_are_checked() -> None:
    assert check_tag("sr-Latn-RS", "x") == "sr-Latn-RS"
    for bad in ("", "f", "fr_FR", "français", "en-", 42):
        with pytest.raises(InputError, match="BCP 47"):
            check_tag(bad, "front matter")
    assert is_english(None) and is_english("en-GB") and not is_english("fr")


def test_sentence_case_headings() -> None:
    assert sentence_case_heading("La nuit du chasseur")
    assert sentence_case_heading("בתחנה")
    assert not sentence_case_heading("Il pleuvait.")
    assert not sentence_case_heading("Où vas-tu ?")
    assert not sentence_case_heading("la nuit du chasseur")
    assert not sentence_case_heading(
        "Une très longue ligne qui ne finit pas et qui continue encore"
    )


def test_untitled_chapters_are_named_in_the_language() -> None:
    assert untitled_chapter("fr", 3) == "Chapitre trois"
    assert untitled_chapter("de", 1) == "Kapitel eins"
    assert untitled_chapter("he", 2) == "שתיים"
